"""Every form post needs the session's CSRF token: without it, or with another, the post is
refused with a 403 page and nothing changes."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD
from tests.web.conftest import application_form, username_of


def _applications(api) -> int:
    response = api.client.get("/api/v1/applications", headers=api.login("admin"))
    assert response.status_code == 200
    return int(response.json()["total"])


@pytest.mark.parametrize("token", [None, "", "forged-token-that-is-not-the-sessions"])
def test_an_application_post_without_the_token_changes_nothing(api, browser, token) -> None:
    trader = api.trader()
    browser.sign_in(username_of(api, trader))
    data = application_form()
    if token is not None:
        data["csrf_token"] = token
    response = browser.client.post("/applications/new", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "The form has expired" in response.text
    assert _applications(api) == 0


def test_another_sessions_token_is_refused(api, browser, other_browser) -> None:
    organisation = api.organisation()
    mine, theirs = api.trader(organisation), api.trader(organisation)
    browser.sign_in(username_of(api, mine))
    other_browser.sign_in(username_of(api, theirs))
    data = {**application_form(), "csrf_token": other_browser.token}
    response = browser.client.post("/applications/new", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert _applications(api) == 0


def test_a_withdrawal_without_the_token_leaves_the_application_alone(api, browser) -> None:
    trader = api.trader()
    application_id = api.submitted_application(trader)
    browser.sign_in(username_of(api, trader))
    response = browser.client.post(
        f"/applications/{application_id}/withdraw", data={}, follow_redirects=False
    )
    assert response.status_code == 403
    state = api.client.get(f"/api/v1/applications/{application_id}", headers=trader)
    assert state.json()["status"] == "submitted"


def test_a_sign_in_without_the_token_is_refused(api, browser) -> None:
    trader = api.trader()
    browser.get("/login")
    response = browser.client.post(
        "/login",
        data={"username": username_of(api, trader), "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert browser.get("/dashboard", follow_redirects=False).status_code == 303


def test_an_officer_decision_without_the_token_changes_nothing(api, browser) -> None:
    trader, officer = api.trader(), api.user("officer")
    application_id = api.submitted_application(trader)
    browser.sign_in(username_of(api, officer))
    response = browser.client.post(
        f"/applications/{application_id}/decision",
        data={"action": "approve"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    state = api.client.get(f"/api/v1/applications/{application_id}", headers=officer)
    assert state.json()["status"] == "submitted"


def test_sign_out_needs_the_token(api, browser) -> None:
    trader = api.trader()
    browser.sign_in(username_of(api, trader))
    response = browser.client.post("/logout", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert browser.get("/dashboard", follow_redirects=False).status_code == 200
