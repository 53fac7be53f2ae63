"""The browser pages' weight: bytes of each main page with the style sheet and script it
loads, against a target of 100 KB a page, and the time the service takes to render it.

Preparation (not timed): a trader's organisation with 30 submitted applications (1-3 species
lines each, the listing's mix), 10 of them approved and issued through the use cases (signed
permits), an officer and an administrator; each person signs in through the sign-in form, as
a browser does. Measured, for each main page: the HTML's bytes, the bytes of every style sheet
and script the page references (fetched from the service, each counted once per page), their
total and its gzip size (what a compressing proxy would send); then ``--requests`` renderings
of the page in-process (ASGI test client, no network), reported as p50/p95 ms. Checked: every
page answers 200 with HTML, references nothing outside the service, and the public
verification page confirms the permit."""

from __future__ import annotations

import gzip
import random
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from app.auth import service as auth_service
from app.bootstrap import make_issuance
from app.core.actor import Actor, Role
from app.core.db import unit_of_work
from app.main import create_app
from app.permits.models import Permit
from app.printing import qr
from bench import seed
from bench.databases import Database
from bench.issuance import approve_and_issue
from bench.report import progress, table
from bench.stats import Latency

TARGET_BYTES = 100 * 1024
ADMIN_PAGES = (
    "/admin",
    "/admin/users",
    "/admin/api-keys",
    "/admin/peers",
    "/admin/reference",
    "/admin/organisations",
    "/admin/measures",
    "/admin/quotas",
    "/admin/audit",
)
APPLICATIONS, ISSUED = 30, 10
PASSWORD = "bench-pages-password"
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/[^"/][^"]*)"')
OUTSIDE = re.compile(r'(?:src|href|action)="(?:https?:)?//', re.IGNORECASE)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}  # as a browser asks


@dataclass(frozen=True)
class Cast:
    """Who signs in, and what the pages show."""

    trader: str
    officer: str
    admin: str
    application_id: int
    verify_path: str


def run(db: Database, *, requests: int, rng: random.Random) -> dict[str, Any]:
    cast = _prepare(db, rng)
    # Nothing to send; the verification page's per-address limit would refuse the repeated
    # renderings (all from one address), so it is lifted here.
    settings = db.settings.model_copy(
        update={"relay_enabled": False, "verify_rate_per_minute": 10**6, "verify_burst": 10**6}
    )
    app = create_app(settings, engine=db.engine)
    pages: dict[str, dict[str, Any]] = {}
    ok = True
    with _browser(app, None) as public:
        pages["sign-in"] = _measure(public, "/login", requests)
        pages["verification (public)"] = _measure(public, cast.verify_path, requests)
        ok = ok and "valid" in public.get(cast.verify_path).text.lower()
    with _browser(app, cast.trader) as trader:
        pages["trader: dashboard"] = _measure(trader, "/dashboard", requests)
        pages["trader: new application"] = _measure(trader, "/applications/new", requests)
        application = f"/applications/{cast.application_id}"
        pages["trader: application"] = _measure(trader, application, requests)
    with _browser(app, cast.officer) as officer:
        pages["officer: queue"] = _measure(officer, "/officer/queue", requests)
        pages["officer: application"] = _measure(officer, application, requests)
        pages["officer: received permits"] = _measure(officer, "/officer/received", requests)
        pages["officer: outbox"] = _measure(officer, "/officer/outbox", requests)
        pages["officer: annual report"] = _measure(officer, "/officer/reports", requests)
    with _browser(app, cast.admin) as admin:
        for path in ADMIN_PAGES:
            pages[f"admin: {path}"] = _measure(admin, path, requests)
    ok = ok and all(page["ok"] for page in pages.values())
    heaviest = max(page["total_bytes"] for page in pages.values())
    return {
        "benchmark": "pages",
        "backend": db.backend,
        "requests_per_page": requests,
        "target_bytes": TARGET_BYTES,
        "heaviest_bytes": heaviest,
        "ratio_heaviest_to_target": round(heaviest / TARGET_BYTES, 2),
        "pages": pages,
        "checks": {"ok": ok},
    }


