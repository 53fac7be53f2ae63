"""The officer's pages: the work queue and its filters, decisions (approve, refuse, return,
issue, cancel, replace) through the application page, and the trader's downloads after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import application_body
from tests.web.conftest import username_of


def _status(api, headers, application_id: int) -> str:
    response = api.client.get(f"/api/v1/applications/{application_id}", headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["status"])


def test_the_queue_lists_and_filters_submitted_applications(api, browser) -> None:
    trader, officer = api.trader(), api.user("officer")
    export_id = api.submitted_application(trader)
    import_id = api.submitted_application(
        trader, **{**application_body(), "document_type": "I", "purpose_code": "Z"}
    )
    draft = api.client.post("/api/v1/applications", headers=trader, json=application_body())
    draft_id = draft.json()["id"]
    browser.sign_in(username_of(api, officer))
    queue = browser.get("/officer/queue")
    assert queue.status_code == 200
    for application_id in (export_id, import_id):
        assert f'href="/applications/{application_id}"' in queue.text
    assert f'href="/applications/{draft_id}"' not in queue.text
    only_imports = browser.get("/officer/queue?status=submitted&document_type=I")
    assert f'href="/applications/{import_id}"' in only_imports.text
    assert f'href="/applications/{export_id}"' not in only_imports.text
    everything = browser.get("/officer/queue?status=&submitted_from=2000-01-01")
    assert f'href="/applications/{export_id}"' in everything.text
    none_yet = browser.get("/officer/queue?status=submitted&submitted_to=2000-01-01")
    assert "Applications found: 0" in none_yet.text
    assert browser.get("/officer/queue?status=bogus").status_code == 400
    assert browser.get("/officer/queue?submitted_from=yesterday").status_code == 400


def test_approve_issue_and_the_trader_downloads_the_permit(api, browser, other_browser) -> None:
    trader, officer = api.trader(), api.user("officer")
    application_id = api.submitted_application(trader)
    browser.sign_in(username_of(api, officer))
    page = browser.get(f"/applications/{application_id}")
    assert "Decision" in page.text
    assert "History" in page.text
    assert "Submitted" in page.text

    approved = browser.post(f"/applications/{application_id}/decision", {"action": "approve"})
    assert approved.status_code == 303, approved.text
    assert _status(api, officer, application_id) == "approved"
    issued = browser.post(f"/applications/{application_id}/decision", {"action": "issue"})
    assert issued.status_code == 303, issued.text
    assert _status(api, officer, application_id) == "issued"
    page = browser.get(issued.headers["location"])
    assert "The permit has been issued." in page.text
    assert "Permit issued" in page.text  # the history

    permits = api.client.get("/api/v1/permits", headers=trader).json()["items"]
    assert len(permits) == 1
    permit = permits[0]
    other_browser.sign_in(username_of(api, trader))
    dashboard = other_browser.get("/dashboard")
    assert permit["number"] in dashboard.text
    assert f'href="/permits/{permit["id"]}.pdf"' in dashboard.text
    xml = other_browser.get(f"/permits/{permit['id']}.xml")
    assert xml.status_code == 200
    assert xml.headers["content-type"].startswith("application/xml")
    assert b"CITESEPermit" in xml.content
    pdf = other_browser.get(f"/permits/{permit['id']}.pdf")
    assert pdf.status_code == 200, pdf.text[:500]
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_refusal_needs_a_reason(api, browser) -> None:
    trader, officer = api.trader(), api.user("officer")
    application_id = api.submitted_application(trader)
    browser.sign_in(username_of(api, officer))
    page = browser.get(f"/applications/{application_id}")
    assert 'name="refuse-reason"' in page.text  # what the browser sends, as posted below
    response = browser.post(
        f"/applications/{application_id}/decision", {"action": "refuse", "refuse-reason": " "}
    )
    assert response.status_code == 422
    assert 'href="#f-refuse-reason"' in response.text
    assert 'id="f-refuse-reason"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert _status(api, officer, application_id) == "submitted"
    refused = browser.post(
        f"/applications/{application_id}/decision",
        {"action": "refuse", "refuse-reason": "Appendix I specimens for commercial purposes"},
    )
    assert refused.status_code == 303
    assert _status(api, officer, application_id) == "refused"


def test_return_for_changes_reaches_the_trader(api, browser, other_browser) -> None:
    trader, officer = api.trader(), api.user("officer")
    application_id = api.submitted_application(trader)
    browser.sign_in(username_of(api, officer))
    assert 'name="return-comment"' in browser.get(f"/applications/{application_id}").text
    response = browser.post(
        f"/applications/{application_id}/decision",
        {"action": "return", "return-comment": "Add the marks of the specimens"},
    )
    assert response.status_code == 303
    assert _status(api, officer, application_id) == "returned"
    other_browser.sign_in(username_of(api, trader))
    page = other_browser.get(f"/applications/{application_id}")
    assert "Add the marks of the specimens" in page.text
    assert f'href="/applications/{application_id}/edit"' in page.text


def test_a_decision_in_the_wrong_state_is_explained(api, browser) -> None:
    trader, officer = api.trader(), api.user("officer")
    application_id = api.submitted_application(trader)
    browser.sign_in(username_of(api, officer))
    response = browser.post(f"/applications/{application_id}/decision", {"action": "issue"})
    assert response.status_code == 409
    assert 'class="error-summary"' in response.text
    assert _status(api, officer, application_id) == "submitted"
    unknown = browser.post(f"/applications/{application_id}/decision", {"action": "delete"})
    assert unknown.status_code == 422
    bad_date = browser.post(
        f"/applications/{application_id}/decision",
        {"action": "issue", "issue-valid-until": "soon"},
    )
    assert bad_date.status_code == 422
    assert 'href="#f-issue-valid-until"' in bad_date.text


def test_cancel_and_replace_a_permit(api, browser) -> None:
    trader, officer = api.trader(), api.user("officer")
    permit = api.issued_permit(trader, officer)
    browser.sign_in(username_of(api, officer))
    reason = f"permit-{permit['id']}-reason"
    page = browser.get(f"/applications/{permit['application_id']}")
    assert f'name="{reason}"' in page.text
    no_reason = browser.post(f"/permits/{permit['id']}/status", {"action": "cancel", reason: ""})
    assert no_reason.status_code == 422
    assert f'href="#f-permit-{permit["id"]}-reason"' in no_reason.text
    replaced = browser.post(
        f"/permits/{permit['id']}/status", {"action": "replace", reason: "Lost in transit"}
    )
    assert replaced.status_code == 303, replaced.text
    permits = api.client.get("/api/v1/permits", headers=officer).json()["items"]
    by_status = {p["status"]: p for p in permits}
    assert set(by_status) == {"replaced", "valid"}
    new = by_status["valid"]
    cancelled = browser.post(
        f"/permits/{new['id']}/status",
        {"action": "cancel", f"permit-{new['id']}-reason": "Trade abandoned"},
    )
    assert cancelled.status_code == 303
    page = browser.get(cancelled.headers["location"])
    assert "The permit has been cancelled." in page.text
    statuses = {
        p["status"] for p in api.client.get("/api/v1/permits", headers=officer).json()["items"]
    }
    assert statuses == {"replaced", "cancelled"}


def test_a_shorter_validity_typed_on_the_page_is_the_permits(api, browser) -> None:
    trader, officer = api.trader(), api.user("officer")
    application_id = api.submitted_application(trader)
    browser.sign_in(username_of(api, officer))
    approved = browser.post(f"/applications/{application_id}/decision", {"action": "approve"})
    assert approved.status_code == 303
    page = browser.get(f"/applications/{application_id}")
    assert 'name="issue-valid-until"' in page.text
    until = (datetime.now(UTC).date() + timedelta(days=30)).isoformat()
    issued = browser.post(
        f"/applications/{application_id}/decision",
        {"action": "issue", "issue-valid-until": until},
    )
    assert issued.status_code == 303, issued.text
    [permit] = api.client.get("/api/v1/permits", headers=officer).json()["items"]
    assert permit["valid_until"] == until
