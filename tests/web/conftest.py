"""Browser-interface fixtures: a test client that signs in through the login form and posts
forms with the CSRF token the pages carry."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from app.core.actor import Actor
from app.core.db import unit_of_work
from app.species import importing
from tests.factories import PASSWORD, Api

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


@dataclass
class Browser:
    """One browser (its own cookies) on the service."""

    client: TestClient
    token: str = ""

    def get(self, url: str, **kwargs: Any) -> httpx2.Response:
        response = self.client.get(url, **kwargs)
        if "text/html" in response.headers.get("content-type", "") and 'name="csrf_token"' in (
            response.text
        ):
            self.token = csrf_of(response.text)
        return response

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> httpx2.Response:
        if not self.token:
            self.get("/login")
        body = {"csrf_token": self.token, **(data or {})}
        return self.client.post(url, data=body, follow_redirects=False, **kwargs)

    def sign_in(self, username: str, password: str = PASSWORD) -> httpx2.Response:
        self.get("/login")
        response = self.post("/login", {"username": username, "password": password})
        assert response.status_code == 303, response.text
        self.get("/dashboard" if response.headers["location"] == "/dashboard" else "/")
        return response


@pytest.fixture
def browser(app, api: Api) -> Iterator[Browser]:
    """A second client on the same app (separate cookies from ``api.client``)."""
    with TestClient(app, base_url="http://testserver") as client:
        yield Browser(client)


@pytest.fixture
def other_browser(app, api: Api) -> Iterator[Browser]:
    with TestClient(app, base_url="http://testserver") as client:
        yield Browser(client)


@pytest.fixture
def admin_browser(app, api: Api) -> Iterator[Browser]:
    """A third browser, for the administrator's pages."""
    with TestClient(app, base_url="http://testserver") as client:
        yield Browser(client)


def username_of(api: Api, headers: dict[str, str]) -> str:
    """The user name a factory-made user's headers belong to."""
    token = headers["Authorization"].split()[1]
    return next(name for name, value in api.tokens.items() if value == token)


def application_form(**overrides: str) -> dict[str, str]:
    """A complete new-application form, as the browser posts it."""
    form = {
        "document_type": "E",
        "other_subtype": "",
        "counterparty_name": "Jardin des Plantes",
        "counterparty_address": "57 rue Cuvier, Paris",
        "counterparty_country": "FR",
        "purpose_code": "Z",
        "special_conditions": "",
        "requested_valid_until": "",
        "import_permit_party": "",
        "import_permit_number": "",
        "export_permit_party": "",
        "export_permit_number": "",
        "lines-0-scientific_name": "Python regius",
        "lines-0-common_name": "Ball python",
        "lines-0-term_code": "LIV",
        "lines-0-quantity": "2",
        "lines-0-unit_code": "",
        "lines-0-appendix": "II",
        "lines-0-source_code": "C",
        "lines-0-origin_country": "CH",
        "action": "save",
    }
    form.update(overrides)
    return form


def approved_but_blocked(api: Api, trader: dict[str, str], officer: dict[str, str]) -> int:
    """An application approved by ``officer`` whose checks block its permit (Appendix I
    elephant tusks taken from the wild, for commercial purposes: Art. III(3)(c)), with the
    species reference data imported; its id."""
    with unit_of_work(api.session_factory) as session:
        importing.import_reference(session, actor=Actor.system("test"))
    tusks = {
        "scientific_name": "Loxodonta africana",
        "common_name": "African elephant",
        "term_code": "TUS",
        "quantity": "2",
        "unit_code": "",
        "appendix": "I",
        "source_code": "W",
        "origin_country": "KE",
    }
    application_id = api.submitted_application(trader, purpose_code="T", lines=[tusks])
    approved = api.client.post(
        f"/api/v1/applications/{application_id}/approve",
        headers=officer,
        json={"acknowledge_warnings": True},
    )
    assert approved.status_code == 200, approved.text
    return application_id
