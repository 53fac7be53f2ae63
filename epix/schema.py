"""The EPIX XSDs (envelope and receipt), compiled from a directory the caller names.

Both XSDs are self-contained: they are read with the safe parser, and one that imports or
includes another file (which libxml2 could fetch from anywhere) is refused.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from signing import safe_parser

ENVELOPE_XSD = "EPIXEnvelope_1.xsd"
RECEIPT_XSD = "EPIXReceipt_1.xsd"
_XS = "http://www.w3.org/2001/XMLSchema"
_EXTERNAL = tuple(f"{{{_XS}}}{name}" for name in ("import", "include", "redefine", "override"))


class SchemaLoadError(Exception):
    """An XSD could not be read or compiled (a deployment error, not bad input)."""


@dataclass(frozen=True)
class Schemas:
    """The compiled envelope and receipt schemas. Compile once and share. Thread-safe: one
    validation runs at a time (lxml keeps the error log on the schema object)."""

    envelope: etree.XMLSchema
    receipt: etree.XMLSchema
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    def envelope_errors(self, root: etree._Element) -> list[str]:
        """The envelope XSD's errors for ``root`` (empty when valid)."""
        return self._errors(self.envelope, root)

    def receipt_errors(self, root: etree._Element) -> list[str]:
        """The receipt XSD's errors for ``root`` (empty when valid)."""
        return self._errors(self.receipt, root)

    def _errors(self, schema: etree.XMLSchema, root: etree._Element) -> list[str]:
        with self._lock:
            if schema.validate(root):
                return []
            entries = list(schema.error_log)
        return [f"line {entry.line}: {entry.message}" for entry in entries]


def default_schema_dir() -> Path:
    """The repository's ``schemas/`` directory, found relative to this file."""
    return Path(__file__).resolve().parents[1] / "schemas"


def _compile(path: Path) -> etree.XMLSchema:
    try:
        document = etree.parse(str(path), safe_parser())
        if document.docinfo.doctype:
            raise SchemaLoadError(f"{path}: a DOCTYPE is not allowed")
        if any(True for _ in document.getroot().iter(*_EXTERNAL)):
            raise SchemaLoadError(f"{path}: the EPIX schemas must not import other files")
        return etree.XMLSchema(document)
    except (OSError, etree.LxmlError) as exc:
        raise SchemaLoadError(f"cannot load {path}: {exc}") from exc


def load_schemas(directory: Path) -> Schemas:
    """Compile ``EPIXEnvelope_1.xsd`` and ``EPIXReceipt_1.xsd`` from ``directory``."""
    directory = Path(directory)
    return Schemas(_compile(directory / ENVELOPE_XSD), _compile(directory / RECEIPT_XSD))
