"""Every main page is light (under 100 KB with its style sheet and script, all served by the
service) and passes structural accessibility checks: a language, one main heading, a skip
link, a label for every field, in-page links that lead somewhere, no outside resources."""

from __future__ import annotations

import re

from app.web.router import STATIC_DIR
from tests.web.conftest import application_form, username_of
from tests.web.pages import main_pages, read

LIMIT = 100 * 1024
OUTSIDE = re.compile(r'(?:src|href)="(?:https?:)?//', re.IGNORECASE)


def test_main_pages_are_light_and_self_contained(
    api, browser, other_browser, admin_browser
) -> None:
    assets = sum(len((STATIC_DIR / name).read_bytes()) for name in ("app.css", "app.js"))
    weights = {}
    for name, (who, url) in main_pages(api, browser, other_browser, admin_browser).items():
        response = who.get(url)
        weights[name] = len(response.content) + assets
        assert weights[name] < LIMIT, (name, weights[name])
        assert not OUTSIDE.search(response.text), name  # no CDN, no outside resource
    print("page weights (bytes, with CSS and JS):", weights)


def test_the_static_files_are_served_by_the_service(api, browser) -> None:
    for name, media in (("app.css", "text/css"), ("app.js", "javascript")):
        response = browser.get(f"/static/{name}")
        assert response.status_code == 200
        assert media in response.headers["content-type"]


def test_main_pages_pass_the_structural_accessibility_checks(
    api, browser, other_browser, admin_browser
) -> None:
    for name, (who, url) in main_pages(api, browser, other_browser, admin_browser).items():
        response = who.get(url)
        page = read(response.text)
        assert page.lang, name
        assert page.h1 == 1, name
        assert "#main" in page.links, name  # the skip link ...
        assert "main" in page.ids, name  # ... and its target
        unlabelled = [c for c in page.controls if not c[1] or c[1] not in page.label_for]
        assert unlabelled == [], (name, unlabelled)
        broken = [h for h in page.links if h.startswith("#") and h[1:] not in page.ids]
        assert broken == [], (name, broken)
        duplicates = sorted({i for i in page.ids if page.ids.count(i) > 1})
        assert duplicates == [], (name, duplicates)


def test_the_error_summary_links_to_fields_that_exist(api, browser) -> None:
    trader = api.trader()
    browser.sign_in(username_of(api, trader))
    for form, expected in (
        ({"lines-0-term_code": "", "purpose_code": ""}, {"lines-0-term_code", "purpose_code"}),
        ({"document_type": "O"}, {"other_subtype"}),  # checked once the fields are right
        ({"import_permit_number": "FR-2026-1"}, {"import_permit_party"}),
        ({"import_permit_party": "DE", "import_permit_number": "1"}, {"import_permit_party"}),
    ):
        response = browser.post("/applications/new", application_form(**form))
        assert response.status_code == 422, form
        page = read(response.text)
        targets = {h[3:] for h in page.links if h.startswith("#f-")}
        assert expected <= targets, (form, targets)
        assert all(f"f-{t}" in page.ids for t in targets)
