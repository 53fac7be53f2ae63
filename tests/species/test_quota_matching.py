"""Which quotas an issued permit's lines are reserved against (one query for the snapshot and
the lines' taxa, one for their quotas), and the administrator's override, asked only when a
quota would be exceeded."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.core.clock import utcnow
from app.core.db import unit_of_work
from app.core.errors import Conflict
from app.species import ledger, quotas
from app.species.models import QuotaAccount
from app.species.quotas import QuotaLine
from tests.factories import Api
from tests.species.ledger_helpers import PYTHONS, TODAY, YEAR, import_quotas, issued

SEAHORSES = (
    f"quota,CH,Hippocampus,{YEAR},100,NAR,,,,,,,all seahorses",  # the genus, any term
    f"quota,CH,Hippocampus kuda,{YEAR},20,NAR,LIV,,,,,,live ones of one species",
    f"quota,FR,Hippocampus kuda,{YEAR},5,NAR,LIV,,,,,,another Party's",
    f"quota,CH,Hippocampus kuda,{YEAR - 1},5,NAR,LIV,,,,,,last year's",
)
LINES = [
    QuotaLine("A", "Python regius", "LIV", "C", Decimal(3), "NAR"),
    QuotaLine("B", "Hippocampus kuda", "LIV", "C", Decimal(4), "NAR"),
    QuotaLine("C", "hippocampus  KUDA", "BOD", "C", Decimal(7), "NAR"),  # the genus's only
    QuotaLine("D", "Felis imaginaria", "LIV", "C", Decimal(50), "NAR"),  # not in the data
    QuotaLine("E", "Testudo hermanni", "LIV", "C", Decimal(1), "NAR"),  # no quota
]


def _matches(session: Session, lines: list[QuotaLine]) -> list[tuple[str, str, Decimal]]:
    found = quotas.matching_quotas(session, party="CH", year=YEAR, lines=lines)
    return sorted((line.letter, taxon.name, amount) for line, _quota, taxon, amount in found)


def test_nothing_matches_without_reference_data(session_factory: sessionmaker[Session]) -> None:
    with unit_of_work(session_factory) as session:
        assert _matches(session, LINES) == []


def test_each_line_counts_against_every_quota_on_its_taxon_or_above(
    tmp_path: Path, session_factory: sessionmaker[Session], api: Api
) -> None:
    import_quotas(session_factory, tmp_path, PYTHONS, *SEAHORSES)
    expected = [
        ("A", "Python regius", Decimal(3)),
        ("B", "Hippocampus", Decimal(4)),
        ("B", "Hippocampus kuda", Decimal(4)),
        ("C", "Hippocampus", Decimal(7)),
    ]
    with unit_of_work(session_factory) as session:
        assert _matches(session, LINES) == expected
        assert _matches(session, LINES[3:]) == []
    # reserved as matched: each (quota, line) once, on the quota's account
    trader, officer = api.trader(), api.user("officer")
    holder = issued(api, trader, officer, "1", name="Testudo hermanni")["id"]
    with unit_of_work(session_factory) as session:
        entries = ledger.reserve(
            session,
            permit_id=holder,
            party="CH",
            lines=LINES,
            on=TODAY,
            expires_on=TODAY + timedelta(days=30),
            now=utcnow(),
        )
        accounts = {a.id: a.taxon_name for a in session.query(QuotaAccount)}
        assert sorted((e.line, accounts[e.account_id], e.quantity) for e in entries) == expected
        assert not any(e.over_quota for e in entries)


@pytest.mark.parametrize("allowed", [True, False])
def test_the_override_is_asked_once_and_only_when_a_quota_would_be_exceeded(
    tmp_path: Path, session_factory: sessionmaker[Session], api: Api, allowed: bool
) -> None:
    import_quotas(session_factory, tmp_path, PYTHONS, *SEAHORSES)
    trader, officer = api.trader(), api.user("officer")
    holders = [issued(api, trader, officer, "1", name="Testudo hermanni")["id"] for _ in "ab"]
    asked: list[int] = []

    def override() -> bool:
        asked.append(1)
        return allowed

    def reserve(permit_id: int, *lines: QuotaLine) -> list[int]:
        entries = ledger.reserve(
            session,
            permit_id=permit_id,
            party="CH",
            lines=lines,
            on=TODAY,
            expires_on=TODAY + timedelta(days=30),
            now=utcnow(),
            allow_over=override,
        )
        return [e.over_quota for e in entries]

    with unit_of_work(session_factory) as session:
        assert reserve(holders[0], *LINES) == [False] * 4  # within every quota: not asked
        assert asked == []
    beyond = [  # beyond the python quota (10) and the species' seahorse quota (20)
        QuotaLine("A", "Python regius", "LIV", "C", Decimal(8), "NAR"),
        QuotaLine("B", "Hippocampus kuda", "LIV", "C", Decimal(17), "NAR"),
    ]
    if allowed:
        with unit_of_work(session_factory) as session:
            marked = reserve(holders[1], *beyond)
        assert sorted(marked) == [False, True, True]  # the genus's 100 still holds
    else:
        with unit_of_work(session_factory) as session, pytest.raises(Conflict) as refused:
            reserve(holders[1], *beyond)
        assert refused.value.code == "quota_exceeded"
    assert asked == [1]  # once, however many quotas are exceeded
