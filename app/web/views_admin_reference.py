"""The administrator's page for the species reference data: the current snapshot (what the
checks use: when it was imported, from what, how much), the earlier imports (from the audit
trail), and importing the dataset shipped with the service, as ``ecites species import``
without a path does: either the counts of the new snapshot, or every bad row with its file and
line, and nothing imported."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Response

from app.audit import service as audit_service
from app.core.errors import DomainError
from app.species import importing
from app.species import service as species_service
from app.web.context import CsrfForm, Visit, VisitDep, WebRoute, signed_in
from app.web.i18n import N_
from app.web.views_admin import ADMIN
from app.web.views_lists import PAGE_SIZE, PageNumber, Pager

router = APIRouter(route_class=WebRoute, include_in_schema=False)
COUNTS = {
    "taxa": N_("Taxa (names at every rank, synonyms included)"),
    "listings": N_("Listings in the appendices"),
    "reservations": N_("Reservations"),
    "suspensions": N_("Trade suspensions"),
    "quotas": N_("Export quotas"),
}
PROBLEMS_SHOWN = 200


def _counts(raw: str) -> dict[str, Any]:
    try:
        found = json.loads(raw)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def reference_page(visit: Visit, page: int = 1, status: int = 200, **result: Any) -> Response:
    """``result``: the outcome of an import just run (``imported``, ``unchanged`` or
    ``problems``), shown above the current snapshot."""
    with signed_in(visit, ADMIN) as (session, _actor):
        snapshot = species_service.current_snapshot(session)
        events, total = audit_service.list_events(
            session,
            object_type="species_snapshot",
            object_id=None,
            action="species.import",
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        history = [
            (e.occurred_at, e.object_id, e.actor_name, _counts(e.details or "{}")) for e in events
        ]
        return visit.page(
            "admin_reference.html",
            status,
            snapshot=snapshot,
            counts=_counts(snapshot.counts) if snapshot else {},
            count_names=COUNTS,
            history=history,
            pager=Pager(page, total),
            dataset=importing.DATASET.name,
            imported=result.get("imported"),
            unchanged=result.get("unchanged", False),
            problems=result.get("problems", []),
            more_problems=result.get("more_problems", 0),
        )


@router.get("/admin/reference")
def reference(visit: VisitDep, page: PageNumber = 1) -> Response:
    return reference_page(visit, page)


@router.post("/admin/reference/import")
def import_dataset(visit: VisitDep, _form: CsrfForm) -> Response:
    with signed_in(visit, ADMIN) as (session, _actor):
        before = species_service.current_snapshot(session)
        before_id = before.id if before else None
    try:
        with signed_in(visit, ADMIN, write=True) as (session, actor):
            snapshot = importing.import_reference(session, None, actor=actor)
            snapshot_id = snapshot.id
    except DomainError as exc:
        if exc.code != "reference_data_invalid":
            raise
        details = exc.details if isinstance(exc.details, dict) else {}
        problems = [str(p) for p in details.get("problems", [])]
        return reference_page(
            visit,
            status=422,
            problems=problems[:PROBLEMS_SHOWN],
            more_problems=max(0, len(problems) - PROBLEMS_SHOWN),
        )
    return reference_page(visit, imported=snapshot_id, unchanged=snapshot_id == before_id)