def _prepare(db: Database, rng: random.Random) -> Cast:
    progress(
        f"[{db.backend}] pages: {APPLICATIONS} applications, {ISSUED} issued, three people"
        " (not timed)"
    )
    officer = seed.create_officer(db.session_factory)
    with db.engine.begin() as conn:
        (trading_house,) = seed.insert_traders(conn, 1, seed.now())
        ids = seed.insert_submitted(conn, rng, [trading_house], APPLICATIONS, end=seed.now())
        seed.sync_sequences(conn, seed.SEEDED_TABLES)
    issuance = make_issuance(db.settings)
    for application_id in ids[:ISSUED]:
        with unit_of_work(db.session_factory) as session:
            approve_and_issue(session, application_id, officer, issuance)
    with unit_of_work(db.session_factory) as session:
        for username, role, organisation in (
            ("pages-trader", Role.TRADER, trading_house.organisation_id),
            ("pages-admin", Role.ADMIN, None),
        ):
            auth_service.create_user(
                session,
                username=username,
                full_name=username.replace("-", " ").title(),
                role=role,
                password=PASSWORD,
                organisation_id=organisation,
                actor=Actor.system("bench"),
            )
        permit = session.scalars(select(Permit).where(Permit.signed_xml.is_not(None))).first()
        assert permit is not None
        assert permit.signed_xml is not None
        verify = qr.verification_url(
            "",
            party=db.settings.party,
            number=permit.number,
            digest=qr.short_digest(permit.signed_xml),
        )
    return Cast(
        trader="pages-trader",
        officer=seed.OFFICER_USERNAME,
        admin="pages-admin",
        application_id=permit.application_id,
        verify_path=verify,
    )


@contextmanager
def _browser(app: Any, username: str | None) -> Iterator[TestClient]:
    """A client with its own cookies, signed in through the form (None: a visitor)."""
    with TestClient(app, base_url="http://bench.local", headers=HTML) as client:
        if username is not None:
            form = client.get("/login").text
            token = CSRF.search(form)
            assert token is not None, "the sign-in page has no CSRF token"
            password = seed.OFFICER_PASSWORD if username == seed.OFFICER_USERNAME else PASSWORD
            answer = client.post(
                "/login",
                data={"csrf_token": token.group(1), "username": username, "password": password},
                follow_redirects=False,
            )
            assert answer.status_code == 303, f"{username} could not sign in: {answer.text}"
        yield client


def _measure(client: TestClient, path: str, requests: int) -> dict[str, Any]:
    first = client.get(path)
    html = first.content
    assets = {url: client.get(url).content for url in dict.fromkeys(ASSET.findall(first.text))}
    total = html + b"".join(assets.values())
    seconds = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(path)
        seconds.append(time.perf_counter() - start)
    return {
        "path": path,
        "status": first.status_code,
        "html_bytes": len(html),
        "asset_bytes": {url: len(body) for url, body in assets.items()},
        "total_bytes": len(total),
        "gzip_bytes": sum(len(gzip.compress(body)) for body in (html, *assets.values())),
        "ratio_to_target": round(len(total) / TARGET_BYTES, 3),
        "render": Latency.of_seconds(seconds).as_dict(),
        "ok": first.status_code == 200
        and "text/html" in first.headers.get("content-type", "")
        and not OUTSIDE.search(first.text),
    }


def summary(results: list[dict[str, Any]]) -> str:
    measured = [r for r in results if r.get("benchmark") == "pages" and "error" not in r]
    if not measured:
        return ""
    rows = [
        (
            r["backend"],
            name,
            f"{page['html_bytes'] / 1024:.1f}",
            f"{page['total_bytes'] / 1024:.1f}",
            f"{page['gzip_bytes'] / 1024:.1f}",
            f"{page['ratio_to_target']:.2f}",
            f"{page['render']['p50_ms']:.2f}",
            f"{page['render']['p95_ms']:.2f}",
        )
        for r in measured
        for name, page in r["pages"].items()
    ]
    head = ("backend", "page", "HTML KB", "total KB", "gzip KB", "x 100 KB", "p50 ms", "p95 ms")
    return (
        "Browser pages: weight with CSS and JS (target under 100 KB each) and render time "
        f"(ok: {all(r['checks']['ok'] for r in measured)})\n" + table(head, rows)
    )
