"""The public verification page: confirmed only with the right number AND digest, the state
now (valid, then cancelled; expired, not yet valid by the clock), nothing personal, the same
answer for every way of being wrong, HTML for browsers and JSON for machines, rate-limited."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.clock import utcnow
from app.core.config import Settings
from app.main import create_app
from tests.factories import Api

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
JSON = {"Accept": "application/json"}
PERSONAL = ("Jardin des Plantes", "rue Cuvier", "Trading House", "Bahnhofstrasse", "Officer")


def _issued(api: Api) -> tuple[dict[str, Any], str, dict[str, str]]:
    """A permit, its verification path (as in its QR code) and an officer's headers."""
    trader, officer = api.trader(), api.user("officer")
    permit = api.issued_permit(trader, officer)
    xml = api.client.get(f"/api/v1/permits/{permit['id']}.xml", headers=trader).content
    digest = hashlib.sha256(xml).hexdigest()[:16]
    return permit, f"/verify/CH/{permit['number']}?d={digest}", officer


def test_a_valid_permit_is_confirmed_then_shown_cancelled(api: Api) -> None:
    permit, path, officer = _issued(api)
    page = api.client.get(path, headers=HTML)
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    assert '<html lang="en">' in page.text
    assert f"{permit['number']}: Valid" in page.text
    assert "Python regius" in page.text
    assert not [p for p in PERSONAL if p in page.text]
    assert "https://" not in page.text
    assert "<script" not in page.text

    answer = api.client.get(path, headers=JSON)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["confirmed"], body["state"], body["number"]) == (True, "valid", permit["number"])
    assert (body["valid_from"], body["valid_until"]) == (
        permit["valid_from"],
        permit["valid_until"],
    )
    assert body["lines"][0]["scientific_name"] == "Python regius"
    assert not [p for p in PERSONAL if p in answer.text]

    cancel = api.client.post(
        f"/api/v1/permits/{permit['id']}/cancel", headers=officer, json={"reason": "not shipped"}
    )
    assert cancel.status_code == 200, cancel.text
    assert api.client.get(path, headers=JSON).json()["state"] == "cancelled"
    assert f"{permit['number']}: Cancelled" in api.client.get(path, headers=HTML).text


def test_the_state_follows_the_clock(api: Api, app: FastAPI) -> None:
    _permit, path, _ = _issued(api)
    app.state.clock = lambda: utcnow() + timedelta(days=400)
    assert api.client.get(path, headers=JSON).json()["state"] == "expired"
    app.state.clock = lambda: utcnow() - timedelta(days=2)
    assert api.client.get(path, headers=JSON).json()["state"] == "not_yet_valid"


def test_every_wrong_answer_is_the_same(api: Api) -> None:
    permit, path, _ = _issued(api)
    digest = path.rsplit("=", 1)[1]
    other = "0123456789abcdef" if digest != "0123456789abcdef" else "fedcba9876543210"
    wrong = [
        f"/verify/CH/{permit['number']}?d={other}",  # wrong digest
        f"/verify/CH/{permit['number']}?d={digest[:8]}",  # too short
        f"/verify/CH/{permit['number']}",  # no digest
        f"/verify/CH/26CH999999?d={digest}",  # unknown number
        f"/verify/FR/{permit['number']}?d={digest}",  # another Party
    ]
    answers = [api.client.get(p, headers=JSON) for p in wrong]
    assert {a.status_code for a in answers} == {404}
    assert {a.text for a in answers} == {answers[0].text}
    assert answers[0].json() == {
        "code": "permit_not_confirmed",
        "message": "this Management Authority cannot confirm a permit with this number and "
        "verification code",
        "details": {},
    }
    pages = [api.client.get(p, headers=HTML) for p in wrong]
    assert {p.status_code for p in pages} == {404}
    assert {p.text for p in pages} == {pages[0].text}
    assert "Not confirmed" in pages[0].text
    # the digest's case does not matter (people may type it from the paper)
    upper = api.client.get(f"/verify/CH/{permit['number']}?d={digest.upper()}", headers=JSON)
    assert upper.json()["state"] == "valid"


@pytest.fixture
def limited_client(settings: Settings, db: Engine) -> Iterator[TestClient]:
    app = create_app(
        settings.model_copy(update={"verify_burst": 2, "verify_rate_per_minute": 1.0}), engine=db
    )
    with TestClient(app) as client:
        yield client


def test_requests_beyond_the_rate_are_refused(limited_client: TestClient) -> None:
    path = "/verify/CH/26CH000001?d=0123456789abcdef"
    assert [limited_client.get(path, headers=JSON).status_code for _ in range(2)] == [404, 404]
    refused = limited_client.get(path, headers=JSON)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert set(refused.json()) == {"code", "message", "details"}
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    page = limited_client.get(path, headers=HTML)
    assert page.status_code == 429
    assert "Too many requests" in page.text
    assert page.headers["retry-after"]


@pytest.mark.parametrize(
    "path",
    [
        "/verify/CH/26CH%00000001?d=0123456789abcdef",  # a NUL character
        "/verify/CH/26CH000001?d=" + "f" * 65,  # a digest too long
        "/verify/CHE/26CH000001?d=0123456789abcdef",  # not a Party code
        "/verify/CH/" + "9" * 36 + "?d=0123456789abcdef",  # a number too long
        "/verify/C%C3%A9/26CH000001?d=z%27%3B--",  # odd characters
    ],
)
def test_odd_input_gets_a_json_error(api: Api, path: str) -> None:
    response = api.client.get(path)
    assert response.status_code in (404, 422), response.text
    assert set(response.json()) == {"code", "message", "details"}
