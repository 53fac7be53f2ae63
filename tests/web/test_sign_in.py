"""Signing in and out through the browser pages, and the session cookie's flags."""

from __future__ import annotations

import httpx2
from fastapi.testclient import TestClient

from tests.factories import PASSWORD
from tests.web.conftest import csrf_of, username_of


def _cookie_header(response: httpx2.Response, name: str) -> str:
    found = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert found, f"no {name} cookie set"
    return found[-1].lower()


def test_the_login_page_sets_an_anonymous_session_with_safe_flags(api, browser) -> None:
    response = browser.get("/login")
    assert response.status_code == 200
    cookie = _cookie_header(response, "ecites_session")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/" in cookie
    assert "secure" not in cookie  # plain HTTP (a local trial): a Secure cookie would be lost
    assert response.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_the_cookie_is_secure_over_https(app, api) -> None:
    with TestClient(app, base_url="https://testserver") as client:
        response = client.get("/login")
    assert "secure" in _cookie_header(response, "ecites_session")


def test_sign_in_and_out(api, browser) -> None:
    trader = api.trader()
    username = username_of(api, trader)
    assert browser.get("/dashboard", follow_redirects=False).status_code == 303

    response = browser.sign_in(username)
    assert response.headers["location"] == "/dashboard"
    signed_in = _cookie_header(response, "ecites_session")
    assert "httponly" in signed_in
    assert "samesite=lax" in signed_in
    page = browser.get("/dashboard")
    assert page.status_code == 200
    assert username.title() in page.text

    out = browser.post("/logout")
    assert out.status_code == 303
    assert out.headers["location"].startswith("/login")
    assert browser.get("/dashboard", follow_redirects=False).status_code == 303


def test_a_new_session_and_token_at_sign_in(api, browser) -> None:
    trader = api.trader()
    before = csrf_of(browser.get("/login").text)
    browser.sign_in(username_of(api, trader))
    after = csrf_of(browser.get("/dashboard").text)
    assert before != after  # no session fixation: the anonymous token is not kept


def test_a_wrong_password_is_refused_without_a_session(api, browser) -> None:
    trader = api.trader()
    browser.get("/login")
    response = browser.post("/login", {"username": username_of(api, trader), "password": "wrong"})
    assert response.status_code == 401
    assert 'class="error-summary"' in response.text
    assert 'href="#f-username"' in response.text
    assert browser.get("/dashboard", follow_redirects=False).status_code == 303


def test_empty_fields_are_explained(api, browser) -> None:
    browser.get("/login")
    response = browser.post("/login", {"username": "", "password": ""})
    assert response.status_code == 400
    assert "Enter your user name and your password." in response.text


def test_a_page_sends_an_anonymous_visitor_to_sign_in_and_back(api, browser) -> None:
    trader = api.trader()
    response = browser.get("/officer/queue?status=submitted", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/officer/queue%3Fstatus%3Dsubmitted"
    browser.get(response.headers["location"])
    signed = browser.post(
        "/login",
        {"username": username_of(api, trader), "password": PASSWORD, "next": "/applications/new"},
    )
    assert signed.headers["location"] == "/applications/new"


def test_the_next_address_never_leaves_the_site(api, browser) -> None:
    trader = api.trader()
    browser.get("/login")
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = browser.post(
            "/login",
            {"username": username_of(api, trader), "password": PASSWORD, "next": target},
        )
        assert response.headers["location"] == "/dashboard"
        browser.get("/login")


def test_the_json_api_ignores_the_session_cookie(api, browser) -> None:
    trader = api.trader()
    browser.sign_in(username_of(api, trader))
    response = browser.client.get("/api/v1/applications")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert api.client.get("/api/v1/applications", headers=trader).status_code == 200


def test_a_disabled_account_loses_its_session(api, browser) -> None:
    trader = api.trader()
    username = username_of(api, trader)
    browser.sign_in(username)
    me = api.client.get("/api/v1/auth/me", headers=trader)
    assert me.status_code == 200, me.text
    disabled = api.client.post(
        f"/api/v1/users/{me.json()['id']}/disable", headers=api.login("admin")
    )
    assert disabled.status_code == 200, disabled.text
    assert browser.get("/dashboard", follow_redirects=False).status_code == 303
