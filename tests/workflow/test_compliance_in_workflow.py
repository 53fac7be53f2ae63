"""The compliance checks in the workflow, end to end through the API: run at submission and
approval, warnings acknowledged, a block prevents issuance until an administrator overrides it
in writing, and the override is audited."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.core.actor import Actor
from app.core.db import unit_of_work
from app.species import importing
from tests.factories import Api

V1 = "/api/v1"


@pytest.fixture
def reference(session_factory: sessionmaker[Session]) -> None:
    with unit_of_work(session_factory) as session:
        importing.import_reference(session, actor=Actor.system("test"))


def _elephants(**overrides: Any) -> dict[str, Any]:
    line = {
        "scientific_name": "Loxodonta africana",
        "common_name": "African elephant",
        "term_code": "TUS",
        "quantity": "2",
        "unit_code": "",
        "appendix": "I",
        "source_code": "W",
        "origin_country": "KE",
    }
    return {"purpose_code": "T", "lines": [line | overrides]}


def test_appendix_i_commercial_is_blocked_until_overridden(reference: None, api: Api) -> None:
    trader, officer, admin = api.trader(), api.user("officer"), api.login("admin")
    application_id = api.submitted_application(trader, **_elephants())
    path = f"{V1}/applications/{application_id}"

    [submitted] = api.client.get(f"{path}/checks", headers=trader).json()
    assert submitted["stage"] == "submission"
    assert submitted["blocked"] is True
    assert submitted["snapshot_id"] is not None
    codes = {r["code"]: r for r in submitted["results"]}
    assert "Art. III(3)(c)" in codes["appendix_i_commercial"]["message"]

    # warnings (the destination's import permit) are acknowledged at approval
    refused = api.client.post(f"{path}/approve", headers=officer)
    assert (refused.status_code, refused.json()["code"]) == (409, "warnings_not_acknowledged")
    approved = api.client.post(
        f"{path}/approve", headers=officer, json={"acknowledge_warnings": True}
    )
    assert approved.status_code == 200, approved.text

    blocked = api.client.post(f"{path}/issue", headers=officer)
    assert (blocked.status_code, blocked.json()["code"]) == (409, "blocked_by_checks")
    assert "appendix_i_commercial" in blocked.json()["message"]

    too_short = api.client.post(f"{path}/checks/override", headers=admin, json={"reason": "ok"})
    assert too_short.status_code == 422
    officer_try = api.client.post(
        f"{path}/checks/override", headers=officer, json={"reason": "the officer is sure of it"}
    )
    assert officer_try.status_code == 403
    overridden = api.client.post(
        f"{path}/checks/override",
        headers=admin,
        json={"reason": "pre-Convention tusks: certificate checked by the Scientific Authority"},
    )
    assert overridden.status_code == 200, overridden.text
    assert overridden.json()["override_reason"].startswith("pre-Convention")

    again = api.client.post(
        f"{path}/checks/override", headers=admin, json={"reason": "a second opinion on it"}
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_overridden")

    issued = api.client.post(f"{path}/issue", headers=officer)
    assert issued.status_code == 201, issued.text
    # approving again is the workflow's refusal, not the checks'
    twice = api.client.post(f"{path}/approve", headers=officer)
    assert (twice.status_code, twice.json()["code"]) == (409, "invalid_transition")
    events = api.client.get(
        f"{V1}/audit/events", headers=admin, params={"action": "checks.override"}
    ).json()["items"]
    assert [e["action"] for e in events] == ["checks.override"]
    assert events[0]["details"]["codes"] == ["appendix_i_commercial"]

    runs = api.client.get(f"{path}/checks", headers=officer).json()
    assert [r["stage"] for r in runs] == ["submission", "approval"]
    assert runs[1]["acknowledged_by_id"] is not None


def test_a_clean_application_passes_without_ceremony(reference: None, api: Api) -> None:
    officer = api.user("officer")
    permit = api.issued_permit(api.trader(), officer)  # captive-bred ball pythons (II), zoo
    assert permit["number"]


def test_without_reference_data_nothing_blocks(api: Api) -> None:
    trader, officer = api.trader(), api.user("officer")
    application_id = api.submitted_application(trader, **_elephants())
    [run] = api.client.get(f"{V1}/applications/{application_id}/checks", headers=trader).json()
    assert (run["snapshot_id"], run["results"], run["blocked"]) == (None, [], False)
    approved = api.client.post(f"{V1}/applications/{application_id}/approve", headers=officer)
    assert approved.status_code == 200
