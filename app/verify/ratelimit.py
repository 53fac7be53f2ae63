"""A token bucket per client address, in process: each client may make ``burst`` requests at
once, then ``rate`` per second on average. Thread-safe (endpoints run in a thread pool) and
bounded in memory: idle clients (whose bucket is full again) are forgotten first."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class TokenBucket:
    def __init__(
        self,
        *,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 10_000,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = float(burst)
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, when
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """Take a token for ``client``: 0.0 when it may go on, else the seconds until it may."""
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[client] = (tokens, now)  # the most recent last
            if len(self._buckets) > self.max_clients:
                self._forget(now)
            return 0.0 if allowed else (1.0 - tokens) / self.rate

    def _forget(self, now: float) -> None:
        idle = [
            key
            for key, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * self.rate >= self.burst
        ]
        for key in idle:
            del self._buckets[key]
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)  # the least recently seen
