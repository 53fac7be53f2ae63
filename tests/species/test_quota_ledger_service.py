"""The quota ledger on every backend, on the service layer: reserve, refuse, consume what was
endorsed, release; a reservation stops counting after its permit's last day, and the expiry job
releases it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.core.clock import utcnow
from app.core.db import unit_of_work
from app.core.errors import Conflict
from app.species import ledger, quotas
from app.species.models import QuotaLedgerEntry
from app.species.quotas import QuotaLine
from app.workflow import service as workflow_service
from tests.factories import Api
from tests.species.ledger_helpers import TODAY, YEAR, counts, current_quota, issued, ledger_entries


def test_expired_reservations_stop_counting_and_the_job_releases_them(
    pythons: None, api: Api
) -> None:
    trader, officer = api.trader(), api.user("officer")
    permit = issued(api, trader, officer, "4")
    last_day = date.fromisoformat(permit["valid_until"])
    with unit_of_work(api.session_factory) as session:
        quota, taxon = current_quota(session)

        def reserved(on: date) -> Decimal:
            return quotas.use_of_quotas(session, [(quota, taxon)], on=on)[quota.id].reserved

        assert reserved(last_day) == 4  # still valid on its last day
        assert reserved(last_day + timedelta(days=1)) == 0  # lazily: it can no longer leave
        expired = workflow_service.expire_due_permits(
            session, now=utcnow() + (last_day - TODAY) + timedelta(days=1)
        )
        assert expired == 1
        assert [e.status for e in ledger_entries(session, permit["id"])] == ["released"]
        assert reserved(TODAY) == 0


def test_the_ledger_directly(pythons: None, api: Api) -> None:
    """reserve, refuse, consume what was endorsed, release, on the service layer."""
    trader, officer = api.trader(), api.user("officer")
    # permits of a species without a quota: the ledger's rows need a permit to belong to
    holders = [issued(api, trader, officer, "1", name="Testudo hermanni")["id"] for _ in "ab"]
    now, later = utcnow(), TODAY + timedelta(days=30)
    lines = [
        QuotaLine("A", "Python regius", "LIV", "C", Decimal(3), "NAR"),
        QuotaLine("B", "python  REGIUS", "LIV", "C", Decimal(2), "NAR"),
        QuotaLine("C", "Python regius", "SKI", "C", Decimal(50), "NAR"),  # another term
        QuotaLine("D", "Felis imaginaria", "LIV", "C", Decimal(50), "NAR"),  # unknown
    ]
    with unit_of_work(api.session_factory) as session:
        quota, taxon = current_quota(session)

        def use(on: date = TODAY) -> quotas.Use:
            return quotas.use_of_quotas(session, [(quota, taxon)], on=on)[quota.id]

        def reserve(
            permit_id: int, lines: list[QuotaLine], party: str = "CH", on: date = TODAY
        ) -> list[QuotaLedgerEntry]:
            return ledger.reserve(
                session,
                permit_id=permit_id,
                party=party,
                lines=lines,
                on=on,
                expires_on=later,
                now=now,
            )

        assert use() == quotas.Use()
        entries = reserve(holders[0], lines)
        assert [(e.line, e.quantity, e.status) for e in entries] == [
            ("A", Decimal(3), "reserved"),
            ("B", Decimal(2), "reserved"),
        ]
        assert use() == quotas.Use(reserved=Decimal(5))
        before = counts(session)
        six = [QuotaLine("A", "Python regius", "LIV", "C", Decimal(6), "NAR")]
        with pytest.raises(Conflict) as refused:
            reserve(holders[1], six)
        assert refused.value.code == "quota_exceeded"
        details = refused.value.details
        assert (details["used"], details["requested"], details["remaining"]) == (
            "5.000",
            "6.000",
            "5.000",
        )
        assert counts(session) == before
        # another Party's quotas, or none for the year: nothing to reserve
        for party, on in (("FR", TODAY), ("CH", date(YEAR - 2, 6, 1))):
            assert not reserve(holders[1], lines, party=party, on=on)

        # customs endorsed 1 of line A; line B was not declared: nothing of it left
        endorsed = {"A": (Decimal(1), "NAR")}
        assert ledger.consume(session, permit_id=holders[0], endorsed=endorsed, now=now) == 2
        assert use() == quotas.Use(consumed=Decimal(1))
        two = [QuotaLine("A", "Python regius", "LIV", "C", Decimal(2), "NAR")]
        reserve(holders[1], two)
        assert use() == quotas.Use(reserved=Decimal(2), consumed=Decimal(1))
        assert use(later + timedelta(days=1)) == quotas.Use(consumed=Decimal(1))  # lapsed
        assert ledger.release(session, permit_id=holders[1], now=now) == 1
        assert ledger.release(session, permit_id=holders[1], now=now) == 0
        assert use() == quotas.Use(consumed=Decimal(1))
