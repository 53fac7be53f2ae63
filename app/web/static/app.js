// Progressive enhancement only: every page works without this script.
// Species names: as the trader types a scientific name, the shared <datalist> is filled
// from the service's species search (same origin, the session cookie authorises it).
(function () {
  "use strict";
  var list = document.getElementById("species-names");
  if (!list || !window.fetch) { return; }
  var timer = null;
  function fill(names) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    names.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.name;
      if (item.matched) { option.label = item.matched; }
      list.appendChild(option);
    });
  }
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field || field.getAttribute("list") !== "species-names") { return; }
    var query = field.value.trim();
    if (query.length < 3) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch("/species/suggest?q=" + encodeURIComponent(query), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(fill)
        .catch(function () { /* suggestions are a convenience: ignore failures */ });
    }, 200);
  });
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
