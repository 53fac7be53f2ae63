from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from app.applications.models import Application
from app.applications.schemas import ApplicationFilter
from app.core.db import page

SORTS: dict[str, ColumnElement[Any]] = {
    "created_at": Application.created_at.asc(),
    "-created_at": Application.created_at.desc(),
    "submitted_at": Application.submitted_at.asc(),
    "-submitted_at": Application.submitted_at.desc(),
}


@cache
def _get_statement(with_lines: bool, for_update: bool) -> Select[Application]:
    """Built once for each of the four forms: every read of one application runs one."""
    query = select(Application).where(Application.id == bindparam("id"))
    if with_lines:  # one query: the application joined with its lines
        query = query.options(joinedload(Application.lines))
    if for_update:  # lock the application row only (its lines are not on the locked side)
        query = query.with_for_update(of=Application)
    return query


def get(
    session: Session, application_id: int, *, with_lines: bool = True, for_update: bool = False
) -> Application | None:
    statement = _get_statement(with_lines, for_update)
    return session.scalars(statement, {"id": application_id}).unique().one_or_none()


def _filtered(flt: ApplicationFilter) -> Select[Application]:
    query = select(Application)
    if flt.organisation_id is not None:
        query = query.where(Application.organisation_id == flt.organisation_id)
    if flt.statuses:
        query = query.where(Application.status.in_(flt.statuses))
    if flt.document_type:
        query = query.where(Application.document_type == flt.document_type)
    if flt.submitted_from:
        query = query.where(Application.submitted_at >= flt.submitted_from)
    if flt.submitted_to:
        query = query.where(Application.submitted_at < flt.submitted_to)
    return query


def list_page(
    session: Session, flt: ApplicationFilter, *, limit: int, offset: int
) -> tuple[list[Application], int]:
    query = _filtered(flt)
    return page(session, query, SORTS[flt.sort], Application.id, limit=limit, offset=offset)
