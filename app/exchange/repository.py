from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple, cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from app.core.db import page
from app.exchange.models import ForeignPermit, InboxMessage


def inbox_message(session: Session, message_id: str) -> InboxMessage | None:
    return session.scalar(select(InboxMessage).where(InboxMessage.message_id == message_id))


class InboxEntry(NamedTuple):
    sha256: str
    receipt: bytes


# Receiving runs these for every message: Core statements on the tables (no ORM objects, no
# ORM compilation), built once so that each run reuses the compiled form.
_INBOX = cast(Table, InboxMessage.__table__)
_FOREIGN = cast(Table, ForeignPermit.__table__)
_INBOX_ENTRY = select(_INBOX.c.sha256, _INBOX.c.receipt).where(
    _INBOX.c.message_id == bindparam("message_id")
)
_ADD_INBOX_ENTRY = insert(_INBOX)
_FOREIGN_PERMIT_BYTES = select(_FOREIGN.c.signed_xml).where(
    _FOREIGN.c.issuing_party == bindparam("party"), _FOREIGN.c.number == bindparam("number")
)
_ADD_FOREIGN_PERMIT = insert(_FOREIGN)


def inbox_entry(session: Session, message_id: str) -> InboxEntry | None:
    """What the inbox recorded for a message id: its digest and receipt (one row read, no
    ORM object: receiving asks this of every message)."""
    row = session.connection().execute(_INBOX_ENTRY, {"message_id": message_id}).first()
    return None if row is None else InboxEntry(row.sha256, row.receipt)


def add_inbox_entry(
    session: Session,
    *,
    message_id: str,
    sender: str,
    message_type: str,
    permit_number: str,
    sha256: str,
    status: str,
    received_at: datetime,
    receipt: bytes,
) -> None:
    session.connection().execute(
        _ADD_INBOX_ENTRY,
        {
            "message_id": message_id,
            "sender": sender,
            "message_type": message_type,
            "permit_number": permit_number,
            "sha256": sha256,
            "status": status,
            "received_at": received_at,
            "receipt": receipt,
        },
    )


def foreign_permit_bytes(session: Session, party: str, number: str) -> bytes | None:
    return session.connection().scalar(_FOREIGN_PERMIT_BYTES, {"party": party, "number": number})


def add_foreign_permit(
    session: Session,
    *,
    issuing_party: str,
    number: str,
    document_type: str | None,
    valid_until: date | None,
    importer_country: str | None,
    status: str,
    signer_fingerprint: str,
    message_id: str,
    received_at: datetime,
    signed_xml: bytes,
) -> None:
    session.connection().execute(
        _ADD_FOREIGN_PERMIT,
        {
            "issuing_party": issuing_party,
            "number": number,
            "document_type": document_type,
            "valid_until": valid_until,
            "importer_country": importer_country,
            "status": status,
            "signer_fingerprint": signer_fingerprint,
            "message_id": message_id,
            "received_at": received_at,
            "signed_xml": signed_xml,
        },
    )


def foreign_permit(
    session: Session, party: str, number: str, *, for_update: bool = False
) -> ForeignPermit | None:
    query = select(ForeignPermit).where(
        ForeignPermit.issuing_party == party, ForeignPermit.number == number
    )
    return session.scalar(query.with_for_update() if for_update else query)


def list_foreign(
    session: Session, *, party: str | None, number: str | None, limit: int, offset: int
) -> tuple[list[ForeignPermit], int]:
    query = select(ForeignPermit)
    if party:
        query = query.where(ForeignPermit.issuing_party == party)
    if number:
        query = query.where(ForeignPermit.number == number)
    return page(session, query, ForeignPermit.id.desc(), limit=limit, offset=offset)
