"""The verification page for people (HTML, from a Jinja2 template; no script, no external
resource), in the visitor's language (the same catalogues and the same choice as the
browser interface: app.i18n), and the choice between it and JSON."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from app import i18n
from app.i18n import N_, code_names
from app.verify.schemas import VerificationRead

STATE_TEXT = {
    "valid": (N_("Valid"), N_("The permit is valid today.")),
    "not_yet_valid": (N_("Not yet valid"), N_("The permit is not valid before its first day.")),
    "expired": (
        N_("Expired"),
        N_("The permit's validity has ended: it may no longer be used."),
    ),
    "cancelled": (N_("Cancelled"), N_("The Management Authority has cancelled this permit.")),
    "replaced": (
        N_("Replaced"),
        N_("This permit was replaced by another and may no longer be used."),
    ),
    "exported": (
        N_("Used for export"),
        N_("Customs endorsed the export (Box 14): it was used."),
    ),
    "used": (N_("Used"), N_("The shipment has been cleared at import: the permit was used.")),
}
DOCUMENT_TYPES = {
    "E": N_("Export permit"),
    "R": N_("Re-export certificate"),
    "I": N_("Import permit"),
    "O": N_("Other certificate"),
}
NOT_CONFIRMED = (
    N_("Not confirmed"),
    N_(
        "This Management Authority cannot confirm a permit with this number and verification "
        "code. Check the number and the code printed under the QR code."
    ),
)
TOO_MANY = (
    N_("Too many requests"),
    N_("Too many verification requests from this address: try again in %(seconds)s s."),
)
FINE = frozenset({"valid"})


@functools.cache
def _environment(code: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    translations = i18n.catalogues()[code]
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(i18n.formatters(code, country_codes=False))
    code_filters, _globals = code_names.template_helpers(translations.gettext)
    env.filters.update(code_filters)  # "Live (LIV)", "2 kilograms": the paper shows the codes
    env.globals.update(lang=code, languages=i18n.names())
    return env


def language_of(chosen: str | None, accept_language: str | None) -> str:
    """The visitor's language: the switcher's cookie, else the browser's, else English."""
    return i18n.negotiate(chosen, accept_language)


def wants_html(accept: str | None) -> bool:
    """HTML for a browser (its Accept names text/html before any JSON), JSON otherwise: an
    API client, ``curl`` and ``Accept: application/json`` get JSON."""
    quality: dict[str, float] = {}
    for part in (accept or "").split(","):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        quality[media.strip().lower()] = max(q, quality.get(media.strip().lower(), 0.0))
    html = max(quality.get("text/html", 0.0), quality.get("application/xhtml+xml", 0.0))
    return html > 0 and html >= quality.get("application/json", 0.0)


def _render(code: str, here: str, **context: Any) -> str:
    """``here``: this page's address, for the language switcher (the browser interface's
    ``/language/{code}`` sets the choice and comes back to it). Empty: the switcher's links
    name no address and the switcher comes back to the page that sent the visitor (its
    Referer, sent to this site only); so the "not confirmed" page is the same for every
    address, as its JSON answer is."""
    return (
        _environment(code)
        .get_template("verify.html")
        .render(here=quote(here, safe="") if here else "", **context)
    )


def confirmed(verification: VerificationRead, *, code: str = i18n.DEFAULT, here: str = "/") -> str:
    gettext = i18n.language(code).gettext
    label, explanation = STATE_TEXT[verification.state]
    document = DOCUMENT_TYPES.get(verification.document_type or "")
    return _render(
        code,
        here,
        title=gettext("Permit %(number)s: %(state)s")
        % {"number": verification.number, "state": gettext(label)},
        confirmed=True,
        v=verification,
        state_label=gettext(label),
        state_text=gettext(explanation),
        fine=verification.state in FINE,
        document_type=gettext(document) if document else "",
    )


def not_confirmed(*, code: str = i18n.DEFAULT) -> str:
    gettext = i18n.language(code).gettext
    title, message = NOT_CONFIRMED
    return _render(code, "", title=gettext(title), confirmed=False, message=gettext(message))


def too_many(seconds: int, *, code: str = i18n.DEFAULT) -> str:
    gettext = i18n.language(code).gettext
    title, message = TOO_MANY
    return _render(
        code,
        "",
        title=gettext(title),
        confirmed=False,
        message=gettext(message) % {"seconds": seconds},
    )
