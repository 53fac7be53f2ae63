"""Totals for officers (by taxon, term, trading partner and month, per unit) and the
report's deadline: 31 October of the following year (Res. Conf. 11.17)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

from app.reports.rows import TradeRow, quantity_text
from app.reports.schemas import Deadline, DeadlineStatus, Total

GROUPS = ("taxon", "term", "partner", "month")
COUNT = "NAR"  # the unit of a row without one: a number of specimens


class Tally:
    """Adds rows up, a few numbers per group: memory grows with the groups, not the rows."""

    def __init__(self) -> None:
        self.rows = 0
        self.documents = 0
        self._last_document: str | None = None
        self._sums: dict[str, dict[tuple[str, str], list[Decimal | int]]] = {
            group: defaultdict(lambda: [Decimal(0), 0]) for group in GROUPS
        }

    def add(self, row: TradeRow) -> None:
        self.rows += 1
        if row.document != self._last_document:  # a document's rows come together
            self.documents += 1
            self._last_document = row.document
        keys = {
            "taxon": row.species_name or "",
            "term": row.term_code or "",
            "partner": row.trading_partner or "",
            "month": month(row.traded_on),
        }
        quantity = row.quantity if row.quantity is not None and row.quantity.is_finite() else None
        unit = row.unit_code or COUNT
        for group, key in keys.items():
            total = self._sums[group][(key, unit)]
            if quantity is not None:
                total[0] += quantity
            total[1] += 1

    def totals(self, group: str) -> list[Total]:
        return [
            Total(key=key, unit=unit, quantity=quantity_text(Decimal(quantity)), rows=int(rows))
            for (key, unit), (quantity, rows) in sorted(self._sums[group].items())
        ]


def month(moment: date | str) -> str:
    """YYYY-MM of a date, of a moment in UTC (a naive one is UTC already), or of the ISO
    text SQLite stores ("2025-02-03" or "2025-02-03 09:00:00.000000", UTC)."""
    if isinstance(moment, str):
        return moment[:7]
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m}"


def deadline(year: int, today: date) -> Deadline:
    due = date(year + 1, 10, 31)
    if today <= date(year, 12, 31):
        status = DeadlineStatus.PERIOD_OPEN
    elif today <= due:
        status = DeadlineStatus.DUE
    else:
        status = DeadlineStatus.OVERDUE
    return Deadline(due_on=due, as_of=today, status=status, days_left=(due - today).days)
