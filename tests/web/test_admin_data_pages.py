"""The administrator's data pages: organisations, national measures, export quotas and the
audit trail (its content: test_admin_audit_page.py). Each calls the same use case as the API
(so the changes are audited the same way), refuses bad forms without changing anything, and
is open only to the roles the API lets read the same data."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from app.core.actor import Actor
from app.core.db import unit_of_work
from app.species import importing
from tests.factories import Api
from tests.species.ledger_helpers import PYTHONS, YEAR, import_quotas, issued
from tests.web.conftest import Browser, username_of
from tests.web.pages import read

V1 = "/api/v1"
PAGES = ["/admin/organisations", "/admin/measures", "/admin/quotas", "/admin/audit"]
OFFICER_PAGES = ["/admin/organisations", "/admin/measures", "/admin/quotas"]
REASON = "national moratorium on commercial exports of ivory"
ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
CELL = re.compile(r"<td>(.*?)</td>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def rows(html: str) -> list[list[str]]:
    """The body rows of the page's tables, each as its cells' text."""
    found = []
    for row in ROW.findall(html):
        cells = [" ".join(unescape(TAG.sub(" ", c)).split()) for c in CELL.findall(row)]
        if cells:
            found.append(cells)
    return found


def summary_targets(html: str) -> set[str]:
    return {h[3:] for h in read(html).links if h.startswith("#f-")}


def _admin(api: Api, browser: Browser) -> Browser:
    api.login("admin")
    browser.sign_in("admin")
    return browser


def _organisations(api: Api, **params: Any) -> dict[str, Any]:
    answer = api.client.get(f"{V1}/organisations", headers=api.login("admin"), params=params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _measures(api: Api) -> list[dict[str, Any]]:
    answer = api.client.get(
        f"{V1}/species/measures", headers=api.login("admin"), params={"include_withdrawn": True}
    )
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def _checks(api: Api, trader: dict[str, str]) -> set[str]:
    """The check codes of a dry run: a commercial export of ivory from this Party."""
    trade = {
        "document_type": "E",
        "exporter_country": "CH",
        "importer_country": "US",
        "purpose_code": "T",
        "lines": [
            {
                "scientific_name": "Loxodonta africana",
                "source_code": "W",
                "term_code": "TUS",
                "quantity": "1",
                "origin_country": "BW",
            }
        ],
    }
    answer = api.client.post(f"{V1}/checks", headers=trader, json=trade)
    assert answer.status_code == 200, answer.text
    return {r["code"] for r in answer.json()["results"]}


@pytest.fixture
def reference(session_factory: sessionmaker[Session]) -> None:
    with unit_of_work(session_factory) as session:
        importing.import_reference(session, actor=Actor.system("admin-pages-test"))


def test_the_pages_are_linked_from_the_administration_page(api, browser) -> None:
    home = _admin(api, browser).get("/admin")
    assert set(PAGES) <= set(read(home.text).links)
    for url in PAGES:
        page = browser.get(url)
        assert page.status_code == 200, url
        assert read(page.text).h1 == 1


@pytest.mark.parametrize("role", ["trader", "officer", "customs"])
def test_other_roles_get_what_the_api_allows_them(api, browser, role) -> None:
    headers = api.trader() if role == "trader" else api.user(role)
    browser.sign_in(username_of(api, headers))
    readable = OFFICER_PAGES if role == "officer" else []
    for url in [*PAGES, "/admin/audit/verify"]:
        expected = 200 if url in readable else 403
        assert browser.get(url).status_code == expected, url
    if role == "officer":  # reads, with no form to change anything, and a menu link
        measures = browser.get("/admin/measures").text
        assert 'method="post" action="/admin/measures"' not in measures
        assert "/admin/quotas" in read(measures).links
        organisations = browser.get("/admin/organisations").text
        assert 'method="post" action="/admin/organisations"' not in organisations
    posts = {
        "/admin/organisations": {"name": "Intruders Ltd", "address": "Nowhere 1", "country": "CH"},
        "/admin/measures": {
            "taxon": "Loxodonta africana",
            "direction": "export",
            "start_date": "2026-01-01",
            "reason": REASON,
        },
        "/admin/measures/1/withdraw": {"reason-1": "no longer needed at all"},
    }
    for url, form in posts.items():
        assert browser.post(url, form).status_code in (403, 404), url
    assert browser.post("/admin/organisations", {"name": ""}).status_code == 403  # bad forms too
    assert browser.post("/admin/measures", {"taxon": ""}).status_code == 403
    assert browser.post("/admin/measures/1/withdraw", {"reason-1": ""}).status_code == 403
    assert _organisations(api, name="Intruders")["total"] == 0
    assert _measures(api) == []


def test_an_organisation_created_with_the_form_is_listed_and_offered_to_traders(
    api, browser
) -> None:
    _admin(api, browser)
    form = {"name": "Zoo Supplies SA", "address": "Rue du Lac 3\n1800 Vevey", "country": "CH"}
    created = browser.post("/admin/organisations", form)
    assert created.status_code == 303, created.text
    assert created.headers["location"] == "/admin/organisations?done=organisation_created"
    listing = browser.get(created.headers["location"])
    assert "The organisation has been registered." in listing.text
    [row] = [r for r in rows(listing.text) if r[0] == "Zoo Supplies SA"]
    assert row[1] == "Rue du Lac 3 1800 Vevey"
    assert "Switzerland" in row[2]
    [organisation] = _organisations(api, name="Zoo Supplies")["items"]
    assert organisation["country"] == "CH"
    users = browser.get("/admin/users").text
    assert f'<option value="{organisation["id"]}">Zoo Supplies SA (CH)</option>' in users
    trader = browser.post(
        "/admin/users",
        {
            "username": "zoo.trader",
            "full_name": "Zoo Trader",
            "role": "trader",
            "organisation_id": str(organisation["id"]),
            "password": "a-long-enough-password",
        },
    )
    assert trader.status_code == 303
    events = api.client.get(
        f"{V1}/audit/events",
        headers=api.login("admin"),
        params={"action": "organisation.create", "object_id": str(organisation["id"])},
    ).json()["items"]
    assert [e["actor_name"] for e in events] == ["admin"]


def test_a_wrong_organisation_form_shows_its_errors_and_creates_nothing(api, browser) -> None:
    _admin(api, browser)
    api.organisation("Taken Name")
    before = _organisations(api)["total"]
    empty = browser.post("/admin/organisations", {"name": "", "address": "", "country": ""})
    assert empty.status_code == 422
    assert 'class="error-summary"' in empty.text
    assert {"name", "address", "country"} <= summary_targets(empty.text)
    unknown = browser.post(
        "/admin/organisations", {"name": "New One", "address": "Somewhere 1", "country": "QQ"}
    )
    assert unknown.status_code == 422
    assert summary_targets(unknown.text) == {"country"}
    assert 'value="New One"' in unknown.text  # what was typed comes back
    taken = browser.post(
        "/admin/organisations", {"name": "Taken Name", "address": "Elsewhere 2", "country": "FR"}
    )
    assert taken.status_code == 409
    assert summary_targets(taken.text) == {"name"}
    assert "An organisation with this name exists already." in taken.text
    assert _organisations(api)["total"] == before


def test_organisations_are_paged_and_filtered_by_name(api, browser) -> None:
    for number in range(23):
        api.organisation(f"Paging House {number:02d}")
    api.organisation("Lonely Botanicals")
    _admin(api, browser)
    first = browser.get("/admin/organisations?name=paging")
    assert "Organisations found: 23" in first.text
    assert len(rows(first.text)) == 20
    assert "/admin/organisations?page=2&name=paging" in unescape(first.text)
    second = browser.get("/admin/organisations?page=2&name=paging")
    names = [r[0] for r in rows(second.text)]
    assert names == ["Paging House 20", "Paging House 21", "Paging House 22"]
    only = browser.get("/admin/organisations?name=Lonely")
    assert [r[0] for r in rows(only.text)] == ["Lonely Botanicals"]


def test_a_measure_added_then_withdrawn_through_the_pages_is_applied_then_lifted(
    reference, api, browser
) -> None:
    trader = api.trader()
    assert "national_measure" not in _checks(api, trader)
    _admin(api, browser)
    form = {
        "taxon": "Loxodonta africana",
        "direction": "export",
        "purpose_codes": ["T", "P"],
        "start_date": "2020-01-01",
        "end_date": "",
        "reason": REASON,
    }
    added = browser.post("/admin/measures", form)
    assert added.status_code == 303, added.text
    [measure] = _measures(api)
    assert (measure["taxon"], measure["party"], measure["purpose_codes"]) == (
        "Loxodonta africana",
        "CH",
        ["P", "T"],
    )
    assert measure["source_codes"] == []
    assert measure["end_date"] is None
    assert "national_measure" in _checks(api, trader)
    listing = browser.get("/admin/measures")
    [row] = rows(listing.text)
    assert row[0] == "Loxodonta africana"
    assert REASON in row[3]
    assert "In force" in row[4]
    field = f"reason-{measure['id']}"
    short = browser.post(f"/admin/measures/{measure['id']}/withdraw", {field: "lifted"})
    assert short.status_code == 422
    assert summary_targets(short.text) == {field}
    assert _measures(api)[0]["withdrawn_at"] is None
    withdrawn = browser.post(
        f"/admin/measures/{measure['id']}/withdraw", {field: "the moratorium has ended"}
    )
    assert withdrawn.status_code == 303
    assert "done=measure_withdrawn" in withdrawn.headers["location"]
    [after] = _measures(api)
    assert after["withdrawn_at"] is not None
    assert after["withdrawal_reason"] == "the moratorium has ended"
    assert "national_measure" not in _checks(api, trader)
    assert rows(browser.get("/admin/measures").text) == []  # the default: not withdrawn
    [gone] = rows(browser.get("/admin/measures?state=withdrawn").text)
    assert "Withdrawn on" in gone[4]
    assert "the moratorium has ended" in gone[4]
    again = browser.post(
        f"/admin/measures/{measure['id']}/withdraw?state=all", {field: "the moratorium has ended"}
    )
    assert again.status_code == 409
    assert "This measure has been withdrawn already." in again.text


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"taxon": "Felis imaginaria"}, {"taxon"}),
        ({"end_date": "2019-12-31"}, {"end_date"}),
        ({"purpose_codes": ["K"], "direction": "sideways"}, {"purpose_codes", "direction"}),
        (
            {"source_codes": ["WW"], "reason": "short", "start_date": ""},
            {"source_codes", "reason", "start_date"},
        ),
    ],
)
def test_a_wrong_measure_form_shows_its_errors_and_adds_nothing(
    reference, api, browser, changes: dict[str, Any], fields: set[str]
) -> None:
    _admin(api, browser)
    form: dict[str, Any] = {
        "taxon": "Loxodonta africana",
        "direction": "export",
        "start_date": "2020-01-01",
        "end_date": "",
        "reason": REASON,
    }
    refused = browser.post("/admin/measures", form | changes)
    assert refused.status_code == 422
    page = read(refused.text)
    assert summary_targets(refused.text) == fields
    assert all(f"f-{name}" in page.ids for name in fields)
    assert _measures(api) == []


def test_measures_are_filtered_by_taxon_and_paged(reference, api, browser) -> None:
    admin = api.login("admin")
    for number in range(21):
        body = {
            "taxon": "Loxodonta africana" if number % 2 else "Python regius",
            "direction": "both",
            "start_date": "2020-01-01",
            "reason": f"measure number {number:02d} for the paging test",
        }
        assert (
            api.client.post(f"{V1}/species/measures", headers=admin, json=body).status_code == 201
        )
    _admin(api, browser)
    first = browser.get("/admin/measures")
    assert "Measures found: 21" in first.text
    assert len(rows(first.text)) == 20
    second = browser.get("/admin/measures?page=2")
    assert [r[3] for r in rows(second.text)] == ["measure number 00 for the paging test"]
    genus = browser.get("/admin/measures?taxon=Loxodonta")  # a higher taxon reaches its species
    assert "Measures found: 10" in genus.text
    assert {r[0] for r in rows(genus.text)} == {"Loxodonta africana"}
    assert "Measures found: 11" in browser.get("/admin/measures?taxon=Python+regius").text


def test_the_quotas_page_shows_what_an_issued_permit_uses(
    tmp_path: Path, session_factory: sessionmaker[Session], api, browser
) -> None:
    rows_ = [
        PYTHONS.replace(",10,", f",{10 + n},").replace(f",{YEAR},", f",{YEAR - n},")
        for n in range(22)
    ]
    import_quotas(session_factory, tmp_path, *rows_)
    trader, officer = api.trader(), api.user("officer")
    issued(api, trader, officer, "4")
    browser.sign_in(username_of(api, officer))
    page = browser.get("/admin/quotas?party=CH&taxon=Python+regius")
    assert page.status_code == 200
    [this_year] = rows(page.text)  # without a year, this year's
    assert this_year[1] == str(YEAR)
    assert this_year[2].startswith("Python regius")
    assert this_year[4].startswith("10 ")
    assert this_year[5:] == ["4", "0", "6"]  # reserved, exported, remaining
    every_year = browser.get("/admin/quotas?year=&party=CH&taxon=Python+regius")
    assert "Quotas found: 22" in every_year.text
    assert len(rows(every_year.text)) == 20
    last = browser.get("/admin/quotas?page=2&year=&party=CH&taxon=Python+regius")
    assert [r[1] for r in rows(last.text)] == [str(YEAR - 20), str(YEAR - 21)]
    assert rows(browser.get(f"/admin/quotas?year={YEAR}&party=FR").text) == []
    assert browser.get("/admin/quotas?year=abc").status_code == 400


def test_text_with_a_nul_character_changes_nothing_and_breaks_no_page(
    reference, api, browser
) -> None:
    _admin(api, browser)
    for url in (
        "/admin/organisations?name=a%00b",
        "/admin/measures?taxon=Lox%00",
        "/admin/quotas?taxon=Py%00",
        "/admin/audit?action=user%00&actor=ad%00min&object_type=%00&object_id=1%00",
    ):
        assert browser.get(url).status_code == 200, url
    organisation = browser.post(
        "/admin/organisations", {"name": "N\x00L", "address": "Somewhere 1", "country": "CH"}
    )
    assert organisation.status_code == 422
    assert summary_targets(organisation.text) == {"name"}
    measure = browser.post(
        "/admin/measures",
        {
            "taxon": "Loxodonta\x00",
            "direction": "export",
            "start_date": "2020-01-01",
            "reason": REASON,
        },
    )
    assert measure.status_code == 422
    assert summary_targets(measure.text) == {"taxon"}
    assert _organisations(api, name="N")["total"] == 0
    assert _measures(api) == []
