"""Browser sessions kept on the server: a copied cookie dies at sign-out, disabling a user
ends their browsers' sessions, "Sign out everywhere else" ends the others but not this one,
the table keeps only the ids' digests, and renewal writes the row only once half the idle
time has passed (the app's clock is moved, never slept)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.audit.models import AuditEvent
from app.auth.models import WebSession
from app.core.db import unit_of_work
from app.web import sessions
from app.web.views_auth import short_agent
from tests.factories import Api
from tests.web.conftest import Browser, username_of
from tests.web.pages import read

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def rows(api: Api) -> list[WebSession]:
    with unit_of_work(api.session_factory) as session:
        return list(session.scalars(select(WebSession).order_by(WebSession.created_at)))


def events(api: Api, action: str) -> list[AuditEvent]:
    with unit_of_work(api.session_factory) as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
            )
        )


def signed_in_trader(api: Api, browser: Browser) -> tuple[str, int]:
    trader = api.trader()
    username = username_of(api, trader)
    browser.sign_in(username)
    user_id = api.client.get("/api/v1/auth/me", headers=trader).json()["id"]
    return username, int(user_id)


def test_a_copied_cookie_stops_working_at_sign_out(api, browser, other_browser) -> None:
    signed_in_trader(api, browser)
    copied = browser.client.cookies["ecites_session"]
    other_browser.client.cookies.set("ecites_session", copied)
    assert other_browser.get("/dashboard").status_code == 200  # the copy works ...

    assert browser.post("/logout").status_code == 303
    response = other_browser.get("/dashboard", follow_redirects=False)  # ... until sign-out
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/dashboard"
    assert browser.get("/dashboard", follow_redirects=False).status_code == 303
    [row] = rows(api)
    assert row.ended_at is not None
    assert row.end_reason == "signed_out"


def test_the_table_keeps_only_the_digest_of_the_session_id(app, api, browser) -> None:
    browser.get("/login")
    assert rows(api) == []  # an anonymous visitor (the sign-in form's CSRF token) has no row
    signed_in_trader(api, browser)
    key = sessions.session_key(app.state.secret_key)
    cookie = sessions.decode(browser.client.cookies["ecites_session"], key, now=datetime.now(UTC))
    assert cookie is not None
    assert cookie.session_id is not None
    [row] = rows(api)
    assert row.id_hash == hashlib.sha256(cookie.session_id.encode()).hexdigest()
    stored = [getattr(row, c.key) for c in WebSession.__table__.columns]
    assert cookie.session_id not in [str(v) for v in stored]


@pytest.mark.parametrize("where", ["api", "admin page"])
def test_disabling_a_user_ends_their_browser_session(api, browser, admin_browser, where) -> None:
    _username, user_id = signed_in_trader(api, browser)
    assert browser.get("/dashboard").status_code == 200
    if where == "api":
        disabled = api.client.post(f"/api/v1/users/{user_id}/disable", headers=api.login("admin"))
        assert disabled.status_code == 200, disabled.text
    else:
        admin_browser.sign_in("admin")
        assert admin_browser.post(f"/admin/users/{user_id}/disable").status_code == 303

    response = browser.get("/dashboard", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    [row] = [r for r in rows(api) if r.user_id == user_id]
    assert row.end_reason == "user_disabled"
    [ended] = events(api, "auth.sessions_ended")
    [disable] = events(api, "user.disable")
    assert ended.seq == disable.seq + 1  # in the same unit of work as the disabling
    assert ended.object_id == str(user_id)
    assert json.loads(ended.details) == {"reason": "user_disabled", "sessions_ended": 1}


def test_sign_out_everywhere_else(api, browser, other_browser) -> None:
    username, user_id = signed_in_trader(api, browser)
    other_browser.sign_in(username)
    page = browser.get("/account")
    assert page.status_code == 200
    assert page.text.count("(this browser)") == 1
    assert "Sign out everywhere else" in page.text

    ended = browser.post("/account/sign-out-others")
    assert ended.status_code == 303
    assert ended.headers["location"] == "/account?done=others_signed_out"
    page = browser.get(ended.headers["location"])
    assert "Your other sessions have been ended." in page.text
    assert "This is your only open session." in page.text
    assert browser.get("/dashboard").status_code == 200  # this browser stays signed in
    assert other_browser.get("/dashboard", follow_redirects=False).status_code == 303
    reasons = sorted(str(r.end_reason) for r in rows(api))
    assert reasons == ["None", "signed_out_elsewhere"]
    [event] = events(api, "auth.sign_out_others")
    assert event.actor_user_id == user_id
    assert event.actor_name == username
    assert json.loads(event.details) == {"sessions_ended": 1}


def test_sign_out_everywhere_else_needs_the_csrf_token(api, browser, other_browser) -> None:
    username, _user_id = signed_in_trader(api, browser)
    other_browser.sign_in(username)
    forged = browser.client.post("/account/sign-out-others", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert other_browser.get("/dashboard").status_code == 200
    assert [r.ended_at for r in rows(api)] == [None, None]


def test_the_account_page_shows_each_session(api, browser) -> None:
    browser.client.headers["User-Agent"] = FIREFOX
    signed_in_trader(api, browser)
    page = browser.get("/account")
    content = read(page.text)
    assert "Firefox 128, Linux" in content.texts
    assert "testclient" in content.texts  # the client address
    assert "(this browser)" in content.texts
    assert "/account" in content.links  # the header leads here from every page


def test_signing_in_again_ends_the_previous_session(api, browser) -> None:
    signed_in_trader(api, browser)
    signed_in_trader(api, browser)  # another trader, in the same browser
    first, second = rows(api)
    assert first.end_reason == "signed_out"
    assert second.ended_at is None


def test_an_expired_or_ended_row_signs_the_browser_out(api, browser) -> None:
    signed_in_trader(api, browser)
    assert browser.get("/dashboard").status_code == 200
    with unit_of_work(api.session_factory) as session:  # the cookie itself is still valid
        session.execute(update(WebSession).values(absolute_until=datetime.now(UTC)))
    response = browser.get("/dashboard", follow_redirects=False)
    assert response.status_code == 303
    # the cookie naming no open session is replaced by an anonymous one
    assert "ecites_session=" in response.headers["set-cookie"]
    assert browser.get("/dashboard", follow_redirects=False).status_code == 303


def test_renewal_writes_the_row_once_half_the_idle_time_has_passed(app, api, browser) -> None:
    now = [T0]
    app.state.clock = lambda: now[0]
    signed_in_trader(api, browser)
    [row] = rows(api)
    assert (row.created_at, row.renewed_at) == (T0, T0)
    assert row.idle_until == T0 + timedelta(minutes=60)  # ECITES_TOKEN_MINUTES

    now[0] = T0 + timedelta(minutes=20)
    quiet = browser.get("/dashboard")
    assert quiet.status_code == 200
    assert "ecites_session=" not in quiet.headers.get("set-cookie", "")
    assert rows(api)[0].renewed_at == T0  # not on every request

    now[0] = T0 + timedelta(minutes=40)
    renewed = browser.get("/dashboard")
    assert renewed.status_code == 200
    assert "ecites_session=" in renewed.headers["set-cookie"]
    [row] = rows(api)
    assert row.renewed_at == now[0]
    assert row.idle_until == now[0] + timedelta(minutes=60)

    now[0] = T0 + timedelta(minutes=90)  # past the first idle expiry: still signed in
    assert browser.get("/dashboard").status_code == 200  # (and renewed again)
    now[0] = T0 + timedelta(minutes=90 + 61)  # an hour without a request: signed out
    assert browser.get("/dashboard", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    ("agent", "short"),
    [
        (FIREFOX, "Firefox 128, Linux"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
            "Edge 131, Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari 17, iOS",
        ),
        ("curl/8.5.0", "curl/8.5.0"),
        (None, ""),
    ],
)
def test_user_agents_are_shown_in_a_few_words(agent: str | None, short: str) -> None:
    assert short_agent(agent) == short
