"""Signing in and out, the language switcher, and the home page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session, sessionmaker

from app.auth import service as auth_service
from app.core.actor import Role
from app.core.db import unit_of_work
from app.core.errors import NotAuthenticated, NotFound
from app.web import i18n
from app.web.context import CsrfForm, VisitDep, WebRoute, safe_next, signed_in
from app.web.i18n import N_

router = APIRouter(route_class=WebRoute, include_in_schema=False)
LANGUAGE_COOKIE_DAYS = 365
HOMES = {Role.TRADER: "/dashboard", Role.OFFICER: "/officer/queue", Role.ADMIN: "/admin"}


@router.get("/")
def home(visit: VisitDep) -> Response:
    if visit.session is None or visit.session.user_id is None:
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
    try:
        with unit_of_work(factory) as session:
            user = auth_service.authenticate(
                session,
                username=username,
                password=password,
                remote_addr=client.host if client else None,
            )
            user_id, role = user.id, Role(user.role)
    except NotAuthenticated:
        return visit.page(
            "login.html",
            401,
            next=target,
            username=username,
            error=N_("The user name or password is wrong, or the account is disabled."),
        )
    visit.sign_in(user_id)
    return visit.redirect(target or HOMES.get(role, "/account"))


@router.post("/logout")
def logout(visit: VisitDep, _form: CsrfForm) -> Response:
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
def account(visit: VisitDep) -> Response:
    """The page of a role with no pages of its own (customs: the border systems use the API)."""
    with signed_in(visit):
        pass
    return visit.page("account.html")
