"""Name lookup for the trader's form and officers (any signed-in user); the export quotas with
what is used of them (officers, administrators); this Party's stricter domestic measures
(read by officers, added and withdrawn by administrators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.api.deps import CurrentActor, Limit, Offset, SessionDep, SettingsDep, require_role
from app.api.errors import ERROR_RESPONSES
from app.core.actor import Actor, Role
from app.core.clock import utcnow
from app.core.db import RowId
from app.species import measures, quotas, service
from app.species.models import NationalMeasure
from app.species.schemas import (
    MeasureIn,
    MeasureList,
    MeasureRead,
    MeasureWithdraw,
    QuotaList,
    QuotaRead,
    TaxonMatch,
    TaxonMatches,
)

router = APIRouter(prefix="/species", tags=["species"], responses=ERROR_RESPONSES)
Reader = Annotated[Actor, Depends(require_role(Role.OFFICER, Role.ADMIN))]
Admin = Annotated[Actor, Depends(require_role(Role.ADMIN))]


@router.get(
    "",
    response_model=TaxonMatches,
    summary="Search taxa by scientific name, synonym or common name (autocomplete)",
    description="Names starting with `q` (case and spacing aside); a synonym or common name "
    "resolves to the accepted name, which is what an application line records.",
)
def search_species(
    session: SessionDep,
    _actor: CurrentActor,
    q: Annotated[
        str, Query(max_length=100, description="The start of a name (two characters or more)")
    ] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> TaxonMatches:
    today = utcnow().date()
    matches = service.search(session, q, limit=limit) if len(q.strip()) >= 2 else []
    snapshot = service.current_snapshot(session)
    return TaxonMatches(
        items=[
            TaxonMatch.model_validate(x) for x in service.describe_many(session, matches, on=today)
        ],
        snapshot_id=snapshot.id if snapshot else None,
    )


@router.get(
    "/quotas",
    response_model=QuotaList,
    summary="Export quotas and what is used of them: the quota ledger (officer, admin)",
    description="The current reference data's quotas, each with what issued permits reserve "
    "(not yet exported, still valid), what customs endorsed at export (consumed), and what "
    "remains. Pending applications are not counted here (the checks count them).",
)
def list_quotas(
    session: SessionDep,
    _actor: Reader,
    limit: Limit = 50,
    offset: Offset = 0,
    party: Annotated[str | None, Query(pattern="^[A-Z]{2}$", description="Exporting Party")] = None,
    year: Annotated[int | None, Query(ge=1975, le=2200)] = None,
    taxon: Annotated[
        str | None,
        Query(
            min_length=2,
            max_length=200,
            description="Quotas on this taxon, a higher taxon containing it or a taxon under it",
        ),
    ] = None,
) -> QuotaList:
    items, total, snapshot_id = quotas.list_quotas(
        session, party=party, year=year, taxon=taxon, on=utcnow().date(), limit=limit, offset=offset
    )
    return QuotaList(
        items=[
            QuotaRead(
                id=x.quota.id,
                party=x.quota.party,
                year=x.quota.year,
                taxon=x.taxon_name,
                quantity=x.quota.quantity,
                unit=x.quota.unit,
                term_code=x.quota.term_code,
                source_code=x.quota.source_code,
                notes=x.quota.notes,
                reserved=x.use.reserved,
                consumed=x.use.consumed,
                used=x.use.used,
                remaining=x.remaining,
            )
            for x in items
        ],
        total=total,
        limit=limit,
        offset=offset,
        snapshot_id=snapshot_id,
    )


def _measure_read(m: NationalMeasure) -> MeasureRead:
    return MeasureRead(
        id=m.id,
        party=m.party,
        taxon=m.taxon_name,
        direction=m.direction,
        purpose_codes=m.purpose_codes.split(",") if m.purpose_codes else [],
        source_codes=m.source_codes.split(",") if m.source_codes else [],
        start_date=m.start_date,
        end_date=m.end_date,
        reason=m.reason,
        created_at=m.created_at,
        created_by_id=m.created_by_id,
        withdrawn_at=m.withdrawn_at,
        withdrawn_by_id=m.withdrawn_by_id,
        withdrawal_reason=m.withdrawal_reason,
    )


@router.get(
    "/measures",
    response_model=MeasureList,
    summary="This Party's stricter domestic measures, newest first (officer, admin)",
)
def list_measures(
    session: SessionDep,
    _actor: Reader,
    limit: Limit = 50,
    offset: Offset = 0,
    include_withdrawn: Annotated[bool, Query(description="Withdrawn ones too")] = False,
) -> MeasureList:
    items, total = measures.list_measures(
        session, include_withdrawn=include_withdrawn, limit=limit, offset=offset
    )
    return MeasureList(
        items=[_measure_read(m) for m in items], total=total, limit=limit, offset=offset
    )


@router.post(
    "/measures",
    response_model=MeasureRead,
    status_code=201,
    summary="Add a stricter domestic measure: the checks then block such trade (admin, audited)",
)
def add_measure(
    body: MeasureIn, session: SessionDep, settings: SettingsDep, actor: Admin
) -> MeasureRead:
    measure = measures.add_measure(
        session,
        party=settings.party,
        taxon=body.taxon,
        direction=body.direction,
        purpose_codes=body.purpose_codes,
        source_codes=body.source_codes,
        start_date=body.start_date,
        end_date=body.end_date,
        reason=body.reason,
        actor=actor,
    )
    return _measure_read(measure)


@router.post(
    "/measures/{measure_id}/withdraw",
    response_model=MeasureRead,
    summary="Withdraw a stricter domestic measure, with the reason (admin, audited)",
)
def withdraw_measure(
    measure_id: RowId, body: MeasureWithdraw, session: SessionDep, actor: Admin
) -> MeasureRead:
    measure = measures.withdraw_measure(
        session, measure_id=measure_id, reason=body.reason, actor=actor
    )
    return _measure_read(measure)
