"""The officer's exchange pages with messages behind them, made by the real exchange path:
a real French service (LocalParty, an ``ecites serve`` process) receives this service's
pushes, rejects them while it does not trust this service's key (the message ends ``dead``)
and answers a permit request; other Parties' signed permits are pushed here over EPIX
(tests/reports/trading.py). The outbox shows delivered and dead messages and sends one again
(audited); the received permits page lists, filters and pages what was received, downloads
its signed XML, and requests a permit from its issuing Party, with each refusal explained on
the form."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from app.cli.parties import LocalParty, issue_export_permit
from tests.factories import Api
from tests.reports.trading import Trading, foreign_line
from tests.web.conftest import Browser, username_of
from tests.web.exchange_data import deliver, issue_to
from tests.web.pages import read

V1 = "/api/v1"
REQUEST = "/officer/received/request"


@pytest.fixture(scope="module")
def france(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalParty, str]]:
    """France's service, running, with CH registered as a peer (its certificate is added by
    each test, whose CH has a key of its own), and an export permit it issued for CH that it
    could not push (CH has no endpoint there): CH must ask for it."""
    fr = LocalParty("FR", tmp_path_factory.mktemp("france"))
    fr.prepare()
    fr.start()
    try:
        fr.call("POST", f"{V1}/peers", json={"party": "CH", "name": "MA Switzerland"})
        permit = issue_export_permit(fr, "CH", tag="pages")
        yield fr, str(permit["number"])
    finally:
        fr.kill()


def _connect(api: Api, fr: LocalParty) -> None:
    """This service (CH) registers France (its endpoint and certificate)."""
    admin = api.login("admin")
    added = api.client.post(
        f"{V1}/peers",
        headers=admin,
        json={"party": "FR", "name": "MA France", "endpoint_url": fr.base_url},
    )
    assert added.status_code == 201, added.text
    trusted = api.client.post(
        f"{V1}/peers/FR/certificates", headers=admin, json={"pem": fr.certificate_file.read_text()}
    )
    assert trusted.status_code == 201, trusted.text


def _trusted_by(api: Api, fr: LocalParty) -> None:
    """France trusts this service's certificate (until then, it refuses what CH signs)."""
    [own] = api.client.get("/epix/v1/certificates").json()
    fr.call("POST", f"{V1}/peers/CH/certificates", json={"pem": own["pem"]})


