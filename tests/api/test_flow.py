"""The permit's life through HTTP: draft -> submit -> approve -> issue -> cancel, and the
return-for-changes loop. Runs on every backend."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import Api, application_body


def test_draft_submit_approve_issue_cancel(api: Api) -> None:
    c = api.client
    trader = api.trader()
    officer = api.user("officer")

    created = c.post("/api/v1/applications", headers=trader, json=application_body())
    assert created.status_code == 201
    application = created.json()
    assert application["status"] == "draft"
    assert application["lines"][0]["letter"] == "A"
    assert application["lines"][0]["unit_code"] == "NAR"  # blank unit means number
    app_id = application["id"]

    assert (
        c.post(f"/api/v1/applications/{app_id}/submit", headers=trader).json()["status"]
        == "submitted"
    )
    queue = c.get(
        "/api/v1/applications",
        headers=officer,
        params={"status": "submitted", "sort": "submitted_at"},
    ).json()
    assert [item["id"] for item in queue["items"]] == [app_id]
    assert (
        c.post(f"/api/v1/applications/{app_id}/approve", headers=officer).json()["status"]
        == "approved"
    )

    issued = c.post(f"/api/v1/applications/{app_id}/issue", headers=officer)
    assert issued.status_code == 201, issued.text
    permit = issued.json()
    assert re.fullmatch(r"\d{2}CH\d{6}", permit["number"])
    assert permit["number"].endswith("000001")
    assert permit["status"] == "valid"
    valid_from = date.fromisoformat(permit["valid_from"])
    valid_until = date.fromisoformat(permit["valid_until"])
    assert 181 <= (valid_until - valid_from).days <= 184  # six months for an export permit
    assert c.get(f"/api/v1/applications/{app_id}", headers=trader).json()["status"] == "issued"

    # the trader sees the permit; the officer cancels it
    assert (
        c.get(f"/api/v1/permits/{permit['id']}", headers=trader).json()["number"]
        == (permit["number"])
    )
    cancelled = c.post(
        f"/api/v1/permits/{permit['id']}/cancel",
        headers=officer,
        json={"reason": "the consignment was not shipped"},
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["status_reason"] == "the consignment was not shipped"

    # a cancelled permit cannot be cancelled again: a clear 409
    again = c.post(
        f"/api/v1/permits/{permit['id']}/cancel", headers=officer, json={"reason": "twice"}
    )
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
    assert again.json()["details"]["state"] == "cancelled"

    # every step is in the audit trail, and the chain verifies
    admin = api.login("admin")
    events = c.get(
        "/api/v1/audit/events",
        headers=admin,
        params={"object_type": "application", "object_id": str(app_id)},
    ).json()
    actions = [e["action"] for e in reversed(events["items"])]
    assert actions == [
        "application.create",
        "application.submit",
        "application.approve",
        "application.issue",
    ]
    permit_events = c.get(
        "/api/v1/audit/events", headers=admin, params={"object_type": "permit"}
    ).json()
    assert {e["action"] for e in permit_events["items"]} == {"permit.issue", "permit.cancel"}
    assert c.get("/api/v1/audit/verify", headers=admin).json()["ok"] is True


def test_return_for_changes_loop(api: Api) -> None:
    c = api.client
    trader = api.trader()
    officer = api.user("officer")
    app_id = api.submitted_application(trader)

    # a submitted application cannot be edited
    locked = c.put(f"/api/v1/applications/{app_id}", headers=trader, json=application_body())
    assert locked.status_code == 409

    returned = c.post(
        f"/api/v1/applications/{app_id}/return",
        headers=officer,
        json={"comment": "state the quantity in kilograms"},
    )
    assert returned.json()["status"] == "returned"
    assert returned.json()["officer_comment"] == "state the quantity in kilograms"

    edited_body = application_body(
        lines=[
            {
                "scientific_name": "Python regius",
                "term_code": "SKI",
                "quantity": "1.5",
                "unit_code": "KIL",
                "appendix": "2",
                "source_code": "C",
            }
        ]
    )
    edited = c.put(f"/api/v1/applications/{app_id}", headers=trader, json=edited_body)
    assert edited.status_code == 200, edited.text
    line = edited.json()["lines"][0]
    assert (line["unit_code"], line["appendix"], line["term_code"]) == ("KGM", "II", "SKI")
    assert edited.json()["status"] == "returned"

    assert (
        c.post(f"/api/v1/applications/{app_id}/submit", headers=trader).json()["status"]
        == "submitted"
    )
    approved = c.post(f"/api/v1/applications/{app_id}/approve", headers=officer)
    assert approved.json()["status"] == "approved"
    issued = c.post(f"/api/v1/applications/{app_id}/issue", headers=officer)
    assert issued.status_code == 201


def test_refuse_and_withdraw(api: Api) -> None:
    c = api.client
    trader = api.trader()
    officer = api.user("officer")
    refused_id = api.submitted_application(trader)
    refused = c.post(
        f"/api/v1/applications/{refused_id}/refuse",
        headers=officer,
        json={"reason": "Appendix I specimen for commercial purposes"},
    )
    assert refused.json()["status"] == "refused"
    assert refused.json()["refusal_reason"].startswith("Appendix I")
    assert c.post(f"/api/v1/applications/{refused_id}/approve", headers=officer).status_code == 409

    withdrawn_id = api.submitted_application(trader)
    withdrawn = c.post(f"/api/v1/applications/{withdrawn_id}/withdraw", headers=trader)
    assert withdrawn.json()["status"] == "withdrawn"
    assert c.post(f"/api/v1/applications/{withdrawn_id}/submit", headers=trader).status_code == 409


def test_issue_with_shorter_validity_and_replace(api: Api) -> None:
    c = api.client
    trader = api.trader()
    officer = api.user("officer")
    app_id = api.submitted_application(trader)
    c.post(f"/api/v1/applications/{app_id}/approve", headers=officer)

    too_long = c.post(
        f"/api/v1/applications/{app_id}/issue", headers=officer, json={"valid_until": "2099-01-01"}
    )
    assert too_long.status_code == 422
    assert too_long.json()["code"] == "validity_too_long"
    # the refused issuance changed nothing: the application is still approved
    assert c.get(f"/api/v1/applications/{app_id}", headers=officer).json()["status"] == "approved"

    short = (
        date.today().replace(day=1).isoformat()
        if date.today().day > 1
        else (date.today().isoformat())
    )
    issued = c.post(
        f"/api/v1/applications/{app_id}/issue",
        headers=officer,
        json={"valid_until": date.today().isoformat()},
    )
    assert issued.status_code == 201, (issued.text, short)
    old = issued.json()
    assert old["valid_until"] == date.today().isoformat()
    assert old["number"].endswith("000001")  # the refused attempt used no number

    replacement = c.post(
        f"/api/v1/permits/{old['id']}/replace",
        headers=officer,
        json={"reason": "original lost in transit"},
    )
    assert replacement.status_code == 201, replacement.text
    new = replacement.json()
    assert new["number"] != old["number"]
    assert new["replaces_number"] == old["number"]
    assert new["replacement_reason"] == "original lost in transit"
    assert c.get(f"/api/v1/permits/{old['id']}", headers=officer).json()["status"] == "replaced"
    listed = c.get("/api/v1/permits", headers=trader, params={"status": "valid"}).json()
    assert [p["number"] for p in listed["items"]] == [new["number"]]
    # the application's permits: the first and its replacement, newest first
    of_app = c.get("/api/v1/permits", headers=trader, params={"application_id": app_id}).json()
    assert [p["number"] for p in of_app["items"]] == [new["number"], old["number"]]
    none = c.get("/api/v1/permits", headers=officer, params={"application_id": app_id + 1000})
    assert none.json()["items"] == []


def test_a_failed_commit_is_never_reported_as_success(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request's transaction commits before the response is sent: if the commit fails,
    the client gets an error, and nothing was stored."""
    trader = api.trader()

    def failing_commit(self: Session) -> None:
        raise OSError("disk full")

    quiet_client = TestClient(api.client.app, raise_server_exceptions=False)
    with monkeypatch.context() as patch:
        patch.setattr(Session, "commit", failing_commit)
        response = quiet_client.post(
            "/api/v1/applications", headers=trader, json=application_body()
        )
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "disk full" not in response.text  # no internals leak
    assert api.client.get("/api/v1/applications", headers=trader).json()["total"] == 0


