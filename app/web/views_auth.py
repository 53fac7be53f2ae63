"""Signing in and out, the language switcher, and the home page."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session, sessionmaker

from app.auth import sign_in, web_sessions
from app.core.actor import Role
from app.core.db import unit_of_work
from app.core.errors import DomainError, NotFound, TooManyRequests
from app.web import i18n
from app.web.context import CsrfForm, VisitDep, WebRoute, safe_next, signed_in
from app.web.i18n import N_

router = APIRouter(route_class=WebRoute, include_in_schema=False)
LANGUAGE_COOKIE_DAYS = 365
HOMES = {Role.TRADER: "/dashboard", Role.OFFICER: "/officer/queue", Role.ADMIN: "/admin"}


@router.get("/")
def home(visit: VisitDep) -> Response:
    if visit.session_id is None:
        return visit.redirect("/login")
    with signed_in(visit) as (_session, actor):
        pass
    return visit.redirect(HOMES.get(actor.role, "/account") if actor.role else "/account")


@router.get("/login")
def login_page(visit: VisitDep, next_: Annotated[str, Query(alias="next")] = "") -> Response:
    return visit.page("login.html", next=safe_next(next_, ""), username="", error=None)


@router.post("/login")
def login(visit: VisitDep, form: CsrfForm, request: Request) -> Response:
    username = str(form.get("username") or "").strip()[:200]
    password = str(form.get("password") or "")[:1000]
    target = safe_next(str(form.get("next") or ""), "")
    if not username or not password:
        return visit.page(
            "login.html",
            400,
            next=target,
            username=username,
            error=N_("Enter your user name and your password."),
        )
    factory: sessionmaker[Session] = request.app.state.session_factory
    client = request.client
    with unit_of_work(factory) as session:  # what the attempt counted is kept if it fails
        outcome = sign_in.in_browser(
            session,
            username=username,
            password=password,
            remote_addr=client.host if client else None,
            user_agent=request.headers.get("user-agent"),
            previous=visit.session_id,
            policy=sign_in.Policy.of(request.app.state.settings),
            now=visit.now,
            idle=visit.idle,
        )
    if isinstance(outcome, TooManyRequests):
        refused = visit.page(
            "login.html",
            429,
            next=target,
            username=username,
            error=None,
            retry_minutes=math.ceil(outcome.retry_after_seconds / 60),
        )
        refused.headers["Retry-After"] = str(outcome.retry_after_seconds)
        return refused
    if isinstance(outcome, DomainError):
        return visit.page(
            "login.html",
            401,
            next=target,
            username=username,
            error=N_("The user name or password is wrong, or the account is disabled."),
        )
    user, session_id = outcome
    visit.sign_in(session_id)
    return visit.redirect(target or HOMES.get(Role(user.role), "/account"))


@router.post("/logout")
def logout(visit: VisitDep, _form: CsrfForm, request: Request) -> Response:
    if visit.session_id is not None:
        factory: sessionmaker[Session] = request.app.state.session_factory
        with unit_of_work(factory) as session:
            web_sessions.end(session, visit.session_id, now=visit.now)
    visit.sign_out()
    return visit.redirect("/login?done=signed_out")


@router.get("/language/{code}")
def choose_language(
    visit: VisitDep, code: str, next_: Annotated[str, Query(alias="next")] = ""
) -> Response:
    """Set the language and go back: to ``next``, else to the page the link was on (the
    Referer, when it is this site's: the verification page's links name no address)."""
    if code not in i18n.LANGUAGES:
        raise NotFound("no such language")
    if not next_:
        referer = urlsplit(visit.request.headers.get("referer", ""))
        if referer.netloc == visit.request.url.netloc:
            next_ = referer.path + (f"?{referer.query}" if referer.query else "")
    response = visit.redirect(safe_next(next_, "/"))
    response.set_cookie(
        i18n.COOKIE_NAME,
        code,
        max_age=LANGUAGE_COOKIE_DAYS * 86400,
        path="/",
        httponly=True,
        samesite="lax",
        secure=visit.request.url.scheme == "https",
    )
    return response


@router.get("/account")
def account(visit: VisitDep, done: str = "") -> Response:
    """The signed-in user's open sessions, with "Sign out everywhere else"; and the page of a
    role with no pages of its own (customs: the border systems use the API)."""
    with signed_in(visit) as (session, actor):
        assert actor.user_id is not None
        assert visit.session_id is not None
        current = web_sessions.digest(visit.session_id)
        found, total = web_sessions.list_open(session, user_id=actor.user_id, now=visit.now)
        open_sessions = [
            OpenSession(
                s.created_at,
                s.renewed_at,
                s.remote_addr,
                short_agent(s.user_agent),
                s.id_hash == current,
            )
            for s in found
        ]
    notice = N_("Your other sessions have been ended.") if done == "others_signed_out" else None
    return visit.page("account.html", sessions=open_sessions, total=total, notice=notice)


@router.post("/account/sign-out-others")
def sign_out_others(visit: VisitDep, _form: CsrfForm) -> Response:
    """End the user's other sessions (every other browser signs in again); audited."""
    with signed_in(visit, write=True) as (session, actor):
        assert visit.session_id is not None
        web_sessions.end_others(session, session_id=visit.session_id, actor=actor, now=visit.now)
    return visit.redirect("/account?done=others_signed_out")


@dataclass(frozen=True)
class OpenSession:
    """A row of the account page's table of sessions."""

    started: datetime
    renewed: datetime
    address: str | None
    agent: str
    current: bool


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"))
_SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def short_agent(user_agent: str | None) -> str:
    """A browser's User-Agent in a few words ("Firefox 128, Linux"), else its first 40
    characters."""
    if not user_agent:
        return ""
    browser = next(
        (
            f"{name} {user_agent.split(token, 1)[1].split('.')[0].split(' ')[0]}".strip()
            for token, name in _BROWSERS
            if token in user_agent
        ),
        None,
    )
    if browser is None and "Safari/" in user_agent and "Version/" in user_agent:
        browser = f"Safari {user_agent.split('Version/', 1)[1].split('.')[0]}"
    system = next((name for token, name in _SYSTEMS if token in user_agent), None)
    if browser is None:
        return user_agent[:40]
    return f"{browser}, {system}" if system else browser
