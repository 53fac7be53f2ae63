from __future__ import annotations

from datetime import date
from functools import cache
from typing import NamedTuple, cast

from sqlalchemy import Select, Table, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from app.core.db import Reader, connection_of, page
from app.permits.models import BorderEvent, Permit, PermitNumberSequence
from app.permits.schemas import PermitFilter

_SEQUENCES = cast(Table, PermitNumberSequence.__table__)


@cache
def _next_serial_statement(dialect: str) -> ReturningInsert[int]:
    """Built once per dialect: every issuance runs it."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(_SEQUENCES)
        .values(party=bindparam("party"), year=bindparam("year"), last_serial=1)
        .on_conflict_do_update(
            index_elements=[_SEQUENCES.c.party, _SEQUENCES.c.year],
            set_={"last_serial": _SEQUENCES.c.last_serial + 1},
        )
        .returning(_SEQUENCES.c.last_serial)
    )


def next_serial(session: Session, *, party: str, year: int) -> int:
    """Atomically take the next serial for (party, year); the row stays locked until commit.
    Core on the session's connection: the sequence row depends on nothing pending (no flush),
    and the ORM never holds it."""
    statement = _next_serial_statement(session.get_bind().dialect.name)
    return int(session.connection().execute(statement, {"party": party, "year": year}).scalar_one())


def get(session: Session, permit_id: int, *, for_update: bool = False) -> Permit | None:
    query = select(Permit).where(Permit.id == permit_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def get_by_number(session: Session, party: str, number: str) -> Permit | None:
    return session.scalar(
        select(Permit).where(Permit.issuing_party == party, Permit.number == number)
    )


def numbers_by_id(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Permit.id, Permit.number).where(Permit.id.in_(ids)))
    return {row.id: row.number for row in rows}


def _filtered(flt: PermitFilter) -> Select[Permit]:
    query = select(Permit)
    if flt.organisation_id is not None:
        query = query.where(Permit.organisation_id == flt.organisation_id)
    if flt.application_id is not None:
        query = query.where(Permit.application_id == flt.application_id)
    if flt.statuses:
        query = query.where(Permit.status.in_(flt.statuses))
    if flt.document_type:
        query = query.where(Permit.document_type == flt.document_type)
    if flt.number:
        query = query.where(Permit.number == flt.number)
    if flt.issued_from:
        query = query.where(Permit.issued_at >= flt.issued_from)
    if flt.issued_to:
        query = query.where(Permit.issued_at < flt.issued_to)
    return query


def list_page(
    session: Session, flt: PermitFilter, *, limit: int, offset: int
) -> tuple[list[Permit], int]:
    query = _filtered(flt)
    return page(
        session, query, Permit.issued_at.desc(), Permit.id.desc(), limit=limit, offset=offset
    )


def due_for_expiry(session: Session, *, today: date, limit: int) -> list[Permit]:
    return list(
        session.scalars(
            select(Permit)
            .where(Permit.status == "valid", Permit.valid_until < today)
            .order_by(Permit.id)
            .limit(limit)
        )
    )


def border_event(
    session: Session, *, kind: str, reported_by: str, declaration_ref: str
) -> BorderEvent | None:
    return session.scalar(
        select(BorderEvent).where(
            BorderEvent.kind == kind,
            BorderEvent.reported_by == reported_by,
            BorderEvent.declaration_ref == declaration_ref,
        )
    )


class EventRow(NamedTuple):
    """A border event's values (read-only), as customs checks show them."""

    kind: str
    reported_by: str
    declaration_ref: str
    port: str | None
    event_date: date
    customs_officer: str | None
    import_permit_number: str | None
    lines: str


_EVENTS = cast(Table, BorderEvent.__table__)
# Every customs check reads this: a Core statement, built once.
_EVENT_ROWS = (
    select(*(_EVENTS.c[name] for name in EventRow._fields))
    .where(_EVENTS.c.issuing_party == bindparam("party"), _EVENTS.c.number == bindparam("number"))
    .order_by(_EVENTS.c.id)
)


def border_events(reader: Reader, *, issuing_party: str, number: str) -> list[EventRow]:
    if isinstance(reader, Session):
        reader.flush()  # Core below: events this transaction recorded are read too
    rows = connection_of(reader).execute(_EVENT_ROWS, {"party": issuing_party, "number": number})
    return [EventRow(*row) for row in rows]


def get_by_number_for_update(session: Session, party: str, number: str) -> Permit | None:
    query = select(Permit).where(Permit.issuing_party == party, Permit.number == number)
    return session.scalar(query.with_for_update())


def replacement_of(session: Session, permit_id: int) -> Permit | None:
    return session.scalar(select(Permit).where(Permit.replaces_permit_id == permit_id))
