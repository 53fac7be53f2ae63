"""Languages of the pages people read: the message catalogues (English, French, Spanish) and
the choice of one. Framework-free (Babel only), and low in the layers, so that the browser
interface (app.web) and the public verification page (app.verify) share the same catalogues
and the same choice; app.web.i18n re-exports it.

The catalogues are the ``.po`` files under ``app/i18n/translations/`` (one catalogue for all
the service's pages): they are compiled in memory at
start-up (Babel reads the ``.po`` and writes the ``.mo`` into a buffer), so there is no build
step and no compiled file to keep in step with its source. A visitor's language is the one
chosen with the switcher (a cookie), else the best match of the browser's Accept-Language,
else English."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.core import negotiate_locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LANGUAGES = ("en", "fr", "es")
DEFAULT = "en"
COOKIE_NAME = "ecites_lang"
DOMAIN = "messages"
DIRECTORY = Path(__file__).resolve().parent / "translations"


def N_(message: str) -> str:  # noqa: N802 (the usual name of the marker)
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


def compile_catalogue(po_file: Path) -> Translations:
    with po_file.open("rb") as source:
        catalogue = read_po(source, locale=po_file.parent.parent.name, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@cache
def catalogues() -> Mapping[str, NullTranslations]:
    """Every language's translations (English is the source text: no catalogue needed)."""
    loaded: dict[str, NullTranslations] = {DEFAULT: NullTranslations()}
    for language in LANGUAGES:
        if language != DEFAULT:
            loaded[language] = compile_catalogue(
                DIRECTORY / language / "LC_MESSAGES" / f"{DOMAIN}.po"
            )
    return loaded


def _preferences(header: str) -> list[str]:
    """The languages of an Accept-Language header, most wanted first (q=0 dropped)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _q, _p, tag in sorted(weighted)]


def negotiate(chosen: str | None, accept_language: str | None) -> str:
    if chosen in LANGUAGES:
        return chosen
    if accept_language:
        preferred = _preferences(accept_language)
        match = negotiate_locale(preferred, LANGUAGES, sep="-") or negotiate_locale(
            [p.split("-")[0] for p in preferred], LANGUAGES, sep="-"
        )
        if match:
            return match
    return DEFAULT


@dataclass(frozen=True)
class Language:
    """The request's language: its code, Babel locale and gettext functions."""

    code: str
    locale: Locale
    gettext: Callable[[str], str]
    ngettext: Callable[[str, str, int], str]


@cache
def language(code: str) -> Language:
    found = catalogues()[code]
    return Language(code, Locale.parse(code), found.gettext, found.ngettext)


def names() -> dict[str, str]:
    """Each language in its own name, for the switcher."""
    return {
        code: (Locale.parse(code).get_display_name(code) or code).capitalize() for code in LANGUAGES
    }


def formatters(code: str, *, country_codes: bool = True) -> dict[str, Any]:
    """Template filters that write values the way the language ``code`` does: ``day``,
    ``moment``, ``number`` and ``country`` (its name there, followed by the code unless
    ``country_codes`` is false)."""
    locale = language(code).locale

    def day(value: date | None) -> str:
        return format_date(value, format="medium", locale=locale) if value else ""

    def moment(value: datetime | None) -> str:
        return format_datetime(value, format="medium", locale=locale) if value else ""

    def number(value: Decimal | int | None) -> str:
        return format_decimal(value, locale=locale) if value is not None else ""

    def country(value: str | None) -> str:
        if not value:
            return ""
        name = locale.territories.get(value)
        if not name:
            return value
        return f"{name} ({value})" if country_codes else str(name)

    return {"day": day, "moment": moment, "number": number, "country": country}
