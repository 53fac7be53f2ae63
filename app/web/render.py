"""Templates: one Jinja2 environment per language (each with its catalogue installed, so
rendering never shares mutable translation state between requests), autoescaped."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.i18n import code_names
from app.web import i18n, labels

TEMPLATES = Path(__file__).resolve().parent / "templates"


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
    found = i18n.catalogues()[code]
    env.install_gettext_translations(found, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(i18n.formatters(code))
    code_filters, code_globals = code_names.template_helpers(found.gettext)
    env.filters.update(code_filters)
    env.globals.update(code_globals)
    env.globals.update(
        error_for=error_for,
        labels=labels,
        languages=i18n.names(),
        lang=code,
    )
    return env


def render_page(code: str, name: str, context: Mapping[str, Any]) -> str:
    return environment(code).get_template(name).render(context)
