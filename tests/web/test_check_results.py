"""Check results on the application page: blocks and warnings, each explained in the page's
language, and the officer's acknowledgement of the warnings before approving."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.core.actor import Actor
from app.core.db import unit_of_work
from app.species import importing
from app.web import i18n
from tests.web.conftest import application_form, username_of

ELEPHANTS = {
    "purpose_code": "T",
    "lines-0-scientific_name": "Loxodonta africana",
    "lines-0-common_name": "African elephant",
    "lines-0-term_code": "TUS",
    "lines-0-appendix": "I",
    "lines-0-source_code": "W",
    "lines-0-origin_country": "KE",
}


@pytest.fixture
def reference(session_factory: sessionmaker[Session]) -> None:
    with unit_of_work(session_factory) as session:
        importing.import_reference(session, actor=Actor.system("test"))


def test_blocks_and_warnings_are_explained_and_warnings_acknowledged(
    reference, api, browser, other_browser
) -> None:
    trader, officer = api.trader(), api.user("officer")
    browser.sign_in(username_of(api, trader))
    submitted = browser.post("/applications/new", application_form(action="submit", **ELEPHANTS))
    assert submitted.status_code == 303, submitted.text
    page = browser.get(submitted.headers["location"])
    assert "Blocks issuance" in page.text
    assert "primarily commercial purposes" in page.text  # the explanation of the check
    assert "Art. III(3)(c)" in page.text  # and the check's own detail, marked as English
    assert '<span lang="en">' in page.text

    browser.client.cookies.set(i18n.COOKIE_NAME, "es")
    spanish = browser.get(submitted.headers["location"])
    assert "Impide la expedición" in spanish.text

    application_url = submitted.headers["location"].split("?")[0]
    other_browser.sign_in(username_of(api, officer))
    refused = other_browser.post(f"{application_url}/decision", {"action": "approve"})
    assert refused.status_code == 409
    assert 'href="#f-acknowledge"' in refused.text
    assert 'aria-describedby="f-acknowledge-error"' in refused.text
    approved = other_browser.post(
        f"{application_url}/decision", {"action": "approve", "acknowledge_warnings": "yes"}
    )
    assert approved.status_code == 303, approved.text
    blocked = other_browser.post(f"{application_url}/decision", {"action": "issue"})
    assert blocked.status_code == 409
    assert "an administrator must override them first" in blocked.text
    permits = api.client.get("/api/v1/permits", headers=officer).json()
    assert permits["total"] == 0


def test_species_names_are_suggested(reference, api, browser) -> None:
    trader = api.trader()
    browser.sign_in(username_of(api, trader))
    found = browser.get("/species/suggest?q=Loxodonta")
    assert found.status_code == 200
    assert "Loxodonta africana" in [item["name"] for item in found.json()]
    assert browser.get("/species/suggest?q=Lo").json() == []  # too short to search
    # without the script: the form sent back lists the names matching what was typed
    partial = application_form(action="add_line", **{"lines-0-scientific_name": "Loxodonta"})
    page = browser.post("/applications/new", partial)
    assert '<option value="Loxodonta africana"' in page.text


def test_suggestions_need_a_session(api, browser) -> None:
    response = browser.get("/species/suggest?q=Loxodonta", follow_redirects=False)
    assert response.status_code == 303
