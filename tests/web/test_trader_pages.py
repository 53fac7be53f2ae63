"""The trader's pages: the dashboard, the new-application form (save, submit, errors, more
lines), changes after a return, withdrawal, and another organisation's pages."""

from __future__ import annotations

import re
from typing import Any

from tests.web.conftest import application_form, username_of


def _application(api, headers, application_id: int) -> dict[str, Any]:
    response = api.client.get(f"/api/v1/applications/{application_id}", headers=headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def _id_from(location: str) -> int:
    found = re.match(r"^/applications/(\d+)\?done=", location)
    assert found, location
    return int(found.group(1))


def test_save_a_draft_then_submit_it(api, browser) -> None:
    trader = api.trader()
    browser.sign_in(username_of(api, trader))
    form = browser.get("/applications/new")
    assert form.status_code == 200
    assert 'id="f-lines-0-scientific_name"' in form.text
    assert 'list="species-names"' in form.text

    saved = browser.post("/applications/new", application_form(action="save"))
    assert saved.status_code == 303, saved.text
    application_id = _id_from(saved.headers["location"])
    assert _application(api, trader, application_id)["status"] == "draft"

    page = browser.get(saved.headers["location"])
    assert "The draft has been saved." in page.text
    assert "Python regius" in page.text
    dashboard = browser.get("/dashboard")
    assert f'href="/applications/{application_id}"' in dashboard.text
    assert "Draft" in dashboard.text

    submitted = browser.post(f"/applications/{application_id}/submit")
    assert submitted.status_code == 303
    assert _application(api, trader, application_id)["status"] == "submitted"
    page = browser.get(submitted.headers["location"])
    assert "The application has been submitted." in page.text
    assert "Check results" in page.text
    assert "At submission" in page.text


def test_save_and_submit_at_once(api, browser) -> None:
    trader = api.trader()
    browser.sign_in(username_of(api, trader))
    response = browser.post("/applications/new", application_form(action="submit"))
    assert response.status_code == 303
    application_id = _id_from(response.headers["location"])
    assert _application(api, trader, application_id)["status"] == "submitted"


def test_errors_are_summarised_and_linked_to_their_fields(api, browser) -> None:
    trader = api.trader()
    browser.sign_in(username_of(api, trader))
    bad = application_form(
        counterparty_name="",
        counterparty_country="ZZ",
        **{"lines-0-quantity": "-3", "lines-0-scientific_name": "python regius"},
    )
    response = browser.post("/applications/new", bad)
    assert response.status_code == 422
    assert 'class="error-summary"' in response.text
    for field in (
        "counterparty_name",
        "counterparty_country",
        "lines-0-quantity",
        "lines-0-scientific_name",
    ):
        assert f'href="#f-{field}"' in response.text, field
        assert f'id="f-{field}"' in response.text
        assert f'aria-describedby="f-{field}-error"' in response.text or (
            f"f-{field}-hint f-{field}-error" in response.text
        )
    assert 'value="python regius"' in response.text  # what was typed is kept
    assert "Enter a quantity greater than zero." in response.text
    listed = api.client.get("/api/v1/applications", headers=trader).json()
    assert listed["total"] == 0


def test_another_line_can_be_added_without_saving(api, browser) -> None:
    trader = api.trader()
    browser.sign_in(username_of(api, trader))
    response = browser.post("/applications/new", application_form(action="add_line"))
    assert response.status_code == 200
    assert 'id="f-lines-1-scientific_name"' in response.text
    assert api.client.get("/api/v1/applications", headers=trader).json()["total"] == 0
    two = application_form(
        action="save",
        **{
            "lines-1-scientific_name": "Aloe ferox",
            "lines-1-term_code": "EXT",
            "lines-1-quantity": "12.5",
            "lines-1-unit_code": "KGM",
            "lines-1-appendix": "II",
            "lines-1-source_code": "W",
            "lines-1-origin_country": "ZA",
        },
    )
    saved = browser.post("/applications/new", two)
    assert saved.status_code == 303, saved.text
    lines = _application(api, trader, _id_from(saved.headers["location"]))["lines"]
    assert [(line["letter"], line["unit_code"]) for line in lines] == [("A", "NAR"), ("B", "KGM")]


def test_a_returned_application_is_changed_and_submitted_again(api, browser) -> None:
    trader, officer = api.trader(), api.user("officer")
    application_id = api.submitted_application(trader)
    returned = api.client.post(
        f"/api/v1/applications/{application_id}/return",
        headers=officer,
        json={"comment": "Give the origin permit number"},
    )
    assert returned.status_code == 200
    browser.sign_in(username_of(api, trader))
    page = browser.get(f"/applications/{application_id}")
    assert "Give the origin permit number" in page.text
    form = browser.get(f"/applications/{application_id}/edit")
    assert form.status_code == 200
    assert 'value="Jardin des Plantes"' in form.text
    changed = application_form(action="submit", **{"lines-0-origin_permit_number": "CH-0042"})
    response = browser.post(f"/applications/{application_id}/edit", changed)
    assert response.status_code == 303, response.text
    application = _application(api, trader, application_id)
    assert application["status"] == "submitted"
    assert application["lines"][0]["origin_permit_number"] == "CH-0042"


def test_a_submitted_application_cannot_be_edited(api, browser) -> None:
    trader = api.trader()
    application_id = api.submitted_application(trader)
    browser.sign_in(username_of(api, trader))
    page = browser.get(f"/applications/{application_id}/edit")
    assert page.status_code == 409
    assert "not possible in the application" in page.text
    response = browser.post(f"/applications/{application_id}/edit", application_form())
    assert response.status_code == 409
    assert _application(api, trader, application_id)["status"] == "submitted"


def test_withdraw(api, browser) -> None:
    trader = api.trader()
    application_id = api.submitted_application(trader)
    browser.sign_in(username_of(api, trader))
    response = browser.post(f"/applications/{application_id}/withdraw")
    assert response.status_code == 303
    assert _application(api, trader, application_id)["status"] == "withdrawn"
    again = browser.post(f"/applications/{application_id}/withdraw")
    assert again.status_code == 409
    assert 'class="error-summary"' in again.text


def test_another_organisations_pages_are_not_found(api, browser) -> None:
    mine, theirs, officer = api.trader(), api.trader(), api.user("officer")
    application_id = api.submitted_application(theirs)
    api.client.post(f"/api/v1/applications/{application_id}/approve", headers=officer)
    issued = api.client.post(f"/api/v1/applications/{application_id}/issue", headers=officer)
    assert issued.status_code == 201, issued.text
    permit_id = issued.json()["id"]
    browser.sign_in(username_of(api, mine))
    for url in (
        f"/applications/{application_id}",
        f"/applications/{application_id}/edit",
        f"/permits/{permit_id}.xml",
        f"/permits/{permit_id}.pdf",
    ):
        response = browser.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in response.text
    withdrawn = browser.post(f"/applications/{application_id}/withdraw")
    assert withdrawn.status_code == 404
    assert _application(api, officer, application_id)["status"] == "issued"
    dashboard = browser.get("/dashboard").text
    assert f'href="/applications/{application_id}"' not in dashboard
    assert "You have no applications yet." in dashboard


def test_a_trader_cannot_use_the_officer_pages(api, browser) -> None:
    trader = api.trader()
    application_id = api.submitted_application(trader)
    browser.sign_in(username_of(api, trader))
    assert browser.get("/officer/queue").status_code == 403
    response = browser.post(f"/applications/{application_id}/decision", {"action": "approve"})
    assert response.status_code == 403
    assert _application(api, trader, application_id)["status"] == "submitted"


def test_bad_addresses_get_a_page_not_a_crash(api, browser) -> None:
    trader = api.trader()
    browser.sign_in(username_of(api, trader))
    assert browser.get("/applications/0").status_code == 400
    assert browser.get("/applications/99999").status_code == 404
    assert browser.get("/dashboard?page=-1").status_code == 400
    assert browser.get("/language/de").status_code == 404


def test_an_empty_form_reports_every_required_field(api, browser) -> None:
    trader = api.trader()
    browser.sign_in(username_of(api, trader))
    empty = dict.fromkeys(application_form(), "") | {"action": "save", "document_type": "E"}
    response = browser.post("/applications/new", empty)
    assert response.status_code == 422
    for field in (
        "counterparty_name",
        "counterparty_address",
        "counterparty_country",
        "purpose_code",
        "lines-0-scientific_name",
        "lines-0-term_code",
        "lines-0-quantity",
        "lines-0-appendix",
        "lines-0-source_code",
    ):
        assert f'href="#f-{field}"' in response.text, field
    assert "This field is required." in response.text
    assert "This value is not valid." not in response.text
