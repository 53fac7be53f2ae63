"""The sign-in limits over HTTP: ``POST /api/v1/auth/token`` answers 429 JSON with a stable
code and ``Retry-After``, the browser's sign-in page answers 429 in the page's language; both
count in the same place. The app's clock is moved instead of sleeping."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.factories import PASSWORD, Api
from tests.web.conftest import Browser, username_of

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
TOKEN = "/api/v1/auth/token"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(app) -> Clock:
    clock = Clock()
    app.state.clock = clock
    return clock


@pytest.fixture
def browser(app, api: Api) -> Iterator[Browser]:
    with TestClient(app, base_url="http://testserver") as client:
        yield Browser(client)


def test_the_api_refuses_the_sixth_login_with_429_then_allows_it(api: Api, clock: Clock) -> None:
    username = username_of(api, api.trader())
    for _ in range(5):
        wrong = api.client.post(TOKEN, json={"username": username, "password": "wrong-password"})
        assert wrong.status_code == 401
        assert wrong.json()["code"] == "invalid_credentials"
        clock.now += timedelta(seconds=1)

    refused = api.client.post(TOKEN, json={"username": username, "password": PASSWORD})
    assert refused.status_code == 429, refused.text
    body = refused.json()
    assert set(body) == {"code", "message", "details"}
    assert body["code"] == "too_many_sign_in_attempts"
    assert body["details"] == {"retry_after_seconds": 15 * 60 - 1}
    assert refused.headers["Retry-After"] == str(15 * 60 - 1)
    assert "try again" in body["message"]

    clock.now += timedelta(minutes=15)
    allowed = api.client.post(TOKEN, json={"username": username, "password": PASSWORD})
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["access_token"]


def test_unknown_names_get_the_same_answers_as_known_ones(api: Api, clock: Clock) -> None:
    username = username_of(api, api.trader())

    def answers(name: str) -> list[tuple[int, str]]:
        found = []
        for password in ["wrong-password"] * 5 + [PASSWORD]:
            response = api.client.post(TOKEN, json={"username": name, "password": password})
            found.append((response.status_code, response.json()["code"]))
        return found

    assert answers(username) == answers("no-such-user")
    assert answers("no-such-user")[-1] == (429, "too_many_sign_in_attempts")


def test_the_sign_in_page_refuses_the_sixth_attempt_in_the_page_language(
    api: Api, browser: Browser, clock: Clock
) -> None:
    username = username_of(api, api.trader())
    browser.client.cookies.set("ecites_lang", "fr")
    browser.get("/login")
    for _ in range(5):
        wrong = browser.post("/login", {"username": username, "password": "wrong-password"})
        assert wrong.status_code == 401
        clock.now += timedelta(seconds=1)

    refused = browser.post("/login", {"username": username, "password": PASSWORD})
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(15 * 60 - 1)
    assert '<html lang="fr">' in refused.text
    assert "Trop de tentatives de connexion infructueuses" in refused.text
    assert "15 min" in refused.text
    assert 'class="error-summary"' in refused.text
    assert browser.get("/dashboard", follow_redirects=False).status_code == 303

    clock.now += timedelta(minutes=15)
    browser.get("/login")
    allowed = browser.post("/login", {"username": username, "password": PASSWORD})
    assert allowed.status_code == 303
    assert allowed.headers["location"] == "/dashboard"


def test_the_page_and_the_api_count_together(api: Api, browser: Browser, clock: Clock) -> None:
    username = username_of(api, api.trader())
    for _ in range(3):
        api.client.post(TOKEN, json={"username": username, "password": "wrong-password"})
    browser.get("/login")
    for _ in range(2):
        browser.post("/login", {"username": username, "password": "wrong-password"})
    refused = api.client.post(TOKEN, json={"username": username, "password": PASSWORD})
    assert refused.status_code == 429
    page = browser.post("/login", {"username": username, "password": PASSWORD})
    assert page.status_code == 429
    assert "Too many failed attempts to sign in" in page.text


def test_one_address_cannot_try_many_accounts_over_http(app, api: Api, clock: Clock) -> None:
    username = username_of(api, api.trader())
    with TestClient(app, client=("203.0.113.9", 4000)) as guesser:
        for i in range(20):
            response = guesser.post(TOKEN, json={"username": f"guess{i}", "password": "x"})
            assert response.status_code == 401
        refused = guesser.post(TOKEN, json={"username": username, "password": PASSWORD})
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_sign_in_attempts"
    # another address is not concerned
    assert api.client.post(TOKEN, json={"username": username, "password": PASSWORD}).is_success


def test_the_openapi_document_lists_the_429_answer(api: Api) -> None:
    operation = api.client.get("/openapi.json").json()["paths"][TOKEN]["post"]
    answer = operation["responses"]["429"]
    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert "Retry-After" in answer["headers"]
    assert "too_many_sign_in_attempts" in answer["description"]
