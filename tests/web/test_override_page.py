"""The administrator's override of blocking check results on the application page: the form
for whoever may override (an administrator), a sentence for the officer, nothing for the
trader; a missing reason changes nothing; with the reason the override is recorded (check
run and audit trail), shown with who and when, and the permit can then be issued."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from babel.dates import format_datetime

from tests.factories import Api
from tests.web.conftest import Browser, approved_but_blocked, username_of

V1 = "/api/v1"
FORM = "/checks/override"
REASON = "Pre-Convention tusks: the certificate was checked by the Scientific Authority"


@pytest.fixture
def blocked(api: Api) -> dict[str, Any]:
    """An approved application whose checks block its permit: Appendix I elephant tusks,
    taken from the wild, for commercial purposes (Art. III(3)(c))."""
    trader, officer = api.trader(), api.user("officer")
    application_id = approved_but_blocked(api, trader, officer)
    runs = api.client.get(f"{V1}/applications/{application_id}/checks", headers=officer).json()
    assert runs[-1]["blocked"] is True
    return {"id": application_id, "trader": trader, "officer": officer}


def _runs(api: Api, application_id: int) -> list[dict[str, Any]]:
    response = api.client.get(
        f"{V1}/applications/{application_id}/checks", headers=api.login("admin")
    )
    assert response.status_code == 200, response.text
    runs: list[dict[str, Any]] = response.json()
    return runs


def _overrides(api: Api) -> list[dict[str, Any]]:
    response = api.client.get(
        f"{V1}/audit/events", headers=api.login("admin"), params={"action": "checks.override"}
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_the_form_is_for_the_administrator_only(
    api: Api,
    blocked: dict[str, Any],
    browser: Browser,
    other_browser: Browser,
    admin_browser: Browser,
) -> None:
    url = f"/applications/{blocked['id']}"
    admin_browser.sign_in("admin")
    page = admin_browser.get(url)
    assert page.status_code == 200
    assert f'action="{url}{FORM}"' in page.text
    assert "Override the blocking checks" in page.text
    assert 'id="f-override-reason"' in page.text
    assert "recorded in the audit trail" in page.text

    browser.sign_in(username_of(api, blocked["officer"]))
    officer_page = browser.get(url)
    assert officer_page.status_code == 200
    assert FORM not in officer_page.text
    assert "An administrator must override these blocking results" in officer_page.text

    other_browser.sign_in(username_of(api, blocked["trader"]))
    trader_page = other_browser.get(url)
    assert trader_page.status_code == 200
    assert FORM not in trader_page.text
    assert "An administrator must override" not in trader_page.text
    assert "These results block the permit until they are resolved." in trader_page.text


def test_no_form_while_nothing_blocks(api: Api, admin_browser: Browser) -> None:
    application_id = api.submitted_application(api.trader())  # no reference data: no block
    admin_browser.sign_in("admin")
    page = admin_browser.get(f"/applications/{application_id}")
    assert page.status_code == 200
    assert FORM not in page.text
    refused = admin_browser.post(
        f"/applications/{application_id}{FORM}", {"override-reason": REASON}
    )
    assert refused.status_code == 404
    assert 'class="error-summary"' in refused.text
    assert "There is no blocking check result to override." in refused.text
    assert _overrides(api) == []


def test_without_a_reason_nothing_changes(
    api: Api, blocked: dict[str, Any], admin_browser: Browser
) -> None:
    admin_browser.sign_in("admin")
    for reason in ("", "   ", "too short"):
        response = admin_browser.post(
            f"/applications/{blocked['id']}{FORM}", {"override-reason": reason}
        )
        assert response.status_code == 400, reason
        assert 'class="error-summary"' in response.text
        assert 'href="#f-override-reason"' in response.text  # the summary leads to the field
        assert 'id="f-override-reason"' in response.text
        assert 'aria-invalid="true"' in response.text
    assert _runs(api, blocked["id"])[-1]["overridden_by_id"] is None
    assert _overrides(api) == []


def test_the_override_is_recorded_shown_and_lets_the_permit_be_issued(
    api: Api, blocked: dict[str, Any], browser: Browser, admin_browser: Browser
) -> None:
    url = f"/applications/{blocked['id']}"
    browser.sign_in(username_of(api, blocked["officer"]))
    before = browser.post(f"{url}/decision", {"action": "issue"})
    assert before.status_code == 409  # the checks block it
    assert "an administrator must override them first" in before.text

    admin_browser.sign_in("admin")
    done = admin_browser.post(f"{url}{FORM}", {"override-reason": REASON})
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"{url}?done=checks_overridden"
    page = admin_browser.get(done.headers["location"])
    assert "The blocking check results have been overridden" in page.text
    assert FORM not in page.text  # done: no second override
    # who, when and why, beside the results and in the history
    who = re.search(
        r"<p>(\w+) overrode the blocking results on (.+?), for this reason: (.+?)</p>", page.text
    )
    assert who is not None, page.text
    assert who.group(1) == "admin"
    assert who.group(3) == REASON
    assert "Checks overridden" in page.text  # the history's line

    [run] = [r for r in _runs(api, blocked["id"]) if r["overridden_by_id"] is not None]
    assert run["override_reason"] == REASON
    [event] = _overrides(api)
    assert event["details"]["reason"] == REASON
    when = datetime.fromisoformat(event["occurred_at"].replace("Z", "+00:00"))
    assert who.group(2) == format_datetime(when, format="medium", locale="en")
    assert event["details"]["codes"] == ["appendix_i_commercial"]
    assert event["actor_name"] == "admin"

    again = admin_browser.post(f"{url}{FORM}", {"override-reason": REASON})
    assert again.status_code == 409
    assert "These check results have been overridden already." in again.text
    assert len(_overrides(api)) == 1

    issued = browser.post(f"{url}/decision", {"action": "issue"})
    assert issued.status_code == 303, issued.text
    status = api.client.get(f"{V1}/applications/{blocked['id']}", headers=blocked["officer"])
    assert status.json()["status"] == "issued"


def test_others_may_not_override(
    api: Api, blocked: dict[str, Any], browser: Browser, other_browser: Browser
) -> None:
    url = f"/applications/{blocked['id']}{FORM}"
    browser.sign_in(username_of(api, blocked["officer"]))
    assert browser.post(url, {"override-reason": REASON}).status_code == 403
    assert browser.post(url, {"override-reason": ""}).status_code == 403  # not told why
    other_browser.sign_in(username_of(api, blocked["trader"]))
    assert other_browser.post(url, {"override-reason": REASON}).status_code == 403
    assert _overrides(api) == []
    assert _runs(api, blocked["id"])[-1]["overridden_by_id"] is None


def test_an_override_without_the_forms_token_changes_nothing(
    api: Api, blocked: dict[str, Any], admin_browser: Browser
) -> None:
    admin_browser.sign_in("admin")
    for token in (None, "forged-token-that-is-not-the-sessions"):
        data = {"override-reason": REASON, **({"csrf_token": token} if token else {})}
        response = admin_browser.client.post(
            f"/applications/{blocked['id']}{FORM}", data=data, follow_redirects=False
        )
        assert response.status_code == 403
        assert "The form has expired" in response.text
    assert _runs(api, blocked["id"])[-1]["overridden_by_id"] is None
    assert _overrides(api) == []
