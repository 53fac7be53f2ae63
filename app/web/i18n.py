"""Languages: the message catalogues (English, French, Spanish) and the choice of one.

The machinery and the catalogues live in app.i18n, low in the layers, so that the public
verification page shares them; the pages import it from here."""

from __future__ import annotations

from app.i18n import (
    COOKIE_NAME,
    DEFAULT,
    DIRECTORY,
    DOMAIN,
    LANGUAGES,
    N_,
    Language,
    catalogues,
    compile_catalogue,
    formatters,
    language,
    names,
    negotiate,
)

__all__ = [
    "COOKIE_NAME",
    "DEFAULT",
    "DIRECTORY",
    "DOMAIN",
    "LANGUAGES",
    "N_",
    "Language",
    "catalogues",
    "compile_catalogue",
    "formatters",
    "language",
    "names",
    "negotiate",
]
