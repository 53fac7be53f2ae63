"""What customs recorded at the border, on own and foreign documents (the record behind
Box 14 and the import clearance). Recording is the customs use cases' and EPIX's; this
module keeps the rows, so that both can reach them from above."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from app.core.db import Reader
from app.permits import repository
from app.permits.models import BorderEvent
from app.permits.repository import EventRow as EventRow  # re-exported: customs reads these

EXPORT, IMPORT = "export", "import"
Event = BorderEvent | EventRow
"""A border event: the row just recorded, or the values read back for a check."""


@dataclass(frozen=True)
class EndorsedLine:
    """The quantity that crossed for one line (letter A, B, ...); unit "" = specimens."""

    line: str
    quantity: Decimal
    unit: str


def lines_of(event: Event) -> list[EndorsedLine]:
    return [
        EndorsedLine(item["line"], Decimal(item["quantity"]), item["unit"])
        for item in json.loads(event.lines)
    ]


def record(
    session: Session,
    *,
    kind: str,
    issuing_party: str,
    number: str,
    reported_by: str,
    declaration_ref: str,
    event_date: date,
    lines: list[EndorsedLine],
    recorded_at: datetime,
    request_sha256: str,
    port: str | None = None,
    customs_officer: str | None = None,
    import_permit_number: str | None = None,
    recorded_by_id: int | None = None,
) -> BorderEvent:
    event = BorderEvent(
        kind=kind,
        issuing_party=issuing_party,
        number=number,
        reported_by=reported_by,
        declaration_ref=declaration_ref,
        port=port,
        event_date=event_date,
        customs_officer=customs_officer,
        import_permit_number=import_permit_number,
        lines=json.dumps(
            [{"line": x.line, "quantity": str(x.quantity), "unit": x.unit} for x in lines]
        ),
        request_sha256=request_sha256,
        recorded_at=recorded_at,
        recorded_by_id=recorded_by_id,
    )
    session.add(event)
    session.flush()
    return event


def find(
    session: Session, *, kind: str, reported_by: str, declaration_ref: str
) -> BorderEvent | None:
    return repository.border_event(
        session, kind=kind, reported_by=reported_by, declaration_ref=declaration_ref
    )


def events_on(reader: Reader, *, issuing_party: str, number: str) -> list[EventRow]:
    """Every border event on the document, oldest first."""
    return repository.border_events(reader, issuing_party=issuing_party, number=number)
