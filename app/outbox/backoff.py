"""Retry schedule: exponential backoff with full jitter, capped."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Backoff:
    base_seconds: float = 2.0
    cap_seconds: float = 3600.0

    def delay(self, attempts: int, rng: random.Random | None = None) -> timedelta:
        """The wait before attempt ``attempts + 1``: a random point in [half, all] of
        ``base * 2**(attempts - 1)``, at most ``cap`` (spreads retries of many senders)."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        fraction = (rng or random.SystemRandom()).uniform(0.5, 1.0)
        return timedelta(seconds=ceiling * fraction)
