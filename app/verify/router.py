"""``GET /verify/{party}/{number}?d=...``: the public page the permits' QR codes point at.

HTML for browsers, JSON for ``Accept: application/json``; rate-limited per client address
(429 with Retry-After). Public: no credentials, and nothing personal in the answer."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from app import i18n
from app.api.deps import SessionFactoryDep, SettingsDep, app_state
from app.api.errors import ErrorBody, error_response
from app.core.config import Settings
from app.core.db import read_only_session
from app.verify import page, service
from app.verify.ratelimit import TokenBucket
from app.verify.schemas import VerificationRead

router = APIRouter(tags=["verification"])
ClockDep = Annotated[Callable[[], datetime], Depends(app_state("clock"))]
HEADERS = {
    "Cache-Control": "no-store",  # the state changes: never show an old one
    "Referrer-Policy": "no-referrer",  # the code in the address stays here
    "X-Robots-Tag": "noindex",
}
HTML_HEADERS = {
    **HEADERS,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}
_limiter_lock = threading.Lock()


def _limiter(request: Request, settings: Settings) -> TokenBucket:
    """This app's token bucket, made on first use from its settings."""
    state = request.app.state
    with _limiter_lock:
        limiter: TokenBucket | None = getattr(state, "verify_limiter", None)
        if limiter is None:
            limiter = TokenBucket(
                rate=settings.verify_rate_per_minute / 60.0, burst=settings.verify_burst
            )
            state.verify_limiter = limiter
        return limiter


def _language(request: Request) -> str:
    """The browser interface's choice: its switcher's cookie, else Accept-Language."""
    return page.language_of(
        request.cookies.get(i18n.COOKIE_NAME), request.headers.get("accept-language")
    )


def _too_many(request: Request, html: bool, wait: float) -> Response:
    seconds = max(1, math.ceil(wait))
    headers = {**HEADERS, "Retry-After": str(seconds)}
    message = f"too many verification requests from this address; try again in {seconds} s"
    if html:
        body = page.too_many(seconds, code=_language(request))
        return HTMLResponse(body, status_code=429, headers={**HTML_HEADERS, **headers})
    return error_response(429, "rate_limited", message, {"retry_after": seconds}, headers)


@router.get(
    "/verify/{party}/{number}",
    response_model=VerificationRead,
    summary="Public verification of a printed permit (the QR code's target)",
    description="Confirms that this Management Authority issued a permit with this number "
    "whose signed XML has the digest `d` (16 hex digits of SHA-256, printed in the QR code), "
    "and gives its state now: valid, not_yet_valid, expired, cancelled, replaced, exported or "
    "used. No credentials. A browser (Accept: text/html) gets a page, other clients JSON. "
    "An unknown number and a wrong digest get the same 404 answer. Rate-limited per client "
    "address (429 with Retry-After).",
    responses={
        200: {"content": {"text/html": {}}, "description": "Confirmed (JSON or page)"},
        404: {"model": ErrorBody, "description": "Not confirmed (number or digest unknown)"},
        422: {"model": ErrorBody, "description": "Malformed party, number or digest"},
        429: {"model": ErrorBody, "description": "Too many requests: see Retry-After"},
    },
)
def verify_permit(
    request: Request,
    party: Annotated[str, Path(min_length=2, max_length=2, description="Issuing Party")],
    number: Annotated[str, Path(min_length=1, max_length=35, description="Permit number")],
    factory: SessionFactoryDep,
    settings: SettingsDep,
    clock: ClockDep,
    d: Annotated[str, Query(max_length=64, description="The digest printed in the QR code")] = "",
) -> Response:
    html = page.wants_html(request.headers.get("accept"))
    client = request.client.host if request.client else "unknown"
    wait = _limiter(request, settings).take(client)
    if wait > 0:
        return _too_many(request, html, wait)
    try:
        with read_only_session(factory) as session:
            verification = service.verify_permit(
                session,
                party=party,
                number=number,
                digest=d,
                own_party=settings.party,
                now=clock(),
                max_bytes=settings.max_xml_bytes,
            )
    except service.NotConfirmed as exc:
        if html:
            body = page.not_confirmed(code=_language(request))
            return HTMLResponse(body, status_code=404, headers=HTML_HEADERS)
        return error_response(404, exc.code, exc.message, headers=HEADERS)
    if html:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        body = page.confirmed(verification, code=_language(request), here=here)
        return HTMLResponse(body, headers=HTML_HEADERS)
    return JSONResponse(verification.model_dump(mode="json"), headers=HEADERS)
