"""create_app(settings) -> FastAPI: routers, error handlers, body limit, health."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from sqlalchemy import Engine, text

from app import bootstrap
from app.api import errors
from app.api.middleware import BodySizeLimit
from app.applications.router import router as applications_router
from app.audit.router import router as audit_router
from app.auth.router import router as auth_router
from app.checks.router import router as checks_router
from app.codelists.router import router as codelists_router
from app.core.clock import utcnow
from app.core.config import Settings
from app.customs.router import router as customs_router
from app.exchange.import_router import router as import_check_router
from app.exchange.relay import start_in_thread
from app.exchange.router import api_router as foreign_permits_router
from app.exchange.router import router as exchange_router
from app.outbox.router import router as outbox_router
from app.permits.router import router as permits_router
from app.reports.router import router as reports_router
from app.species.router import router as species_router
from app.trust.router import epix_router
from app.trust.router import router as trust_router
from app.verify.router import router as verify_router
from app.web.router import STATIC_DIR
from app.web.router import router as web_router
from app.workflow.router import router as workflow_router
from app.xml.router import router as xml_router

API_PREFIX = "/api/v1"
DESCRIPTION = """
Electronic CITES permitting for a Management Authority.

* **Traders** draft applications, submit, withdraw, and edit them when returned.
* **Officers** review the queue (`GET /api/v1/applications?status=submitted&sort=submitted_at`),
  approve, refuse or return for changes, issue, cancel and replace permits.
* **Administrators** manage organisations, users, API keys and read the audit trail.

Log in with `POST /api/v1/auth/token` and send `Authorization: Bearer <token>`; machine clients
send `X-API-Key`. Every error is JSON `{"code", "message", "details"}` with a stable `code`.
"""


class Health(BaseModel):
    status: str
    database: str
    party: str


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    settings = settings or Settings()
    container = bootstrap.build(settings, engine=engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stop_relay = None
        if settings.relay_enabled:
            stop_relay = start_in_thread(bootstrap.make_relay(settings, container.session_factory))
        try:
            yield
        finally:
            if stop_relay is not None:
                stop_relay()
            app.state.http_client.close()
            if engine is None:
                container.engine.dispose()

    app = FastAPI(title="eCITES", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.session_factory = container.session_factory
    app.state.secret_key = container.secret_key
    app.state.engine = container.engine
    app.state.schema = container.schema
    app.state.authority = container.authority
    app.state.issuance = container.issuance
    app.state.own_keys = container.own_keys
    app.state.receiver = container.receiver
    app.state.announcer = container.announcer
    app.state.clock = utcnow  # tests set another clock
    app.state.http_client = bootstrap.http_client(settings)
    errors.install(app)
    app.add_middleware(BodySizeLimit, max_body_bytes=settings.max_body_bytes)

    api = APIRouter(prefix=API_PREFIX)
    # Routes are matched in this order: the border's hot path (customs checks) first.
    for router in (
        customs_router,
        auth_router,
        applications_router,
        workflow_router,
        permits_router,
        audit_router,
        codelists_router,
        xml_router,
        trust_router,
        outbox_router,
        foreign_permits_router,
        import_check_router,
        species_router,
        checks_router,
        reports_router,
    ):
        api.include_router(router)
    app.include_router(api)
    app.include_router(epix_router)
    app.include_router(exchange_router)
    app.include_router(verify_router)  # public: the printed permits' QR target
    app.include_router(web_router)  # the browser interface (app/web)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get(
        "/healthz",
        response_model=Health,
        tags=["health"],
        responses={503: {"model": Health, "description": "Database unreachable"}},
        summary="Liveness and database reachability",
    )
    def healthz(request: Request) -> Health | JSONResponse:
        try:
            with request.app.state.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            body = Health(status="degraded", database="unreachable", party=settings.party)
            return JSONResponse(status_code=503, content=body.model_dump())
        return Health(status="ok", database="reachable", party=settings.party)

    return app
