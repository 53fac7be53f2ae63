"""Drafting and reading applications. State changes are the workflow's (app/workflow)."""

from __future__ import annotations

import dataclasses
import string

from sqlalchemy.orm import Session

from app.applications import repository
from app.applications.models import Application, ApplicationLine
from app.applications.repository import SORTS
from app.applications.schemas import ApplicationFilter, ApplicationIn
from app.audit import service as audit
from app.auth import service as auth_service
from app.core.actor import Actor, Role
from app.core.clock import utcnow
from app.core.errors import InvalidInput, NotFound, PermissionDenied

DRAFT = "draft"


def _lines(data: ApplicationIn) -> list[ApplicationLine]:
    return [
        ApplicationLine(position=i, letter=string.ascii_uppercase[i], **line.model_dump())
        for i, line in enumerate(data.lines)
    ]


def _content(data: ApplicationIn) -> dict[str, object]:
    return {
        "document_type": data.document_type,
        "other_subtype": data.other_subtype,
        "counterparty_name": data.counterparty.name,
        "counterparty_address": data.counterparty.address,
        "counterparty_country": data.counterparty.country,
        "purpose_code": data.purpose_code,
        "special_conditions": data.special_conditions,
        "export_permit_party": data.export_permit_party,
        "export_permit_number": data.export_permit_number,
        "import_permit_party": data.import_permit_party,
        "import_permit_number": data.import_permit_number,
        "requested_valid_until": data.requested_valid_until,
    }


def create_draft(session: Session, *, data: ApplicationIn, actor: Actor) -> Application:
    """A trader's new application, in state ``draft``, for the trader's organisation."""
    if actor.role is not Role.TRADER or actor.organisation_id is None or actor.user_id is None:
        raise PermissionDenied("only traders apply for permits", code="role_not_allowed")
    organisation = auth_service.get_organisation(session, actor.organisation_id)
    now = utcnow()
    application = Application(
        organisation_id=organisation.id,
        created_by_id=actor.user_id,
        status=DRAFT,
        applicant_name=organisation.name,
        applicant_address=organisation.address,
        applicant_country=organisation.country,
        created_at=now,
        updated_at=now,
        lines=_lines(data),
        **_content(data),
    )
    session.add(application)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="application.create",
        object_type="application",
        object_id=application.id,
        details={"document_type": data.document_type, "lines": len(data.lines)},
    )
    return application


def replace_content(
    session: Session, *, application: Application, data: ApplicationIn, actor: Actor
) -> Application:
    """Replace a draft's content (the workflow has checked that it is editable)."""
    for key, value in _content(data).items():
        setattr(application, key, value)
    application.lines = _lines(data)
    application.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="application.edit",
        object_type="application",
        object_id=application.id,
        details={"lines": len(data.lines)},
    )
    return application


READERS = frozenset({Role.OFFICER, Role.ADMIN})  # besides traders, for their own organisation


def get_application(
    session: Session,
    application_id: int,
    *,
    actor: Actor,
    for_update: bool = False,
    with_lines: bool = True,
) -> Application:
    """The application if the actor may see it; another organisation's is 'not found'.
    ``with_lines=False`` skips loading the lines (status changes that do not read them)."""
    organisation_id = auth_service.visible_organisation(actor, readers=READERS, what="applications")
    application = repository.get(
        session, application_id, for_update=for_update, with_lines=with_lines
    )
    if application is None or (
        organisation_id is not None and application.organisation_id != organisation_id
    ):
        raise NotFound(
            f"application {application_id} not found",
            code="application_not_found",
            details={"id": application_id},
        )
    return application


def get_for_document(session: Session, application_id: int) -> Application:
    """An application with its lines, for rendering a permit the caller may already see."""
    application = repository.get(session, application_id)
    if application is None:
        raise NotFound(f"application {application_id} not found", code="application_not_found")
    return application


def list_applications(
    session: Session, *, actor: Actor, flt: ApplicationFilter, limit: int, offset: int
) -> tuple[list[Application], int]:
    if flt.sort not in SORTS:
        raise InvalidInput(f"sort must be one of {sorted(SORTS)}", code="invalid_sort")
    organisation_id = auth_service.organisation_filter(
        actor, flt.organisation_id, readers=READERS, what="applications"
    )
    flt = dataclasses.replace(flt, organisation_id=organisation_id)
    return repository.list_page(session, flt, limit=limit, offset=offset)
