from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.db import page
from app.exchange.models import ForeignPermit, InboxMessage


def inbox_message(session: Session, message_id: str) -> InboxMessage | None:
    return session.scalar(select(InboxMessage).where(InboxMessage.message_id == message_id))


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
