"""Helpers of the quota ledger tests: reference data with quotas, applications of ball
pythons through the API, and what the ledger holds."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.core.actor import Actor
from app.core.clock import utcnow
from app.core.db import unit_of_work
from app.permits.models import Permit
from app.species import importing, ledger, quotas
from app.species.models import QuotaAccount, QuotaLedgerEntry
from tests.factories import Api

V1 = "/api/v1"
TODAY = utcnow().date()
YEAR = TODAY.year
HEADER = (
    "kind,party,taxon,year,quantity,unit,term_code,source_codes,purpose_codes,start_date,"
    "end_date,applies_to_import,notes\n"
)


def import_quotas(factory: sessionmaker[Session], directory: Path, *rows: str) -> None:
    """The shipped dataset with these quota rows (CSV) as the current reference data."""
    path = directory / f"quotas-{abs(hash(rows))}.csv"
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    with unit_of_work(factory) as session:
        importing.import_reference(
            session, [importing.DATASET, path], actor=Actor.system("ledger-test")
        )


PYTHONS = f"quota,CH,Python regius,{YEAR},10,NAR,LIV,,,,,,live pythons"


def body(
    *quantities: str, unit: str = "", term: str = "LIV", name: str = "Python regius"
) -> dict[str, Any]:
    lines = [
        {
            "scientific_name": name,
            "common_name": None,
            "term_code": term,
            "quantity": quantity,
            "unit_code": unit,
            "appendix": "II",
            "source_code": "C",
            "origin_country": "CH",
        }
        for quantity in quantities
    ]
    return {"lines": lines}


def approved(
    api: Api, trader: dict[str, str], officer: dict[str, str], *quantities: str, **kw: str
) -> int:
    application_id = api.submitted_application(trader, **body(*quantities, **kw))
    approved = api.client.post(f"{V1}/applications/{application_id}/approve", headers=officer)
    assert approved.status_code == 200, approved.text
    return application_id


def issued(
    api: Api, trader: dict[str, str], officer: dict[str, str], *quantities: str, **kw: str
) -> Any:
    application_id = approved(api, trader, officer, *quantities, **kw)
    answer = api.client.post(f"{V1}/applications/{application_id}/issue", headers=officer)
    assert answer.status_code == 201, answer.text
    return answer.json()


def quota_figures(api: Api, who: dict[str, str], year: int = YEAR) -> dict[str, Any]:
    answer = api.client.get(
        f"{V1}/species/quotas",
        headers=who,
        params={"party": "CH", "year": year, "taxon": "Python regius"},
    )
    assert answer.status_code == 200, answer.text
    [quota] = answer.json()["items"]
    return {k: quota[k] for k in ("quantity", "reserved", "consumed", "used", "remaining")}


def figures(quantity: str, reserved: str, consumed: str) -> dict[str, Decimal]:
    q, r, c = Decimal(quantity), Decimal(reserved), Decimal(consumed)
    return {"quantity": q, "reserved": r, "consumed": c, "used": r + c, "remaining": q - r - c}


def as_decimals(quota: dict[str, Any]) -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in quota.items()}


def ledger_entries(session: Session, permit_id: int) -> list[QuotaLedgerEntry]:
    return ledger.entries_of(session, permit_id)


def current_quota(session: Session) -> tuple[Any, str]:
    items, _total, _snapshot = quotas.list_quotas(
        session, party="CH", year=YEAR, taxon="Python regius", on=TODAY, limit=1, offset=0
    )
    return items[0].quota, "python regius"


def counts(session: Session) -> tuple[int, int, int]:
    return (
        session.scalar(select(func.count()).select_from(Permit)) or 0,
        session.scalar(select(func.count()).select_from(QuotaLedgerEntry)) or 0,
        session.scalar(select(func.count()).select_from(QuotaAccount)) or 0,
    )
