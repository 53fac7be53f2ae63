"""The verification page in English, French and Spanish: the same choice as the browser
interface (its switcher's cookie, else Accept-Language, else English) and the same
catalogues; the JSON answer does not change with the language."""

from __future__ import annotations

import pytest

from app.web import i18n
from tests.factories import Api
from tests.verify.test_verify import HTML, JSON, _issued
from tests.web.pages import read
from tests.web.test_languages import _english_patterns

WRONG = "0123456789abcdef"


@pytest.mark.parametrize(
    ("cookie", "accept_language", "language", "state"),
    [
        ("fr", None, "fr", "Valable"),
        (None, "es-ES,es;q=0.9", "es", "Válido"),
        ("es", "fr-FR,fr", "es", "Válido"),  # the switcher's choice beats the browser's
        (None, "de-DE", "en", "Valid"),
    ],
)
def test_the_page_speaks_the_visitors_language(
    api: Api, cookie: str | None, accept_language: str | None, language: str, state: str
) -> None:
    permit, path, _officer = _issued(api)
    if cookie:
        api.client.cookies.set(i18n.COOKIE_NAME, cookie)
    headers = {**HTML, **({"Accept-Language": accept_language} if accept_language else {})}
    page = api.client.get(path, headers=headers)
    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.text
    assert f"{permit['number']}: {state}" in page.text
    english = _english_patterns(language if language != "en" else "fr")
    found = [t for t in read(page.text).texts if any(p.match(t) for p in english)]
    if language == "en":
        assert len(found) >= 5, found
    else:
        assert found == [], found
    assert 'href="/language/fr?next=' in page.text  # the switcher comes back here
    answer = api.client.get(path, headers={**JSON, **({"Accept-Language": accept_language or ""})})
    api.client.cookies.clear()
    plain = api.client.get(path, headers=JSON).json()
    assert {k: v for k, v in answer.json().items() if k != "checked_at"} == {
        k: v for k, v in plain.items() if k != "checked_at"
    }


@pytest.mark.parametrize(("language", "title"), [("fr", "Non confirmé"), ("es", "No confirmado")])
def test_not_confirmed_is_translated_and_the_same_for_every_address(
    api: Api, language: str, title: str
) -> None:
    permit, _path, _officer = _issued(api)
    api.client.cookies.set(i18n.COOKIE_NAME, language)
    pages = [
        api.client.get(f"/verify/CH/{permit['number']}?d={WRONG}", headers=HTML),
        api.client.get(f"/verify/CH/26CH999999?d={WRONG}", headers=HTML),
        api.client.get("/verify/FR/1", headers=HTML),
    ]
    assert {p.status_code for p in pages} == {404}
    assert {p.text for p in pages} == {pages[0].text}
    assert title in pages[0].text
    english = _english_patterns(language)
    assert [t for t in read(pages[0].text).texts if any(p.match(t) for p in english)] == []
    answer = api.client.get(f"/verify/CH/{permit['number']}?d={WRONG}", headers=JSON)
    assert answer.json()["code"] == "permit_not_confirmed"  # JSON stays English and stable


def test_the_switcher_comes_back_to_the_verification_page(api: Api) -> None:
    _permit, path, _officer = _issued(api)
    switched = api.client.get(
        "/language/es",
        headers={"Referer": f"http://testserver{path}"},
        follow_redirects=False,
    )
    assert switched.status_code == 303
    assert switched.headers["location"] == path
    assert "ecites_lang=es" in switched.headers["set-cookie"]
    foreign = api.client.get(
        "/language/es", headers={"Referer": "http://evil.example/x"}, follow_redirects=False
    )
    assert foreign.headers["location"] == "/"
    page = api.client.get(path, headers=HTML)
    assert '<html lang="es">' in page.text


@pytest.mark.parametrize(
    ("language", "term", "quantity", "source"),
    [
        ("en", "Live (LIV)", "2 (number of specimens)", "II, Bred in captivity (C)"),
        ("fr", "Vivant (LIV)", "2 (nombre de spécimens)", "II, Élevé en captivité (C)"),
        ("es", "Vivo (LIV)", "2 (número de especímenes)", "II, Criado en cautividad (C)"),
    ],
)
def test_the_specimens_are_named_in_the_visitors_language_with_their_codes(
    api: Api, language: str, term: str, quantity: str, source: str
) -> None:
    _permit, path, _officer = _issued(api)
    api.client.cookies.set(i18n.COOKIE_NAME, language)
    cells = read(api.client.get(path, headers=HTML).text).texts
    assert {term, quantity, source} <= set(cells), cells
    line = api.client.get(path, headers=JSON).json()["lines"][0]  # the JSON keeps the codes
    assert (line["term_code"], line["source_code"]) == ("LIV", "C")
