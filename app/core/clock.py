"""The one source of "now", so tests and jobs can reason about time explicitly."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's last day (31 Aug + 6 = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)
