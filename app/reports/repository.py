"""The report's queries: what the permits, customs and exchange domains recorded, read as
plain rows (Core, no ORM objects: the columns in the order each function gives) and streamed
from the database in batches, in a stable order.

This is a read model over other domains' tables: it joins them in one query per report
instead of calling their services row by row, and it never writes.

The moment of the trade comes as the driver gives it (``type_coerce(..., String)``): a date or
datetime on PostgreSQL, the stored ISO text on SQLite, whose date parsing costs half a second
per million rows. Only the statistics read it (app/reports/statistics.py ``month``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from itertools import chain
from typing import Any

from sqlalchemy import Executable, String, or_, select, type_coerce
from sqlalchemy.orm import Session

from app.applications.models import Application, ApplicationLine
from app.exchange.models import ForeignPermit
from app.permits.models import BorderEvent, Permit
from app.species.models import Listing

BATCH = 2_000  # rows fetched per round trip (a server-side cursor on PostgreSQL)
XML_BATCH = 100  # clearances per round trip: each row carries a signed document
EXPORT, IMPORT = "export", "import"  # BorderEvent.kind (app/permits/border.py)
NOT_REPORTED = ("cancelled", "replaced")  # issued basis: never used, or counted as replaced

# counterparty country, purpose; then the line's letter, name, term, appendix, source,
# origin country, origin permit, last re-export certificate
_DESCRIPTION = (
    Application.counterparty_country,
    Application.purpose_code,
    ApplicationLine.letter,
    ApplicationLine.scientific_name,
    ApplicationLine.term_code,
    ApplicationLine.appendix,
    ApplicationLine.source_code,
    ApplicationLine.origin_country,
    ApplicationLine.origin_permit_number,
    ApplicationLine.reexport_certificate_number,
)


def _stream(session: Session, query: Executable, batch: int = BATCH) -> Iterator[Sequence[Any]]:
    """The rows, fetched ``batch`` at a time. Core rows on the session's connection, chained
    in C: at a million rows, the ORM's result machinery or a Python generator per row costs
    more than the query itself. The cursor closes when the rows are exhausted, or with the
    session."""
    result = session.connection().execute(query.execution_options(yield_per=batch))
    return chain.from_iterable(result.partitions())


def issued_lines(
    session: Session,
    *,
    party: str,
    document_types: tuple[str, ...],
    start: datetime,
    end: datetime,
) -> Iterator[Sequence[Any]]:
    """The lines of this Party's permits of ``document_types`` issued in [start, end), but
    cancelled and replaced ones; in issue order. Columns: number, issued at (as the driver
    gives it), export permit number (of an import permit), the description columns above,
    then the permitted quantity and its unit."""
    query = (
        select(
            Permit.number,
            type_coerce(Permit.issued_at, String),
            Application.export_permit_number,
            *_DESCRIPTION,
            ApplicationLine.quantity,
            ApplicationLine.unit_code,
        )
        .join(Application, Application.id == Permit.application_id)
        .join(ApplicationLine, ApplicationLine.application_id == Permit.application_id)
        .where(
            Permit.issuing_party == party,
            Permit.document_type.in_(document_types),
            Permit.status.not_in(NOT_REPORTED),
            Permit.issued_at >= start,
            Permit.issued_at < end,
        )
        .order_by(Permit.issued_at, Permit.id, ApplicationLine.position)
    )
    return _stream(session, query)


def endorsed_lines(
    session: Session, *, party: str, document_types: tuple[str, ...], first: date, last: date
) -> Iterator[Sequence[Any]]:
    """Export endorsements by this Party's customs dated in [first, last] on its own
    documents of ``document_types``, one row per permit line; in the order of the events.
    Columns: event id, event date (as the driver gives it), the endorsed quantities (JSON),
    number, then the description columns above."""
    query = (
        select(
            BorderEvent.id,
            type_coerce(BorderEvent.event_date, String),
            BorderEvent.lines,
            Permit.number,
            *_DESCRIPTION,
        )
        .join(
            Permit,
            (Permit.issuing_party == BorderEvent.issuing_party)
            & (Permit.number == BorderEvent.number),
        )
        .join(Application, Application.id == Permit.application_id)
        .join(ApplicationLine, ApplicationLine.application_id == Permit.application_id)
        .where(
            BorderEvent.kind == EXPORT,
            BorderEvent.reported_by == party,
            BorderEvent.issuing_party == party,
            BorderEvent.event_date >= first,
            BorderEvent.event_date <= last,
            Permit.document_type.in_(document_types),
        )
        .order_by(BorderEvent.event_date, BorderEvent.id, ApplicationLine.position)
    )
    return _stream(session, query)


def import_clearances(
    session: Session, *, party: str, first: date, last: date
) -> Iterator[Sequence[Any]]:
    """Import clearances by this Party's customs dated in [first, last], on documents other
    Parties issued, each with the received document's signed XML (None when it is not
    here); in the order of the events. Columns: event id, event date, the cleared quantities
    (JSON), issuing Party, number, import permit number, signed XML."""
    query = (
        select(
            BorderEvent.id,
            BorderEvent.event_date,
            BorderEvent.lines,
            BorderEvent.issuing_party,
            BorderEvent.number,
            BorderEvent.import_permit_number,
            ForeignPermit.signed_xml,
        )
        .outerjoin(
            ForeignPermit,
            (ForeignPermit.issuing_party == BorderEvent.issuing_party)
            & (ForeignPermit.number == BorderEvent.number),
        )
        .where(
            BorderEvent.kind == IMPORT,
            BorderEvent.reported_by == party,
            BorderEvent.issuing_party != party,
            BorderEvent.event_date >= first,
            BorderEvent.event_date <= last,
        )
        .order_by(BorderEvent.event_date, BorderEvent.id)
    )
    return _stream(session, query, XML_BATCH)


def listing_changes(session: Session, *, snapshot_id: int, first: date, last: date) -> set[date]:
    """The days in (first, last] on which a listing of the snapshot starts or ends: between
    two of them, every taxon's listing stays the same."""
    query = select(Listing.effective_from, Listing.effective_to).where(
        Listing.snapshot_id == snapshot_id,
        or_(
            (Listing.effective_from > first) & (Listing.effective_from <= last),
            (Listing.effective_to > first) & (Listing.effective_to <= last),
        ),
    )
    days: set[date] = set()
    for start, end in session.execute(query):
        days.update(d for d in (start, end) if d is not None and first < d <= last)
    return days
