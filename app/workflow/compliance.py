"""The compliance checks in the workflow: run at submission and again at approval, recorded
with the reference-data snapshot they used. Warnings must be acknowledged by the approving
officer; a blocking result prevents issuance unless an administrator overrides it with a
written reason (audited). Without any reference data loaded, the checks record that they had
nothing to check against and block nothing."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.applications.models import Application, ApplicationLine
from app.audit import service as audit
from app.checks import service as checks
from app.checks.models import CheckRun
from app.checks.service import IntendedLine, IntendedTrade, PendingUsage
from app.core.actor import Actor
from app.core.clock import utcnow
from app.core.errors import Conflict, NotFound
from app.permits import service as permits_service
from app.species import quotas
from app.species import service as species
from app.species.models import Quota, Taxon
from app.workflow import import_permits

SUBMISSION, APPROVAL = "submission", "approval"
PENDING = ("submitted", "approved")  # issued permits count through the quota ledger


def _trade(application: Application, today: date) -> IntendedTrade:
    importing = application.document_type == "I"
    exporter = application.counterparty_country if importing else application.applicant_country
    importer = application.applicant_country if importing else application.counterparty_country
    return IntendedTrade(
        document_type=application.document_type,
        exporter_country=exporter,
        importer_country=importer,
        purpose_code=application.purpose_code,
        on=today,
        import_permit=(
            (application.import_permit_party, application.import_permit_number)
            if application.import_permit_party and application.import_permit_number
            else None
        ),
        valid_until=application.requested_valid_until,
        other_subtype=application.other_subtype,
        lines=tuple(
            IntendedLine(
                letter=line.letter,
                scientific_name=line.scientific_name,
                source_code=line.source_code,
                term_code=line.term_code,
                quantity=line.quantity,
                unit=line.unit_code,
                origin_country=line.origin_country,
                appendix=line.appendix,
            )
            for line in application.lines
        ),
    )


def pending_usage(session: Session, application: Application) -> PendingUsage:
    """What counts against a quota besides the ledger (issued permits are in it): the lines of
    this Party's other export and re-export applications that are ``submitted`` or
    ``approved`` (whatever year they were made in: they would be issued now), for taxa under
    the quota's taxon, in its unit or one of the same kind, and its term and source when it
    names them. Read once per check run, on the first quota that needs it, in the quota's
    snapshot (the one the run reads)."""
    pending: list[tuple[ApplicationLine, list[int]]] | None = None

    def load(party: str, snapshot_id: int) -> list[tuple[ApplicationLine, list[int]]]:
        rows = session.scalars(
            select(ApplicationLine)
            .join(Application, Application.id == ApplicationLine.application_id)
            .where(
                Application.id != application.id,
                Application.document_type.in_(("E", "R")),
                Application.applicant_country == party,
                Application.status.in_(PENDING),
            )
        ).all()
        if not rows:
            return []
        taxa = species.resolve_many(session, snapshot_id, {x.scientific_name for x in rows})
        return [
            (line, species.ancestry(taxa[key]))
            for line in rows
            if (key := species.name_key(line.scientific_name)) in taxa
        ]

    def used(quota: Quota, _taxon: Taxon) -> Decimal:
        nonlocal pending
        if pending is None:
            pending = load(quota.party, quota.snapshot_id)
        total = Decimal(0)
        for line, lineage in pending:
            counted = quotas.applies(quota, permits_service.quota_line(line), lineage)
            total += counted if counted is not None else Decimal(0)
        return total

    return used


def quota_overridden(session: Session, application: Application) -> bool:
    """An administrator overrode checks whose blocking results included ``quota_exceeded``:
    issuance may then reserve beyond the quota."""
    record = latest(session, application.id)
    if record is None or record.overridden_by_id is None:
        return False
    return any(
        r["code"] == "quota_exceeded" and r["severity"] == "block"
        for r in json.loads(record.results)
    )


def run(session: Session, application: Application, *, stage: str) -> CheckRun:
    """Run the checks on an application and record the results."""
    outcome = checks.check(
        session,
        _trade(application, utcnow().date()),
        pending=pending_usage(session, application),
        received=import_permits.received(session),
    )
    results = [
        {"code": r.code, "severity": r.severity.value, "message": r.message, "line": r.line}
        for r in outcome.results
    ]
    if outcome.snapshot_id is None:
        results = []  # no reference data: nothing was checked (the run says so: no snapshot)
    record = CheckRun(
        application_id=application.id,
        stage=stage,
        snapshot_id=outcome.snapshot_id,
        results=json.dumps(results),
        blocked=any(r["severity"] == "block" for r in results),
        created_at=utcnow(),
    )
    session.add(record)  # written by the next flush (at the latest at commit) with the rest
    application.checks_blocked = record.blocked
    return record


def warnings(record: CheckRun) -> list[dict[str, str]]:
    return [r for r in json.loads(record.results) if r["severity"] == "warn"]


def latest(session: Session, application_id: int) -> CheckRun | None:
    return session.scalar(
        select(CheckRun)
        .where(CheckRun.application_id == application_id)
        .order_by(CheckRun.id.desc())
        .limit(1)
    )


def runs(session: Session, application_id: int) -> list[CheckRun]:
    query = select(CheckRun).where(CheckRun.application_id == application_id)
    return list(session.scalars(query.order_by(CheckRun.id)))


def at_approval(
    session: Session, application: Application, *, officer: Actor, acknowledge: bool
) -> CheckRun:
    """The approval's checks: warnings need the officer's acknowledgement."""
    record = run(session, application, stage=APPROVAL)
    found = warnings(record)
    if found and not acknowledge:
        raise Conflict(
            f"{len(found)} warning(s) to acknowledge before approving "
            "(approve again with acknowledge_warnings: true)",
            code="warnings_not_acknowledged",
            details={"results": json.loads(record.results)},
        )
    if found:
        record.acknowledged_by_id = officer.user_id
    return record


def require_issuable(session: Session, application: Application) -> None:
    """Refuse issuance while the latest checks block, unless overridden."""
    if not application.checks_blocked:  # the common case: nothing to read
        return
    record = latest(session, application.id)
    if record is not None and record.blocked and record.overridden_by_id is None:
        blocking = [r for r in json.loads(record.results) if r["severity"] == "block"]
        raise Conflict(
            "the compliance checks block this permit: "
            + "; ".join(f"{r['code']}: {r['message']}" for r in blocking),
            code="blocked_by_checks",
            details={"results": blocking, "check_run_id": record.id},
        )


def override(session: Session, application: Application, *, admin: Actor, reason: str) -> CheckRun:
    """An administrator lifts the latest blocking results, with a written reason."""
    record = latest(session, application.id)
    if record is None or not record.blocked:
        raise NotFound(
            "no blocking check result to override",
            code="nothing_to_override",
            details={"application_id": application.id},
        )
    if record.overridden_by_id is not None:
        raise Conflict(
            "these results were overridden already",
            code="already_overridden",
            details={"check_run_id": record.id, "reason": record.override_reason},
        )
    record.overridden_by_id, record.override_reason = admin.user_id, reason
    application.checks_blocked = False
    audit.record(
        session,
        actor=admin,
        action="checks.override",
        object_type="application",
        object_id=application.id,
        details={
            "check_run_id": record.id,
            "reason": reason,
            "codes": [r["code"] for r in json.loads(record.results) if r["severity"] == "block"],
        },
    )
    return record
