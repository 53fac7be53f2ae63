"""Keeping the message catalogues in step with the code: extract every message the pages use
(the ``_``/``N_`` calls in the Python of app/web, app/verify and app/i18n, the ``_()`` calls and
``trans`` blocks in their templates), write ``messages.pot``, and merge it into each
language's ``messages.po``.

    python -m app.web.catalogue          # update messages.pot and the .po files
    python -m app.web.catalogue --check  # exit 1 if a message has no translation
    python -m app.web.catalogue --add new.json
        # update, then set translations from {"message": {"fr": "...", "es": "..."}}

Runs that write take a lock (``.catalogue.lock`` beside the .pot), so that two at once do
not lose each other's translations.

The .po files are the source of truth and are compiled in memory at start-up (app.web.i18n)."""

from __future__ import annotations

import fcntl
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from app.web import i18n

ROOT = Path(__file__).resolve().parent
# the browser interface, the verification page, and the names of codes both show
PACKAGES = (ROOT, ROOT.parent / "verify", ROOT.parent / "i18n")
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}


def sources() -> list[tuple[str, Path]]:
    """Every file messages are extracted from, with its extraction method."""
    found: list[tuple[str, Path]] = []
    for package in PACKAGES:
        found += [("python", p) for p in sorted(package.glob("*.py"))]
        found += [("jinja2", p) for p in sorted((package / "templates").glob("*.html"))]
    return found


def extract() -> Catalog:
    catalog = Catalog(project="eCITES", version="1", creation_date=datetime(2026, 1, 1, tzinfo=UTC))
    for method, path in sources():
        options = JINJA_OPTIONS if method == "jinja2" else {}
        for lineno, message, comments, _context in extract_from_file(
            method, str(path), KEYWORDS, options=options, strip_comment_tags=True
        ):
            where = f"app/{path.relative_to(ROOT.parent).as_posix()}"
            catalog.add(message, None, [(where, lineno)], auto_comments=comments)
    return catalog


def _po_path(language: str) -> Path:
    return i18n.DIRECTORY / language / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"


def read(language: str) -> Catalog:
    path = _po_path(language)
    if not path.exists():
        return Catalog(locale=language)
    with path.open("rb") as source:
        return read_po(source, locale=language)


def missing(language: str, template: Catalog | None = None) -> list[str]:
    """Messages the code uses that ``language`` does not translate (or translates as empty,
    or only fuzzily)."""
    template = template or extract()
    catalogue = read(language)
    gaps = []
    for message in template:
        if not message.id:
            continue
        found = catalogue.get(message.id)
        if (
            found is None
            or found.fuzzy
            or not found.string
            or not all(found.string if isinstance(found.string, tuple) else (found.string,))
        ):
            gaps.append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps


@contextmanager
def _locked() -> Iterator[None]:
    with (i18n.DIRECTORY / ".catalogue.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write(language: str, catalogue: Catalog) -> None:
    path = _po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        write_po(out, catalogue, width=100, sort_output=True, ignore_obsolete=True)


def add(translations: dict[str, dict[str, str]]) -> list[str]:
    """Set the given translations (message -> language -> text) in the .po files; the
    messages the code does not use, which are not added."""
    unused = [message for message in translations if message not in extract()]
    for language in i18n.LANGUAGES:
        if language == i18n.DEFAULT:
            continue
        catalogue = read(language)
        for message, texts in translations.items():
            found = catalogue.get(message)
            if found is not None and texts.get(language):
                found.string = texts[language]
                found.flags.discard("fuzzy")
        _write(language, catalogue)
    return unused


def update() -> None:
    template = extract()
    with (i18n.DIRECTORY / f"{i18n.DOMAIN}.pot").open("wb") as out:
        write_po(out, template, width=100, sort_output=True)
    for language in i18n.LANGUAGES:
        if language == i18n.DEFAULT:
            continue
        catalogue = read(language)
        catalogue.update(template, no_fuzzy_matching=True)
        _write(language, catalogue)


def main(argv: list[str]) -> int:
    if "--check" in argv:
        template = extract()
        gaps = {lang: missing(lang, template) for lang in i18n.LANGUAGES if lang != i18n.DEFAULT}
        for language, messages in gaps.items():
            for message in messages:
                print(f"{language}: untranslated: {message!r}")
        return 1 if any(gaps.values()) else 0
    with _locked():
        update()
        if "--add" in argv:
            source = Path(argv[argv.index("--add") + 1])
            for message in add(json.loads(source.read_text(encoding="utf-8"))):
                print(f"not used by any page, not added: {message!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
