"""Name lookup for the trader's form and officers (any signed-in user)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import CurrentActor, SessionDep
from app.api.errors import ERROR_RESPONSES
from app.core.clock import utcnow
from app.species import service
from app.species.schemas import TaxonMatch, TaxonMatches

router = APIRouter(prefix="/species", tags=["species"], responses=ERROR_RESPONSES)


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
        items=[TaxonMatch.model_validate(service.describe(session, m, on=today)) for m in matches],
        snapshot_id=snapshot.id if snapshot else None,
    )
