"""Browser sessions: a signed cookie carrying the session id, a CSRF token and two expiries.

The cookie is ``base64url(JSON payload) "." base64url(HMAC-SHA256)``. Its key is derived from
the service's secret key (the one that signs login tokens) with a fixed label, so a session
cookie is never a valid login token or the reverse. A signed-in cookie's session id names a
row of ``web_session`` (app.auth.web_sessions), which every signed-in page reads: signing out
ends the row, so a copied cookie stops working at once. An anonymous visitor's cookie has no
session id and no row: it only carries the CSRF token of the sign-in form."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from app.auth import web_sessions

COOKIE_NAME = "ecites_session"
ABSOLUTE_HOURS = web_sessions.ABSOLUTE_HOURS  # however active, a browser signs in again after this
_LABEL = b"ecites web session v1"


def session_key(secret_key: str) -> bytes:
    """The cookie-signing key: derived from, never equal to, the token-signing secret."""
    return hmac.new(secret_key.encode(), _LABEL, hashlib.sha256).digest()


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class SessionCookie:
    """A browser's session cookie; ``session_id`` None is an anonymous visitor (who still
    gets a CSRF token, so that the sign-in form is protected too). The expiries are the
    session row's, so that a stale cookie is refused before the database is asked."""

    session_id: str | None
    csrf: str
    idle_until: datetime
    absolute_until: datetime

    def valid_at(self, now: datetime) -> bool:
        return now < self.idle_until and now < self.absolute_until

    def renewed(self, idle_until: datetime) -> SessionCookie:
        """The same session with its idle expiry pushed back to the row's."""
        return replace(self, idle_until=min(idle_until, self.absolute_until))

    def needs_renewal(self, now: datetime, idle: timedelta) -> bool:
        """Renew once half the idle time has passed (not on every request)."""
        return self.idle_until - now < idle / 2 and self.idle_until < self.absolute_until


def start(session_id: str | None, *, now: datetime, idle: timedelta) -> SessionCookie:
    """A fresh cookie with a fresh CSRF token (on every sign-in and sign-out: no fixation),
    expiring as a session started at ``now`` does."""
    idle_until, absolute_until = web_sessions.expiries(now, idle)
    return SessionCookie(session_id, new_csrf_token(), idle_until, absolute_until)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(session: SessionCookie, key: bytes) -> str:
    payload = json.dumps(
        {
            "s": session.session_id,
            "c": session.csrf,
            "i": int(session.idle_until.timestamp()),
            "a": int(session.absolute_until.timestamp()),
        },
        separators=(",", ":"),
    ).encode()
    body = _b64(payload)
    signature = _b64(hmac.new(key, body.encode("ascii"), hashlib.sha256).digest())
    return f"{body}.{signature}"


def decode(cookie: str, key: bytes, *, now: datetime) -> SessionCookie | None:
    """The session in ``cookie`` if its signature is right and it has not expired; else None
    (a tampered, truncated, foreign or stale cookie is simply no session)."""
    if len(cookie) > 1024 or cookie.count(".") != 1:
        return None
    body, signature = cookie.split(".")
    expected = _b64(hmac.new(key, body.encode("ascii", "replace"), hashlib.sha256).digest())
    if not hmac.compare_digest(signature.encode("ascii", "replace"), expected.encode("ascii")):
        return None
    try:
        raw = json.loads(_unb64(body))
        session_id = raw["s"]
        csrf = raw["c"]
        idle = datetime.fromtimestamp(int(raw["i"]), tz=now.tzinfo)
        absolute = datetime.fromtimestamp(int(raw["a"]), tz=now.tzinfo)
    except (ValueError, KeyError, TypeError, binascii.Error, OverflowError, OSError):
        return None
    if not isinstance(csrf, str) or not (session_id is None or isinstance(session_id, str)):
        return None
    session = SessionCookie(session_id, csrf, idle, absolute)
    return session if session.valid_at(now) else None


def csrf_matches(session: SessionCookie | None, token: object) -> bool:
    return (
        session is not None
        and isinstance(token, str)
        and bool(token)
        and hmac.compare_digest(token.encode(), session.csrf.encode())
    )
