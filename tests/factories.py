"""Test data through the real API: an admin, organisations, users of each role, and
application bodies."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.auth import service as auth_service
from app.core.db import unit_of_work

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def application_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "document_type": "E",
        "counterparty": {
            "name": "Jardin des Plantes",
            "address": "57 rue Cuvier, Paris",
            "country": "FR",
        },
        "purpose_code": "Z",
        "special_conditions": None,
        "lines": [
            {
                "scientific_name": "Python regius",
                "common_name": "Ball python",
                "term_code": "LIV",
                "quantity": "2",
                "unit_code": "",
                "appendix": "II",
                "source_code": "C",
                "origin_country": "CH",
            },
        ],
    }
    body.update(overrides)
    return body


@dataclass
class Api:
    """A test client plus helpers to log in as each role."""

    client: TestClient
    session_factory: sessionmaker[Session]
    tokens: dict[str, str] = field(default_factory=dict)

    def bootstrap_admin(self) -> None:
        with unit_of_work(self.session_factory) as session:
            auth_service.ensure_first_admin(session, username="admin", password=PASSWORD)

    def login(self, username: str, password: str = PASSWORD) -> dict[str, str]:
        if username not in self.tokens:
            response = self.client.post(
                "/api/v1/auth/token", json={"username": username, "password": password}
            )
            assert response.status_code == 200, response.text
            self.tokens[username] = response.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def organisation(self, name: str | None = None, country: str = "CH") -> int:
        name = name or f"Trading House {next(_counter)}"
        response = self.client.post(
            "/api/v1/organisations",
            headers=self.login("admin"),
            json={"name": name, "address": "Bahnhofstrasse 1, Zurich", "country": country},
        )
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def user(
        self, role: str, organisation_id: int | None = None, username: str | None = None
    ) -> dict[str, str]:
        username = username or f"{role}{next(_counter)}"
        response = self.client.post(
            "/api/v1/users",
            headers=self.login("admin"),
            json={
                "username": username,
                "full_name": username.title(),
                "role": role,
                "password": PASSWORD,
                "organisation_id": organisation_id,
            },
        )
        assert response.status_code == 201, response.text
        return self.login(username)

    def trader(self, organisation_id: int | None = None) -> dict[str, str]:
        return self.user("trader", organisation_id or self.organisation())

    def submitted_application(self, trader: dict[str, str], **overrides: Any) -> int:
        response = self.client.post(
            "/api/v1/applications", headers=trader, json=application_body(**overrides)
        )
        assert response.status_code == 201, response.text
        application_id = int(response.json()["id"])
        submitted = self.client.post(
            f"/api/v1/applications/{application_id}/submit", headers=trader
        )
        assert submitted.status_code == 200, submitted.text
        return application_id

    def issued_permit(self, trader: dict[str, str], officer: dict[str, str]) -> dict[str, Any]:
        application_id = self.submitted_application(trader)
        approved = self.client.post(
            f"/api/v1/applications/{application_id}/approve", headers=officer
        )
        assert approved.status_code == 200, approved.text
        issued = self.client.post(f"/api/v1/applications/{application_id}/issue", headers=officer)
        assert issued.status_code == 201, issued.text
        permit: dict[str, Any] = issued.json()
        return permit