def _messages(api: Api, **params: str) -> list[dict[str, Any]]:
    response = api.client.get(f"{V1}/outbox", headers=api.login("admin"), params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_the_outbox_shows_delivered_and_dead_messages_and_sends_again(
    api: Api,
    france: tuple[LocalParty, str],
    browser: Browser,
    admin_browser: Browser,
) -> None:
    fr, _number = france
    _connect(api, fr)
    trader, officer = api.trader(), api.user("officer")
    refused_first = issue_to(api, trader, officer, "FR")
    assert deliver(api) == 1  # France does not know CH's key yet
    _trusted_by(api, fr)
    accepted = issue_to(api, trader, officer, "FR")
    assert deliver(api) == 1
    states = {m["ordering_key"].split("@")[0]: m for m in _messages(api)}
    assert (states[accepted]["status"], states[refused_first]["status"]) == ("delivered", "dead")
    dead_id = states[refused_first]["message_id"]

    browser.sign_in(username_of(api, officer))
    page = browser.get("/officer/outbox")
    assert page.status_code == 200
    for number in (accepted, refused_first):
        assert f"<td>{number}</td>" in page.text
    assert "Delivered" in page.text
    assert "Not delivered (gave up)" in page.text
    assert "Last error:" in page.text
    assert "REJECTED (HTTP 403): UNKNOWN_SENDER" in page.text
    assert page.text.count('action="/officer/outbox/') == 1  # only the dead one is resent
    assert f'action="/officer/outbox/{dead_id}/requeue"' in page.text
    only_dead = browser.get("/officer/outbox?status=dead")
    assert f"<td>{refused_first}</td>" in only_dead.text
    assert f"<td>{accepted}</td>" not in only_dead.text
    only_delivered = browser.get("/officer/outbox?status=delivered")
    assert f"<td>{accepted}</td>" in only_delivered.text
    assert f"<td>{refused_first}</td>" not in only_delivered.text

    admin_browser.sign_in("admin")  # an administrator sees the outbox, an officer resends
    admin_page = admin_browser.get("/officer/outbox")
    assert admin_page.status_code == 200
    assert "/requeue" not in admin_page.text
    assert admin_browser.post(f"/officer/outbox/{dead_id}/requeue").status_code == 403

    delivered_id = states[accepted]["message_id"]
    refused = browser.post(f"/officer/outbox/{delivered_id}/requeue")
    assert refused.status_code == 409
    assert 'class="error-summary"' in refused.text
    resent = browser.post(f"/officer/outbox/{dead_id}/requeue")
    assert resent.status_code == 303
    assert resent.headers["location"] == "/officer/outbox?done=requeued"
    assert "The message will be sent again." in browser.get(resent.headers["location"]).text
    [message] = [m for m in _messages(api) if m["message_id"] == dead_id]
    assert message["status"] == "pending"
    events = api.client.get(
        f"{V1}/audit/events",
        headers=api.login("admin"),
        params={"action": "outbox.requeue"},
    ).json()["items"]
    assert [(e["object_id"], e["actor_name"]) for e in events] == [
        (dead_id, username_of(api, officer))
    ]
    assert deliver(api) == 1  # sent again, now that France trusts CH
    [message] = [m for m in _messages(api) if m["message_id"] == dead_id]
    assert (message["status"], message["attempts"]) == ("delivered", 2)
    after = browser.get("/officer/outbox?status=dead")
    assert "No message." in after.text


def test_a_permit_is_requested_from_its_issuing_party(
    api: Api, france: tuple[LocalParty, str], browser: Browser, other_browser: Browser
) -> None:
    fr, number = france
    _connect(api, fr)
    _trusted_by(api, fr)
    officer = api.user("officer")
    browser.sign_in(username_of(api, officer))
    page = browser.get("/officer/received")
    assert f'action="{REQUEST}"' in page.text
    assert 'id="f-request-party"' in page.text
    assert 'id="f-request-number"' in page.text

    unknown = browser.post(REQUEST, {"request-party": "FR", "request-number": "FR-NO-SUCH-1"})
    assert unknown.status_code == 404
    assert 'href="#f-request-number"' in unknown.text
    assert "no permit with this number" in unknown.text
    assert 'value="FR-NO-SUCH-1"' in unknown.text  # what was typed comes back

    done = browser.post(REQUEST, {"request-party": "fr", "request-number": f" {number} "})
    assert done.status_code == 303, done.text
    listed = browser.get(done.headers["location"])
    assert "The permit has been received from its issuing Party and verified." in listed.text
    assert f"<td>{number}</td>" in listed.text
    link = f"/officer/received/FR/{number}.xml"
    assert f'href="{link}"' in listed.text
    xml = browser.get(link)
    assert xml.status_code == 200
    assert xml.headers["content-type"].startswith("application/xml")
    assert xml.headers["content-disposition"] == f'attachment; filename="FR-{number}.xml"'
    api_copy = api.client.get(f"{V1}/foreign-permits/FR/{number}.xml", headers=officer)
    assert xml.content == api_copy.content  # byte for byte as France signed it
    events = api.client.get(
        f"{V1}/audit/events",
        headers=api.login("admin"),
        params={"action": "foreign_permit.request"},
    ).json()["items"]
    assert [e["details"]["number"] for e in events] == [number]

    customs = api.user("customs")  # the same readers as the API's download
    other_browser.sign_in(username_of(api, customs))
    assert other_browser.get(link).status_code == 200
    assert other_browser.get("/officer/received").status_code == 403
    assert browser.get("/officer/received/FR/FR-NO-SUCH-1.xml").status_code == 404


def test_each_refused_request_is_explained_and_changes_nothing(api: Api, browser: Browser) -> None:
    admin = api.login("admin")
    peers = {
        "IT": {"endpoint_url": "http://127.0.0.1:9"},  # nothing listens there
        "ES": {"endpoint_url": "http://127.0.0.1:9"},
        "AT": {},  # no EPIX address
    }
    for code, more in peers.items():
        added = api.client.post(
            f"{V1}/peers", headers=admin, json={"party": code, "name": f"MA {code}", **more}
        )
        assert added.status_code == 201, added.text
    assert api.client.post(f"{V1}/peers/ES/suspend", headers=admin).status_code == 200
    officer = api.user("officer")
    browser.sign_in(username_of(api, officer))
    cases = [
        ({"request-party": "QZ", "request-number": "QZ1"}, 404, "request-party", "not a peer"),
        ({"request-party": "ES", "request-number": "ES1"}, 409, "request-party", "suspended"),
        ({"request-party": "AT", "request-number": "AT1"}, 409, "request-party", "No EPIX"),
        ({"request-party": "IT", "request-number": "IT1"}, 502, None, "could not be reached"),
        ({"request-party": "F", "request-number": "FR1"}, 400, "request-party", "two-letter"),
        ({"request-party": "FR", "request-number": ""}, 400, "request-number", "permit number"),
        ({"request-party": "FR", "request-number": "X" * 36}, 400, "request-number", "35"),
    ]
    for form, status, field, text in cases:
        response = browser.post(REQUEST, form)
        assert response.status_code == status, (form, response.text[-2000:])
        assert 'class="error-summary"' in response.text, form
        if field:
            assert f'href="#f-{field}"' in response.text, form
            assert 'aria-invalid="true"' in response.text, form
        assert text in response.text, form
    listed = api.client.get(f"{V1}/foreign-permits", headers=officer).json()
    assert listed["total"] == 0
    events = api.client.get(
        f"{V1}/audit/events", headers=admin, params={"action": "foreign_permit.request"}
    ).json()["items"]
    assert events == []


def _receive_many(trading: Trading, count: int) -> list[str]:
    numbers = []
    for serial in range(count):
        number = f"DE-E-2026-{serial:04d}"
        trading.receive(
            f"D{serial}",
            "DE",
            number,
            kind="E",
            issued=date(2026, 1, 5),
            purpose="T",
            lines=[foreign_line("A", "Testudo hermanni", "LIV", "2", "NAR", "II", "C", "DE")],
        )
        numbers.append(number)
    return numbers


def test_received_permits_are_listed_filtered_and_paged(
    api: Api, monkeypatch: pytest.MonkeyPatch, browser: Browser
) -> None:
    trading = Trading(api, monkeypatch)  # France and Germany push to CH over EPIX
    german = _receive_many(trading, 21)
    trading.receive(
        "F1",
        "FR",
        "FR2600042",
        kind="R",
        issued=date(2026, 2, 1),
        purpose="Z",
        lines=[foreign_line("A", "Python regius", "LIV", "3", "NAR", "II", "C", "GH")],
    )
    browser.sign_in(username_of(api, trading.officer))
    first = browser.get("/officer/received")
    assert first.status_code == 200
    assert "Page 1 of 2" in first.text
    assert "<td>FR2600042</td>" in first.text  # newest first
    assert 'href="/officer/received?page=2&amp;party=&amp;number="' in first.text
    second = browser.get("/officer/received?page=2")
    shown = [n for n in [*german, "FR2600042"] if f"<td>{n}</td>" in second.text]
    assert sorted(shown) == german[:2]  # 22 permits: the two oldest on page 2
    assert "Page 2 of 2" in second.text

    french = browser.get("/officer/received?party=fr")
    assert "<td>FR2600042</td>" in french.text
    assert "Re-export certificate" in french.text
    assert not any(f"<td>{n}</td>" in french.text for n in german)
    one = browser.get(f"/officer/received?party=DE&number={german[7]}")
    rows = [n for n in [*german, "FR2600042"] if f"<td>{n}</td>" in one.text]
    assert rows == [german[7]]
    assert "Germany (DE)" in one.text
    nothing = browser.get("/officer/received?party=DE&number=FR2600042")
    assert "No permit received." in nothing.text
    page = read(first.text)
    assert page.h1 == 1
    assert sum(1 for link in page.links if link.endswith(".xml")) == 20


def test_traders_may_not_request_or_download(api: Api, browser: Browser) -> None:
    trader = api.trader()
    browser.sign_in(username_of(api, trader))
    refused = browser.post(REQUEST, {"request-party": "FR", "request-number": "FR1"})
    assert refused.status_code == 403
    bad = browser.post(REQUEST, {"request-party": "", "request-number": ""})
    assert bad.status_code == 403  # not told what is wrong with the form
    assert browser.get("/officer/received/FR/FR1.xml").status_code == 403


def test_a_number_with_a_slash_is_downloaded(
    api: Api, monkeypatch: pytest.MonkeyPatch, browser: Browser
) -> None:
    trading = Trading(api, monkeypatch)
    number = "DE-2026/17"
    trading.receive(
        "D1",
        "DE",
        number,
        kind="E",
        issued=date(2026, 1, 5),
        purpose="T",
        lines=[foreign_line("A", "Testudo hermanni", "LIV", "2", "NAR", "II", "C", "DE")],
    )
    browser.sign_in(username_of(api, trading.officer))
    page = browser.get("/officer/received")
    assert 'href="/officer/received/DE/DE-2026/17.xml"' in page.text
    xml = browser.get("/officer/received/DE/DE-2026/17.xml")
    assert xml.status_code == 200, xml.text[:300]
    assert xml.headers["content-disposition"] == 'attachment; filename="DE-DE-2026_17.xml"'
    assert b"DE-2026/17" in xml.content


def test_a_request_without_the_forms_token_is_refused(api: Api, browser: Browser) -> None:
    browser.sign_in(username_of(api, api.user("officer")))
    response = browser.client.post(
        REQUEST,
        data={"request-party": "QZ", "request-number": "QZ1"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "The form has expired" in response.text
