from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from tests.factories import Api


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
