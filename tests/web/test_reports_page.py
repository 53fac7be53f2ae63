"""The annual trade report page: for the fixture year (tests/reports/fixture_year.py: permits
issued, endorsed at export, documents received and cleared at import), the figures, totals
and problems shown are the API's statistics and validation report; the downloads are the
API's report, as attachments; a wrong year is explained on the form; only officers and
administrators see it."""

from __future__ import annotations

import calendar
import json
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import pytest

from app.reports.rows import EXPORTER_COLUMNS
from tests.factories import Api
from tests.reports.fixture_year import YEAR, FixtureYear
from tests.web.conftest import Browser, username_of

REPORT = f"/api/v1/reports/annual/{YEAR}"


class Tables(HTMLParser):
    """The cells' texts of each table with an id, row by row."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.table: str | None = None
        self.cell: list[str] | None = None
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.table = dict(attrs).get("id")
            if self.table:
                self.tables[self.table] = []
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.table and self.in_body:
            self.tables[self.table].append([])
        elif tag in ("td", "th") and self.table and self.in_body:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None and self.table:
            self.tables[self.table][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.table = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def tables_of(html: str) -> dict[str, list[list[str]]]:
    reader = Tables()
    reader.feed(html)
    return reader.tables


@pytest.fixture
def year(api: Api, monkeypatch: pytest.MonkeyPatch) -> FixtureYear:
    data = FixtureYear(api, monkeypatch).build()
    data.set_clock(datetime(2026, 3, 1, 12, tzinfo=UTC))  # the report is due, not yet late
    return data


def _api(api: Api, path: str, **params: str) -> Any:
    response = api.client.get(path, headers=api.login("admin"), params=params)
    assert response.status_code == 200, response.text
    return response


def _key(table: str, key: str) -> str:
    if table == "by_month":
        return f"{calendar.month_name[int(key[5:])]} {key[:4]}"
    return key


def _assert_figures_match(page: str, statistics: dict[str, Any]) -> None:
    tables = tables_of(page)
    for name in ("by_taxon", "by_term", "by_partner", "by_month"):
        shown = tables[name]
        expected = statistics[name]
        assert len(shown) == len(expected), name
        for row, total in zip(shown, expected, strict=True):
            key, _unit, quantity, rows = row
            assert _key(name, total["key"]) in key, (name, row, total)
            shown_quantity = quantity.replace(",", "")  # English groups thousands: 10,000
            assert (shown_quantity, rows) == (total["quantity"], str(total["rows"])), (name, row)


def test_the_figures_are_the_apis_for_the_year(year: FixtureYear, browser: Browser) -> None:
    api = year.api
    browser.sign_in(username_of(api, year.officer))
    page = browser.get("/officer/reports")  # the last year by default
    assert page.status_code == 200
    assert 'id="f-year" name="year" type="text" value="2025"' in page.text
    statistics = _api(api, f"{REPORT}/statistics").json()
    assert (statistics["rows"], statistics["documents"], statistics["problems"]) == (8, 6, 2)
    assert '<dd id="figure-rows">8</dd>' in page.text
    assert '<dd id="figure-documents">6</dd>' in page.text
    assert '<dd id="figure-problems">2</dd>' in page.text
    assert "The report is due on Oct 31, 2026 (days left: 244)." in page.text
    _assert_figures_match(page.text, statistics)
    assert ["France (FR)", "number of specimens", "14", "2"] in tables_of(page.text)["by_partner"]

    problems = _api(api, f"{REPORT}/problems").json()
    shown = tables_of(page.text)["problems"]
    assert [(r[0], r[1], r[2], r[3]) for r in shown] == [
        (str(p["row"]), p["document"], p["line"], p["column"]) for p in problems["items"]
    ]
    assert len(shown) == problems["total"] == 2
    assert all(p["message"] in page.text for p in problems["items"])

    for view, basis in (("importer", "issued"), ("exporter", "issued"), ("importer", "actual")):
        other = browser.get(f"/officer/reports?year={YEAR}&view={view}&basis={basis}")
        assert other.status_code == 200
        expected = _api(api, f"{REPORT}/statistics", view=view, basis=basis).json()
        _assert_figures_match(other.text, expected)
        assert f'<dd id="figure-rows">{expected["rows"]}</dd>' in other.text
        valid = _api(api, f"{REPORT}/problems", view=view, basis=basis).json()
        if valid["valid"]:
            assert "No problem: the report can be sent as it is." in other.text
        else:
            assert len(tables_of(other.text)["problems"]) == valid["total"]


def test_the_downloads_are_the_apis_report(year: FixtureYear, admin_browser: Browser) -> None:
    api = year.api
    admin_browser.sign_in("admin")
    page = admin_browser.get(f"/officer/reports?year={YEAR}&view=importer&basis=actual")
    assert page.status_code == 200
    for fmt in ("csv", "json"):
        link = f"/officer/reports/{YEAR}.{fmt}?view=importer&amp;basis=actual"
        assert f'href="{link}"' in page.text
    csv_file = admin_browser.get(f"/officer/reports/{YEAR}.csv?view=importer&basis=actual")
    assert csv_file.status_code == 200
    assert csv_file.headers["content-type"] == "text/csv; charset=utf-8"
    name = f"annual-report-CH-{YEAR}-importer-actual.csv"
    assert csv_file.headers["content-disposition"] == f'attachment; filename="{name}"'
    assert csv_file.content == _api(api, REPORT, view="importer", basis="actual").content
    assert "RU-Росрыболовство-24/7".encode() in csv_file.content

    json_file = admin_browser.get(f"/officer/reports/{YEAR}.json")
    assert json_file.status_code == 200
    assert json_file.headers["content-type"] == "application/json"
    name = f"annual-report-CH-{YEAR}-exporter-actual.json"
    assert json_file.headers["content-disposition"] == f'attachment; filename="{name}"'
    body = json.loads(json_file.content)
    assert body == _api(api, REPORT, format="json").json()
    assert (body["year"], body["view"], len(body["rows"])) == (YEAR, "exporter", 8)


@pytest.mark.parametrize("asked", ["1974", "2027", "20x5", "-1"])
def test_a_wrong_year_is_explained_on_the_form(api: Api, browser: Browser, asked: str) -> None:
    app: Any = api.client.app
    app.state.clock = lambda: datetime(2026, 6, 1, tzinfo=UTC)
    browser.sign_in(username_of(api, api.user("officer")))
    page = browser.get(f"/officer/reports?year={asked}")
    assert page.status_code == 400
    assert 'class="error-summary"' in page.text
    assert 'href="#f-year"' in page.text
    assert f'id="f-year" name="year" type="text" value="{asked}"' in page.text
    assert "Enter a year from 1975" in page.text
    assert 'id="figures"' not in page.text


def test_an_empty_year_says_so(api: Api, browser: Browser) -> None:
    app: Any = api.client.app
    app.state.clock = lambda: datetime(2026, 6, 1, tzinfo=UTC)
    browser.sign_in(username_of(api, api.user("officer")))
    page = browser.get("/officer/reports?year=2024")
    assert page.status_code == 200
    assert "No record for this year." in page.text
    assert "No problem: the report can be sent as it is." in page.text
    assert "What could not be checked:" in page.text  # no species reference data
    assert "The report was due on Oct 31, 2025 (days overdue: 213)." in page.text
    empty = browser.get("/officer/reports/2024.csv")
    assert empty.status_code == 200
    assert empty.text == ",".join(EXPORTER_COLUMNS) + "\n"
    assert browser.get("/officer/reports/1974.csv").status_code == 422
    assert browser.get("/officer/reports/2024.xlsx").status_code == 400
    assert browser.get("/officer/reports?view=exports").status_code == 400


@pytest.mark.parametrize("role", ["trader", "customs"])
def test_only_officers_and_administrators_see_the_report(
    api: Api, browser: Browser, role: str
) -> None:
    user = api.trader() if role == "trader" else api.user(role)
    browser.sign_in(username_of(api, user))
    assert browser.get("/officer/reports").status_code == 403
    assert browser.get("/officer/reports?year=abc").status_code == 403  # not told why
    assert browser.get("/officer/reports/2025.csv").status_code == 403
    assert browser.get("/officer/reports/2025.json").status_code == 403


def test_the_menu_leads_to_the_report(api: Api, browser: Browser, admin_browser: Browser) -> None:
    browser.sign_in(username_of(api, api.user("officer")))
    assert 'href="/officer/reports"' in browser.get("/officer/queue").text
    admin_browser.sign_in("admin")
    assert 'href="/officer/reports"' in admin_browser.get("/admin").text
    trader = Browser(browser.client)
    trader.client.cookies.clear()
    trader.sign_in(username_of(api, api.trader()))
    assert 'href="/officer/reports"' not in trader.get("/dashboard").text
