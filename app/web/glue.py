"""What the pages read beyond one service call, assembled from the domain services (never a
repository): an application's check runs, history, permits and linked documents."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.applications.models import Application
from app.audit import service as audit_service
from app.core.actor import Actor, Role
from app.exchange import foreign
from app.exchange.models import ForeignPermit
from app.permits import service as permits_service
from app.permits.models import Permit
from app.permits.schemas import PermitFilter
from app.workflow import compliance

HISTORY_LIMIT = 200
LINKED_PERMITS = 50  # an application's permits: the first and its replacements


@dataclass(frozen=True)
class CheckView:
    stage: str
    created_at: Any
    blocked: bool
    reference_data: bool
    acknowledged: bool
    overridden: bool
    override_reason: str | None
    results: list[dict[str, Any]]
    overridden_by: str | None = None  # who overrode it, and when (from the audit trail)
    overridden_at: Any = None


@dataclass(frozen=True)
class HistoryEntry:
    occurred_at: Any
    action: str
    actor_name: str
    actor_role: str | None
    details: dict[str, Any]


def _overrides(session: Session, application: Application) -> dict[int, tuple[str, Any]]:
    """Check run id -> (who overrode its blocking results, when), from the audit trail."""
    events, _total = audit_service.list_events(
        session,
        object_type="application",
        object_id=str(application.id),
        action="checks.override",
        limit=HISTORY_LIMIT,
        offset=0,
    )
    found = {}
    for event in events:
        run_id = json.loads(event.details or "{}").get("check_run_id")
        if isinstance(run_id, int):
            found[run_id] = (event.actor_name, event.occurred_at)
    return found


def check_runs(session: Session, application: Application) -> list[CheckView]:
    views = []
    records = compliance.runs(session, application.id)
    overrides = _overrides(session, application) if any(r.overridden_by_id for r in records) else {}
    for run in records:
        results = json.loads(run.results)
        by, at = overrides.get(run.id, (None, None))
        views.append(
            CheckView(
                stage=run.stage,
                created_at=run.created_at,
                blocked=run.blocked,
                reference_data=run.snapshot_id is not None,
                acknowledged=run.acknowledged_by_id is not None,
                overridden=run.overridden_by_id is not None,
                override_reason=run.override_reason,
                results=results,
                overridden_by=by,
                overridden_at=at,
            )
        )
    return views


def history(session: Session, application: Application, actor: Actor) -> list[HistoryEntry]:
    """The application's audit events (officers and administrators only)."""
    if actor.role not in (Role.OFFICER, Role.ADMIN):
        return []
    events, _total = audit_service.list_events(
        session,
        object_type="application",
        object_id=str(application.id),
        action=None,
        limit=HISTORY_LIMIT,
        offset=0,
    )
    entries = [
        HistoryEntry(
            occurred_at=e.occurred_at,
            action=e.action,
            actor_name=e.actor_name,
            actor_role=e.actor_role,
            details=json.loads(e.details) if e.details else {},
        )
        for e in events
    ]
    return sorted(entries, key=lambda e: e.occurred_at)


def permits_of(session: Session, application: Application, actor: Actor) -> list[Permit]:
    """The permits issued from the application (the first, and any replacements), oldest
    first."""
    if application.status != "issued":
        return []
    found, _total = permits_service.list_permits(
        session,
        actor=actor,
        flt=PermitFilter(
            organisation_id=application.organisation_id, application_id=application.id
        ),
        limit=LINKED_PERMITS,
        offset=0,
    )
    return sorted(found, key=lambda p: p.issued_at)


def received_export_permit(session: Session, application: Application) -> ForeignPermit | None:
    """For an import permit: the export document it relies on, if it was received (EPIX)."""
    if application.export_permit_party is None or application.export_permit_number is None:
        return None
    return foreign.find_foreign(
        session, application.export_permit_party, application.export_permit_number
    )
