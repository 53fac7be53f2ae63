"""The border's hot path: this Party's own permit as a validity check reads it.

One Core statement, built once, reads the permit, its application's parties and its lines
(a row per line); no ORM object is made. The replacement's number is read only for a replaced
permit. Writes (endorsements) load the ORM objects instead (``find_document(for_update=True)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, bindparam, select

from app.applications.models import Application, ApplicationLine
from app.core.db import Reader, connection_of
from app.permits.models import Permit

_PERMITS = cast(Table, Permit.__table__)
_APPLICATIONS = cast(Table, Application.__table__)
_LINES = cast(Table, ApplicationLine.__table__)

_OWN_PERMIT = (
    select(
        _PERMITS.c.id,
        _PERMITS.c.status,
        _PERMITS.c.document_type,
        _PERMITS.c.valid_from,
        _PERMITS.c.valid_until,
        _APPLICATIONS.c.applicant_name,
        _APPLICATIONS.c.applicant_country,
        _APPLICATIONS.c.counterparty_name,
        _APPLICATIONS.c.counterparty_country,
        _LINES.c.letter,
        _LINES.c.scientific_name,
        _LINES.c.quantity,
        _LINES.c.unit_code,
        _LINES.c.appendix,
    )
    .join_from(_PERMITS, _APPLICATIONS, _PERMITS.c.application_id == _APPLICATIONS.c.id)
    .outerjoin(_LINES, _LINES.c.application_id == _APPLICATIONS.c.id)
    .where(_PERMITS.c.issuing_party == bindparam("party"), _PERMITS.c.number == bindparam("number"))
    .order_by(_LINES.c.position)
)
_REPLACEMENT = select(_PERMITS.c.number).where(_PERMITS.c.replaces_permit_id == bindparam("id"))


@dataclass(frozen=True)
class OwnLine:
    letter: str
    scientific_name: str
    quantity: Decimal
    unit_code: str
    appendix: str


@dataclass(frozen=True)
class OwnPermit:
    """What a check shows of an own permit (the applicant and the other party as the
    application names them)."""

    status: str
    document_type: str
    valid_from: date | None
    valid_until: date | None
    applicant_name: str
    applicant_country: str
    counterparty_name: str
    counterparty_country: str
    lines: list[OwnLine]
    replaced_by: str | None


def own_permit(reader: Reader, party: str, number: str) -> OwnPermit | None:
    """This Party's permit ``number`` (``party`` is this Party's code), or None."""
    connection = connection_of(reader)
    rows = connection.execute(_OWN_PERMIT, {"party": party, "number": number}).all()
    if not rows:
        return None
    first = rows[0]
    replaced_by = (
        connection.scalar(_REPLACEMENT, {"id": first.id}) if first.status == "replaced" else None
    )
    return OwnPermit(
        status=first.status,
        document_type=first.document_type,
        valid_from=first.valid_from,
        valid_until=first.valid_until,
        applicant_name=first.applicant_name,
        applicant_country=first.applicant_country,
        counterparty_name=first.counterparty_name,
        counterparty_country=first.counterparty_country,
        lines=[
            OwnLine(r.letter, r.scientific_name, r.quantity, r.unit_code, r.appendix)
            for r in rows
            if r.letter is not None
        ],
        replaced_by=replaced_by,
    )
