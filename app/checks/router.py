"""The dry run for integrators: the compliance checks on an intended trade, nothing stored."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import CurrentActor, SessionDep
from app.api.errors import ERROR_RESPONSES
from app.checks import service
from app.checks.schemas import CheckResults, IntendedTradeIn
from app.core.clock import utcnow

router = APIRouter(prefix="/checks", tags=["checks"], responses=ERROR_RESPONSES)


@router.post(
    "",
    response_model=CheckResults,
    summary="Run the compliance checks on an intended trade (dry run; any signed-in user)",
    description="Suspensions, Appendix I commercial trade, quotas, the Convention's rules, "
    "consistency with the reference data at the date, this Party's national stricter measures. "
    "Each result has a stable code, a severity (block: not issuable as it is; warn: to be "
    "acknowledged) and an explanation citing the rule. Nothing is stored. Quotas count what "
    "the quota ledger holds (issued permits, quantities exported), not pending applications.",
)
def run_checks(body: IntendedTradeIn, session: SessionDep, _actor: CurrentActor) -> CheckResults:
    return service.dry_run(session, body, today=utcnow().date())
