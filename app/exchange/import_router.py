"""An import application's export permit, checked against the permits other Parties pushed
here: HTTP only (the check is app/exchange/import_check.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from app.api.deps import SessionDep, SettingsDep, require_role
from app.api.errors import ERROR_RESPONSES
from app.core.actor import Actor, Role
from app.core.db import RowId
from app.exchange import import_check
from app.exchange.schemas import ExportPermitCheck

router = APIRouter(prefix="/applications", tags=["applications"], responses=ERROR_RESPONSES)
# as GET /applications/{id}: a trader their own organisation's, officers and admins all
Reader = Annotated[Actor, Depends(require_role(Role.TRADER, Role.OFFICER, Role.ADMIN))]


@router.get(
    "/{application_id}/export-permit-check",
    response_model=ExportPermitCheck,
    summary="Is the export permit an import application names authentic, valid and "
    "sufficient for the quantities asked",
    description="Looks the application's export_permit_party and export_permit_number up among "
    "the permits other Parties pushed here over EPIX, verifies its signature again now, and "
    "compares its lines with the application's. Every failed point is a reason with a stable "
    "code. A trader sees only their own organisation's applications (404 otherwise).",
)
def export_permit_check(
    application_id: RowId, session: SessionDep, settings: SettingsDep, actor: Reader
) -> ExportPermitCheck:
    return import_check.check_export_permit(
        session, application_id=application_id, actor=actor, party=settings.party
    )
