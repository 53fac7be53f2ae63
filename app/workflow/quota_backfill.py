"""Putting into the quota ledger the export permits and re-export certificates it does not
hold: those issued before the ledger existed (migration 0012), or before a quota for them was
imported. Idempotent: a permit with any ledger entry is left alone, so a second run finds
nothing to do.

* a ``valid`` permit reserves its lines against the quotas of its issue year, until its last
  day of validity, as issuance would have;
* an ``exported`` or ``used`` permit reserves them and consumes them in full: the quantities
  endorsed at the border are the customs' (above the workflow), so what was permitted counts;
* ``expired``, ``cancelled`` and ``replaced`` permits hold nothing: they are skipped.

What the data says was over a quota then is recorded anyway, marked ``over_quota`` (those
permits were issued; the ledger must show it). One audit event records the run."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.applications import service as applications_service
from app.audit import service as audit
from app.core.actor import Actor
from app.permits import service as permits_service
from app.permits.models import Permit
from app.species import ledger
from app.species.models import QuotaLedgerEntry

HOLDING = ("valid", "exported", "used")  # the states whose quantities count against a quota
CONSUMED = ("exported", "used")


@dataclass
class Backfilled:
    examined: int = 0  # export documents without ledger entries, in a holding state
    reserved: list[str] = field(default_factory=list)  # permit numbers now reserved
    consumed: list[str] = field(default_factory=list)  # ... and consumed in full
    over_quota: list[str] = field(default_factory=list)  # ... of them beyond a quota
    no_quota: int = 0  # matched no quota: nothing to write


def backfill(session: Session, *, actor: Actor, now: datetime) -> Backfilled:
    """Reserve (and for exported or used ones consume) what the ledger misses; see above."""
    missing = session.scalars(
        select(Permit)
        .where(
            Permit.document_type.in_(permits_service.EXPORTS),
            Permit.status.in_(HOLDING),
            ~exists().where(QuotaLedgerEntry.permit_id == Permit.id),
        )
        .order_by(Permit.issued_at, Permit.id)
    ).all()
    done = Backfilled(examined=len(missing))
    for permit in missing:
        application = applications_service.get_for_document(session, permit.application_id)
        entries = ledger.reserve(
            session,
            permit_id=permit.id,
            party=application.applicant_country,
            lines=[permits_service.quota_line(line) for line in application.lines],
            on=permit.issued_at.date(),
            expires_on=permit.valid_until,
            now=now,
            allow_over=True,
        )
        if not entries:
            done.no_quota += 1
            continue
        done.reserved.append(permit.number)
        if any(e.over_quota for e in entries):
            done.over_quota.append(permit.number)
        if permit.status in CONSUMED:
            ledger.consume(session, permit_id=permit.id, endorsed=None, now=now)
            done.consumed.append(permit.number)
    if done.reserved:
        audit.record(
            session,
            actor=actor,
            action="quotas.backfill",
            object_type="quota_ledger",
            object_id="backfill",
            details={
                "reserved": done.reserved,
                "consumed": done.consumed,
                "over_quota": done.over_quota,
            },
        )
    return done
