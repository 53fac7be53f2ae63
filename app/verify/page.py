"""The verification page for people (HTML, from a Jinja2 template; no script, no external
resource) and the choice between it and JSON."""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from app.codelists.lists import code_lists
from app.verify.schemas import VerificationRead

STATE_TEXT = {
    "valid": ("Valid", "The permit is valid today."),
    "not_yet_valid": ("Not yet valid", "The permit is not valid before its first day."),
    "expired": ("Expired", "The permit's validity has ended: it may no longer be used."),
    "cancelled": ("Cancelled", "The Management Authority has cancelled this permit."),
    "replaced": ("Replaced", "This permit was replaced by another and may no longer be used."),
    "exported": ("Used for export", "Customs endorsed the export (Box 14): it was used."),
    "used": ("Used", "The shipment has been cleared at import: the permit was used."),
}
FINE = frozenset({"valid"})


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


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


def confirmed(verification: VerificationRead) -> str:
    label, explanation = STATE_TEXT[verification.state]
    lists = code_lists()
    return (
        _environment()
        .get_template("verify.html")
        .render(
            title=f"Permit {verification.number}: {label}",
            confirmed=True,
            v=verification,
            state_label=label,
            state_text=explanation,
            fine=verification.state in FINE,
            document_type=lists.document_type.get(verification.document_type or "", ""),
            country=lists.country.get(verification.party, verification.party),
        )
    )


def not_confirmed(*, title: str, message: str) -> str:
    return (
        _environment()
        .get_template("verify.html")
        .render(title=title, confirmed=False, message=message)
    )