def test_blank_or_omitted_unit_means_number(api: Api) -> None:
    body = application_body()
    del body["lines"][0]["unit_code"]
    created = api.client.post("/api/v1/applications", headers=api.trader(), json=body)
    assert created.status_code == 201, created.text
    assert created.json()["lines"][0]["unit_code"] == "NAR"


def test_unknown_code_names_the_list_and_its_version(api: Api) -> None:
    body = application_body(purpose_code="K")
    response = api.client.post("/api/v1/applications", headers=api.trader(), json=body)
    assert response.status_code == 422
    [problem] = response.json()["details"]
    assert problem["loc"] == ["body", "purpose_code"]
    assert problem["code"] == "unknown_code"
    assert problem["details"]["list"] == "purpose"
    assert problem["details"]["version"]


def test_list_filters_refuse_unknown_states(api: Api) -> None:
    officer = api.user("officer")
    for path in ("/api/v1/applications", "/api/v1/permits"):
        response = api.client.get(path, headers=officer, params={"status": "approvd"})
        assert response.status_code == 422
        assert response.json()["details"][0]["loc"] == ["query", "status", 0]


def test_logins_are_audited_with_the_client_address(api: Api) -> None:
    api.login("admin")
    events = api.client.get(
        "/api/v1/audit/events", headers=api.login("admin"), params={"action": "auth.login"}
    ).json()["items"]
    assert events
    assert events[0]["actor_name"] == "admin"
    assert events[0]["remote_addr"] == "testclient"  # the test client's address
