"""Latency summaries: mean and percentiles in milliseconds."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of already sorted values, linearly interpolated."""
    if not sorted_values:
        return math.nan
    rank = (len(sorted_values) - 1) * q / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    fraction = rank - low
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * fraction


@dataclass(frozen=True)
class Latency:
    """A latency distribution, in milliseconds."""

    n: int
    mean_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of_seconds(cls, values: Sequence[float]) -> Latency:
        ms = sorted(v * 1000 for v in values)
        return cls(
            n=len(ms),
            mean_ms=round(sum(ms) / len(ms), 3) if ms else math.nan,
            p50_ms=round(percentile(ms, 50), 3),
            p95_ms=round(percentile(ms, 95), 3),
            p99_ms=round(percentile(ms, 99), 3),
            max_ms=round(ms[-1], 3) if ms else math.nan,
        )

    def as_dict(self) -> dict[str, float]:
        return asdict(self)
