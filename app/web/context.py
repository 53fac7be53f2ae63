"""Per request: who the visitor is (session cookie), their language, their CSRF token, and
the one place where a page's errors become HTML pages (WebRoute) instead of JSON."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import FormData

from app.auth import service as auth_service
from app.auth import web_sessions
from app.core.actor import Actor, Role
from app.core.db import read_only_session, unit_of_work
from app.core.errors import DomainError, NotAuthenticated, NotFound, PermissionDenied
from app.web import i18n, sessions
from app.web.render import render_page

log = logging.getLogger("ecites.web")
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'",
}


class LoginRequired(Exception):
    """No valid session: the visitor is sent to the sign-in page."""


class CsrfRefused(Exception):
    """A form post without the session's CSRF token: refused before anything is read."""


@dataclass
class Visit:
    """The request as the pages see it. ``session`` is the cookie's (None: none or invalid);
    a page that needs a session starts an anonymous one, set on the response."""

    request: Request
    language: i18n.Language
    session: sessions.SessionCookie | None
    now: datetime
    idle: timedelta
    key: bytes
    actor: Actor | None = None
    set_session: sessions.SessionCookie | None = field(default=None)

    @property
    def here(self) -> str:
        """This page's address without the one-off ``done`` message, for the language
        switcher; after a form post, the page the form was on (a post's own address would
        not answer a GET)."""
        if self.request.method != "GET":
            referer = urlsplit(self.request.headers.get("referer", ""))
            if referer.netloc != self.request.url.netloc:
                return "/"
            return safe_next(referer.path + (f"?{referer.query}" if referer.query else ""), "/")
        query = urlencode([i for i in self.request.query_params.multi_items() if i[0] != "done"])
        return self.request.url.path + (f"?{query}" if query else "")

    @property
    def csrf(self) -> str:
        """The token every form carries (starting an anonymous session if there is none)."""
        current = self.set_session or self.session
        if current is None:
            current = self.set_session = sessions.start(None, now=self.now, idle=self.idle)
        return current.csrf

    @property
    def session_id(self) -> str | None:
        """The id of the session the cookie names (None: an anonymous visitor)."""
        return self.session.session_id if self.session is not None else None

    def sign_in(self, session_id: str) -> None:
        """Set the cookie of the session just started (app.auth.web_sessions.start, with
        the same ``now`` and idle time, so that the cookie expires with its row)."""
        self.set_session = sessions.start(session_id, now=self.now, idle=self.idle)

    def sign_out(self) -> None:
        self.set_session = sessions.start(None, now=self.now, idle=self.idle)

    def finish(self, response: Response) -> Response:
        """Set the cookies and the security headers on a page's response."""
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        chosen = self.set_session
        if chosen is not None:
            response.set_cookie(
                sessions.COOKIE_NAME,
                sessions.encode(chosen, self.key),
                max_age=int((chosen.idle_until - self.now).total_seconds()),
                path="/",
                httponly=True,
                samesite="lax",
                secure=self.request.url.scheme == "https",
            )
        return response

    def page(self, template: str, http_status: int = 200, /, **context: Any) -> Response:
        body = render_page(
            self.language.code,
            template,
            {"visit": self, "user": self.actor, "csrf_token": self.csrf, **context},
        )
        return self.finish(HTMLResponse(body, status_code=http_status))

    def redirect(self, to: str) -> Response:
        return self.finish(RedirectResponse(to, status_code=303))


def visit_of(request: Request) -> Visit:
    found: Visit | None = getattr(request.state, "web_visit", None)
    if found is not None:
        return found
    state = request.app.state
    now: datetime = state.clock()
    key = sessions.session_key(state.secret_key)
    cookie = request.cookies.get(sessions.COOKIE_NAME)
    found = Visit(
        request=request,
        language=i18n.language(
            i18n.negotiate(
                request.cookies.get(i18n.COOKIE_NAME), request.headers.get("accept-language")
            )
        ),
        session=sessions.decode(cookie, key, now=now) if cookie else None,
        now=now,
        idle=timedelta(minutes=state.settings.token_minutes),
        key=key,
    )
    request.state.web_visit = found
    return found


VisitDep = Annotated[Visit, Depends(visit_of)]


def safe_next(target: str | None, default: str = "/dashboard") -> str:
    """Only a path on this site (no scheme, no host, no backslash tricks) is followed."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


@contextmanager
def signed_in(visit: Visit, *roles: Role, write: bool = False) -> Iterator[tuple[Session, Actor]]:
    """A unit of work for a signed-in user (a read-only one unless ``write``), with the actor;
    an error inside rolls everything back. ``roles``: the roles allowed (none: any).

    The cookie's session must be open in the database (one primary-key read, which also
    gives the user): unknown, ended or expired, or its user disabled, and the visitor is
    signed out. Once half the idle time has passed, the session is renewed first (its row
    in a small unit of work of its own, and the cookie)."""
    session_id = visit.session_id
    if session_id is None:
        raise LoginRequired
    factory: sessionmaker[Session] = visit.request.app.state.session_factory
    cookie = visit.session
    if visit.set_session is None and cookie and cookie.needs_renewal(visit.now, visit.idle):
        with unit_of_work(factory) as session:
            row = web_sessions.renew(session, session_id, now=visit.now, idle=visit.idle)
        if row is not None:
            visit.set_session = cookie.renewed(row.idle_until)
    with unit_of_work(factory) if write else read_only_session(factory) as session:
        user = web_sessions.user_of(session, session_id, now=visit.now)
        if user is None:
            visit.sign_out()  # the cookie names no open session: replace it
            raise LoginRequired
        client = visit.request.client
        actor = auth_service.actor_for(user, client.host if client else None)
        visit.actor = actor
        if roles and actor.role not in roles:
            raise PermissionDenied("this page is not for your role", code="role_not_allowed")
        yield session, actor


async def csrf_form(request: Request) -> FormData:
    """The posted form, once its CSRF token has been found equal to the session's."""
    visit = visit_of(request)
    try:
        form = await request.form(max_files=0, max_fields=400)
    except Exception as exc:  # an unreadable body: no token could be in it
        raise CsrfRefused from exc
    if not sessions.csrf_matches(visit.session, form.get("csrf_token")):
        raise CsrfRefused
    return form


CsrfForm = Annotated[FormData, Depends(csrf_form)]


def error_page(request: Request, exc: Exception) -> Response:
    visit = visit_of(request)
    if isinstance(exc, LoginRequired | NotAuthenticated):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = "/dashboard"
        return visit.redirect(f"/login?next={quote(target, safe='/')}")
    if isinstance(exc, CsrfRefused):
        return visit.page("error.html", 403, kind="csrf")
    if isinstance(exc, NotFound):
        return visit.page("error.html", 404, kind="not_found")
    if isinstance(exc, PermissionDenied):
        return visit.page("error.html", 403, kind="forbidden")
    if isinstance(exc, RequestValidationError):
        return visit.page("error.html", 400, kind="bad_request")
    if isinstance(exc, DomainError):
        return visit.page("error.html", exc.status, kind="domain", code=exc.code)
    log.exception("unhandled error on page %s %s", request.method, request.url.path)
    return visit.page("error.html", 500, kind="internal")


class WebRoute(APIRoute):
    """A route whose failures are HTML pages: a missing session redirects to sign-in, a
    refused CSRF token is a 403 page, a hidden or missing object a 404 page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:  # every failure of a page becomes a page
                return error_page(request, exc)

        return route
