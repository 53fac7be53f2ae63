from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.core.config import Settings
from app.main import create_app
from tests.factories import Api, application_body


def test_health_reports_a_reachable_database(api: Api) -> None:
    response = api.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "reachable", "party": "CH"}


def test_health_reports_an_unreachable_database(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "ecites.db"
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{missing}")
    with TestClient(create_app(settings)) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_openapi_documents_errors(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    issue = spec["paths"]["/api/v1/applications/{application_id}/issue"]["post"]
    assert {"401", "403", "404", "409", "422"} <= set(issue["responses"])
    error = spec["components"]["schemas"]["ErrorBody"]
    assert set(error["properties"]) == {"code", "message", "details"}


def test_unknown_route_is_json(api: Api) -> None:
    response = api.client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_reads_do_not_wait_for_a_writer(api: Api, db: Engine) -> None:
    """On SQLite, GET requests read a snapshot instead of queueing for the write lock."""
    trader = api.trader()
    api.client.post("/api/v1/applications", headers=trader, json=application_body())
    with db.connect() as writer:
        writer.execute(text("UPDATE application SET special_conditions = 'pending'"))
        # a read queued for the write lock would fail after the busy timeout instead
        response = api.client.get("/api/v1/applications", headers=trader)
        writer.rollback()
    assert response.status_code == 200
    assert response.json()["items"][0]["status"] == "draft"
