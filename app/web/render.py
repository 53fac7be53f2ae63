"""Templates: one Jinja2 environment per language (each with its catalogue installed, so
rendering never shares mutable translation state between requests), autoescaped."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.web import i18n, labels

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _filters(code: str) -> dict[str, Any]:
    locale = i18n.language(code).locale

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
        return f"{name} ({value})" if name else value

    return {"day": day, "moment": moment, "number": number, "country": country}


def error_for(errors: Iterable[Any], name: str) -> str | None:
    """The message of the first error on the field ``name`` (None: the field is fine)."""
    return next((e.message for e in errors if e.field == name), None)


@cache
def environment(code: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"], default=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    found = i18n.translations()[code]
    env.install_gettext_translations(found, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(_filters(code))
    env.globals.update(
        error_for=error_for,
        labels=labels,
        languages=i18n.names(),
        lang=code,
    )
    return env


def render_page(code: str, name: str, context: Mapping[str, Any]) -> str:
    return environment(code).get_template(name).render(context)
