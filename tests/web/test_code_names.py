"""The species lines' codes (term, unit, purpose, source) are shown with their names in the
reader's language, on the application page and in the form; every code of the app's code
lists has a name; a code the table does not know is shown as the code itself."""

from __future__ import annotations

import pytest

from app.codelists import lists
from app.i18n import code_names
from app.web import i18n, render
from tests.factories import application_body
from tests.web.conftest import Browser, username_of

EXPECTED = {
    "en": {
        "term": "Live (LIV)",
        "second term": "Skins (SKI)",
        "purpose": "Zoo (Z)",
        "source": "Bred in captivity (C)",
        "second source": "Taken from the wild (W)",
        "quantity": "2 kilograms",
        "number": "3 (number of specimens)",
        "term option": '<option value="LIV">LIV — Live</option>',
        "purpose option": '<option value="Z" selected>Z — Zoo</option>',
        "source option": '<option value="C" selected>C — Bred in captivity</option>',
        "unit option": '<option value="KGM" selected>KGM — kilograms</option>',
    },
    "fr": {
        "term": "Vivant (LIV)",
        "second term": "Peaux (SKI)",
        "purpose": "Parc zoologique (Z)",
        "source": "Élevé en captivité (C)",
        "second source": "Prélevé dans la nature (W)",
        "quantity": "2 kilogrammes",
        "number": "3 (nombre de spécimens)",
        "term option": '<option value="LIV">LIV — Vivant</option>',
        "purpose option": '<option value="Z" selected>Z — Parc zoologique</option>',
        "source option": '<option value="C" selected>C — Élevé en captivité</option>',
        "unit option": '<option value="KGM" selected>KGM — kilogrammes</option>',
    },
    "es": {
        "term": "Vivo (LIV)",
        "second term": "Pieles (SKI)",
        "purpose": "Parque zoológico (Z)",
        "source": "Criado en cautividad (C)",
        "second source": "Extraído del medio silvestre (W)",
        "quantity": "2 kilogramos",
        "number": "3 (número de especímenes)",
        "term option": '<option value="LIV">LIV — Vivo</option>',
        "purpose option": '<option value="Z" selected>Z — Parque zoológico</option>',
        "source option": '<option value="C" selected>C — Criado en cautividad</option>',
        "unit option": '<option value="KGM" selected>KGM — kilogramos</option>',
    },
}
PAGE_KEYS = ("term", "second term", "purpose", "source", "second source", "quantity", "number")
FORM_KEYS = ("term option", "purpose option", "source option", "unit option")


def _draft(api, browser: Browser) -> int:
    """A draft with a line of live animals weighed in kilograms (sent with the legacy unit
    KIL) and a line of 3 wild skins counted in specimens; purpose Z, source C."""
    trader = api.trader()
    line = application_body()["lines"][0]
    body = application_body(
        purpose_code="Z",
        lines=[
            {**line, "term_code": "LIV", "quantity": "2", "unit_code": "KIL", "source_code": "C"},
            {**line, "term_code": "SKI", "quantity": "3", "unit_code": "", "source_code": "W"},
        ],
    )
    created = api.client.post("/api/v1/applications", headers=trader, json=body)
    assert created.status_code == 201, created.text
    assert created.json()["lines"][0]["unit_code"] == "KGM"
    browser.sign_in(username_of(api, trader))
    return int(created.json()["id"])


def _page(browser: Browser, url: str, language: str) -> str:
    browser.client.cookies.set(i18n.COOKIE_NAME, language)
    response = browser.get(url)
    assert response.status_code == 200, response.text
    assert f'<html lang="{language}">' in response.text
    return response.text


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_application_page_names_the_codes_in_the_readers_language(
    api, browser, language
) -> None:
    application_id = _draft(api, browser)
    page = _page(browser, f"/applications/{application_id}", language)
    for key in PAGE_KEYS:
        assert EXPECTED[language][key] in page, (language, key)
    other = {lang for lang in EXPECTED if lang != language}
    for lang in other:  # another language's names do not leak in
        if EXPECTED[lang]["term"] != EXPECTED[language]["term"]:
            assert EXPECTED[lang]["term"] not in page, (language, lang)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_form_offers_the_codes_with_their_names(api, browser, language) -> None:
    application_id = _draft(api, browser)
    page = _page(browser, f"/applications/{application_id}/edit", language)
    for key in FORM_KEYS:
        assert EXPECTED[language][key] in page, (language, key)
    assert '<option value="">' in page  # the units' empty choice: a number of specimens
    assert 'value="NAR"' not in page


