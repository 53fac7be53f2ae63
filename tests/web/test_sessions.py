"""The session cookie itself: signed, expiring, bound to its key (no database needed; the
session row it names is checked in test_session_revocation.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.web import sessions

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
IDLE = timedelta(minutes=60)
KEY = sessions.session_key("test-secret-key-0123456789-abcdefghijklmnop")
SID = "a-random-session-id"


def test_a_session_survives_the_round_trip() -> None:
    session = sessions.start(SID, now=NOW, idle=IDLE)
    decoded = sessions.decode(sessions.encode(session, KEY), KEY, now=NOW)
    assert decoded is not None
    assert decoded.session_id == SID
    assert decoded.csrf == session.csrf
    assert decoded.idle_until == NOW + IDLE


def test_a_tampered_cookie_is_no_session() -> None:
    cookie = sessions.encode(sessions.start(SID, now=NOW, idle=IDLE), KEY)
    body, signature = cookie.split(".")
    forged_body = sessions.encode(sessions.start("another", now=NOW, idle=IDLE), KEY).split(".")[0]
    assert sessions.decode(f"{forged_body}.{signature}", KEY, now=NOW) is None
    assert sessions.decode(f"{body}.{signature[:-2]}AA", KEY, now=NOW) is None
    assert sessions.decode("garbage", KEY, now=NOW) is None
    assert sessions.decode("a.b.c", KEY, now=NOW) is None


def test_another_key_does_not_read_the_cookie() -> None:
    cookie = sessions.encode(sessions.start(SID, now=NOW, idle=IDLE), KEY)
    assert (
        sessions.decode(cookie, sessions.session_key("another-secret-key-9876543210"), now=NOW)
        is None
    )


def test_the_cookie_key_is_not_the_token_secret() -> None:
    secret = "test-secret-key-0123456789-abcdefghijklmnop"
    assert sessions.session_key(secret) != secret.encode()


def test_a_session_expires_when_idle_and_at_its_absolute_limit() -> None:
    session = sessions.start(SID, now=NOW, idle=IDLE)
    cookie = sessions.encode(session, KEY)
    assert sessions.decode(cookie, KEY, now=NOW + IDLE - timedelta(seconds=1)) is not None
    assert sessions.decode(cookie, KEY, now=NOW + IDLE) is None
    later = NOW + timedelta(hours=sessions.ABSOLUTE_HOURS) - timedelta(minutes=10)
    renewed = session.renewed(later + IDLE)
    assert renewed.idle_until == session.absolute_until  # never past the absolute expiry
    assert sessions.decode(sessions.encode(renewed, KEY), KEY, now=renewed.absolute_until) is None


def test_renewal_happens_after_half_the_idle_time() -> None:
    session = sessions.start(SID, now=NOW, idle=IDLE)
    assert not session.needs_renewal(NOW + timedelta(minutes=20), IDLE)
    assert session.needs_renewal(NOW + timedelta(minutes=40), IDLE)


def test_csrf_tokens_are_compared_exactly() -> None:
    session = sessions.start(None, now=NOW, idle=IDLE)
    assert sessions.csrf_matches(session, session.csrf)
    assert not sessions.csrf_matches(session, session.csrf[:-1])
    assert not sessions.csrf_matches(session, "")
    assert not sessions.csrf_matches(session, None)
    assert not sessions.csrf_matches(None, session.csrf)
    assert not sessions.csrf_matches(session, "é" + session.csrf)
    assert sessions.start(None, now=NOW, idle=IDLE).csrf != session.csrf
