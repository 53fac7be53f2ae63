"""The token bucket and the choice of HTML or JSON, without HTTP."""

from __future__ import annotations

import pytest

from app.verify.page import wants_html
from app.verify.ratelimit import TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=0.5, burst=3, clock=clock)  # one token every 2 s
    assert [bucket.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take("a") == pytest.approx(2.0)
    assert bucket.take("b") == 0.0  # per client
    clock.now += 1.0
    assert bucket.take("a") == pytest.approx(1.0)  # half a token so far
    clock.now += 1.0
    assert bucket.take("a") == 0.0
    clock.now += 3600
    assert [bucket.take("a") for _ in range(4)][:3] == [0.0, 0.0, 0.0]  # never above burst


def test_memory_is_bounded() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=1.0, burst=1, clock=clock, max_clients=3)
    for client in "abcd":
        bucket.take(client)
    assert bucket.take("e") == 0.0
    assert bucket.take("e") > 0  # the busy client is still limited
    clock.now += 10  # every bucket full again: idle clients are forgotten first
    for client in "fgh":
        assert bucket.take(client) == 0.0


def test_invalid_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="rate must be positive"):
        TokenBucket(rate=0, burst=1)


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
        ("application/json", False),
        ("*/*", False),
        (None, False),
        ("application/json, text/html;q=0.5", False),
        ("text/html;q=0.9, application/json;q=0.5", True),
        ("text/html;q=0", False),
        ("text/html;q=nonsense", False),
    ],
)
def test_html_or_json(accept: str | None, html: bool) -> None:
    assert wants_html(accept) is html