def test_the_new_form_stays_light(api, browser) -> None:
    browser.sign_in(username_of(api, api.trader()))
    for language in i18n.LANGUAGES:
        page = _page(browser, "/applications/new", language)
        assert page.count("<option value=") > 90 + 12 + 11  # terms, purposes, sources ...
        assert len(page.encode()) < 50 * 1024, (language, len(page.encode()))


@pytest.mark.parametrize("kind", sorted(code_names.TABLES))
def test_every_code_of_the_code_lists_has_a_name(kind: str) -> None:
    codes = lists.code_lists()
    listed = {
        "term": list(codes.term),
        "purpose": list(codes.purpose),
        "source": list(codes.source),
        "unit": [*codes.unit, *codes.unit_legacy],
    }[kind]
    assert listed, kind
    unnamed = [c for c in listed if code_names.name(kind, c, str) == c]
    assert unnamed == [], f"{kind} codes without a name in app/i18n/code_names.py: {unnamed}"


def test_every_name_is_translated() -> None:
    for language in ("fr", "es"):
        translations = i18n.catalogues()[language]
        catalogue_names = [n for table in code_names.TABLES.values() for n in table.values()]
        untranslated = [n for n in catalogue_names if not translations.gettext(n)]
        assert untranslated == [], language
    fr = i18n.catalogues()["fr"].gettext
    assert code_names.name("term", "TRO", fr) == "Trophées"
    assert code_names.name("purpose", "T", fr) == "Commerciale"
    assert code_names.name("source", "W", fr) == "Prélevé dans la nature"


def test_a_legacy_unit_is_named_as_the_unit_it_stands_for() -> None:
    es = i18n.catalogues()["es"].gettext
    assert code_names.name("unit", "KIL", es) == "kilogramos"
    assert code_names.name("unit", "PCS", es) == "número de especímenes"
    assert code_names.unit_after_quantity("PCS", es) == "(número de especímenes)"
    assert code_names.unit_after_quantity("MTR", es) == "metros"
    assert code_names.unit_after_quantity("NAR", es) == "(número de especímenes)"
    assert code_names.unit_after_quantity(None, es) == "(número de especímenes)"


@pytest.mark.parametrize("kind", sorted(code_names.TABLES))
def test_an_unknown_code_shows_as_the_code_itself(kind: str) -> None:
    fr = i18n.catalogues()["fr"].gettext
    assert code_names.name(kind, "QQQ", fr) == "QQQ"
    assert code_names.labelled(kind, "QQQ", fr) == "QQQ"
    assert code_names.name(kind, None, fr) == ""
    template = render.environment("fr").from_string(
        '{{ "QQQ"|code_label(kind) }}|{{ "QQQ"|code_name(kind) }}'
    )
    assert template.render(kind=kind) == "QQQ|QQQ"


def test_a_code_added_to_a_list_is_offered_as_the_code(monkeypatch) -> None:
    """A future code list with a code the table does not name yet: the form offers it as
    the code alone, and the application page shows the code, instead of failing."""
    codes = lists.code_lists()
    monkeypatch.setattr(
        lists,
        "code_lists",
        lambda: lists.CodeLists(**{**codes.__dict__, "term": {**codes.term, "QQQ": "new"}}),
    )
    fr = i18n.catalogues()["fr"].gettext
    choices = dict(code_names.options("term", fr))
    assert choices["QQQ"] == "QQQ"
    assert choices["LIV"] == "LIV — Vivant"
    page = render.environment("fr").from_string('{{ "QQQ"|unit_after_quantity }}')
    assert page.render() == "QQQ"
