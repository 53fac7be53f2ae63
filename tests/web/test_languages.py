"""English, French and Spanish: the catalogues translate every message the pages use, the
language follows the switcher or else the browser, and no page shows English text in
French or Spanish."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from app.web import catalogue, i18n
from tests.web.pages import main_pages, read

TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT]


def test_the_catalogues_translate_every_message_of_the_code_and_templates() -> None:
    template = catalogue.extract()
    assert len(template) > 200  # the extraction found the templates' and the code's messages
    for language in TRANSLATED:
        assert catalogue.missing(language, template) == [], language


def test_translations_keep_their_placeholders() -> None:
    for language in TRANSLATED:
        problems = [(m.id, errors) for m, errors in catalogue.read(language).check()]
        assert problems == [], language


def test_the_template_is_up_to_date() -> None:
    """messages.pot is what ``python -m app.web.catalogue`` writes from today's sources."""
    with (i18n.DIRECTORY / "messages.pot").open("rb") as source:
        committed = {m.id for m in read_po(source) if m.id}
    assert committed == {m.id for m in catalogue.extract() if m.id}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-CH,fr;q=0.9,en;q=0.8", "fr"),
        ("es-419,es;q=0.9", "es"),
        ("de-DE,de;q=0.9,es;q=0.5,fr;q=0.4", "es"),
        ("de-DE", "en"),
        ("", "en"),
        ("fr;q=0, es;q=0.1", "es"),
        ("xx;q=abc, fr", "fr"),
    ],
)
def test_the_browsers_preference_is_the_default(header: str, expected: str) -> None:
    assert i18n.negotiate(None, header) == expected


def test_the_choice_beats_the_browser() -> None:
    assert i18n.negotiate("es", "fr-FR,fr") == "es"
    assert i18n.negotiate("de", "fr-FR,fr") == "fr"  # an unknown choice is ignored


def test_the_switcher_sets_the_language(api, browser) -> None:
    response = browser.get("/language/fr?next=/login", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert "ecites_lang=fr" in response.headers["set-cookie"]
    page = browser.get("/login")
    assert '<html lang="fr">' in page.text
    assert "Se connecter" in page.text
    escaped = browser.get("/language/es?next=https://evil.example/", follow_redirects=False)
    assert escaped.headers["location"] == "/"


def test_accept_language_picks_the_page_language(api, browser) -> None:
    page = browser.get("/login", headers={"Accept-Language": "es-ES,es;q=0.9"})
    assert '<html lang="es">' in page.text
    assert "Iniciar sesión" in page.text


def _english_patterns(language: str) -> list[re.Pattern[str]]:
    """The English messages that ``language`` translates differently, as patterns matching
    their text on a page (a placeholder matches anything)."""
    translations = i18n.catalogues()[language]
    patterns = []
    for message in catalogue.extract():
        if not isinstance(message.id, str) or not message.id:
            continue
        if translations.gettext(message.id) == message.id:
            continue
        parts = re.split(r"%\(\w+\)s", str(message.id))
        patterns.append(re.compile("^" + ".+".join(re.escape(p) for p in parts) + "$"))
    return patterns


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_page_renders_in_every_language_without_english_left(
    api, browser, other_browser, admin_browser, language
) -> None:
    pages = main_pages(api, browser, other_browser, admin_browser)
    patterns = _english_patterns(language if language != i18n.DEFAULT else "fr")
    for name, (who, url) in pages.items():
        who.client.cookies.set(i18n.COOKIE_NAME, language)
        response = who.get(url)
        assert response.status_code in (200, 404), (name, response.status_code)
        page = read(response.text)
        assert page.lang == language, name
        english = [
            text for text in page.texts + page.attributes if any(p.match(text) for p in patterns)
        ]
        if language == i18n.DEFAULT:  # the check finds English where there is some
            assert len(english) >= 5, (name, english)
        else:
            assert english == [], (name, language, english)


def test_after_a_form_post_the_switcher_returns_to_the_form(api, browser) -> None:
    browser.get("/login")
    response = browser.post(
        "/login",
        {"username": "", "password": ""},
        headers={"Referer": "http://testserver/login?next=/dashboard"},
    )
    assert response.status_code == 400
    assert 'href="/language/fr?next=/login%3Fnext%3D/dashboard"' in response.text
    foreign = browser.post(
        "/login", {"username": "", "password": ""}, headers={"Referer": "http://evil.example/x"}
    )
    assert 'href="/language/fr?next=/"' in foreign.text
