"""The schema registry: our XSD for ``CITESEPermit``, compiled once from the local ``schemas/``.

The XSD files are read with the code base's safe parser (no network, no entities, no DTD) and
a resolver that only lets ``xs:import`` / ``xs:include`` read files inside the schema directory:
a ``schemaLocation`` pointing anywhere else (another directory, ``http://...``) fails the load
instead of being fetched. Compile once at start-up (``app/bootstrap.py``) and share the registry.

``SchemaRegistry.validate(element)`` returns the XSD errors as ``SchemaError(line, path,
message)``: ``path`` uses local names like ``Problem.path``
(``/CITESEPermit/HeaderExchangedDocument/TypeCode``), ``line`` is the source line when the
element was parsed (None for a tree built in memory), and the message names elements by
prefix (``ram:TypeCode``) rather than by full namespace, with long code lists cut short.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlparse

from lxml import etree

from app.xml.namespaces import CITES, RAM, XSD_DIR_NAME
from app.xml.parser import safe_parser

MAIN_XSD = "CITESEPermit_2.xsd"

_DOCTYPE = b"<!DOCTYPE"
_PREFIX_STEP = re.compile(r"(?<=/)[A-Za-z_][\w.\-]*:")
_LONG_SET = re.compile(r"the set \{[^}]{120,}\}")
_LONG_PATTERN = re.compile(r"the pattern '[^']{120,}'")


class SchemaLoadError(Exception):
    """The XSD files could not be read or compiled (a deployment error, not bad input)."""


class SchemaError(NamedTuple):
    """One XSD validation error: ``(line, path, message)``."""

    line: int | None
    path: str
    message: str


def default_schema_dir() -> Path:
    """The repository's ``schemas/`` directory, found relative to this file."""
    return Path(__file__).resolve().parents[2] / XSD_DIR_NAME


class _LocalFilesOnly(etree.Resolver):  # type: ignore[misc, unused-ignore]
    """Lets the XSD read files inside ``directory`` (without a DOCTYPE) and nothing else."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self._directory = directory
        self.refusals: list[str] = []  # lxml turns a resolver's exception into a parse error

    def _refuse(self, reason: str) -> SchemaLoadError:
        self.refusals.append(reason)
        return SchemaLoadError(reason)

    def resolve(self, system_url: str | None, public_id: str | None, context: Any) -> Any:
        if not system_url:
            raise self._refuse("refused to load a schema without a location")
        parsed = urlparse(system_url)
        if parsed.scheme not in ("", "file") or parsed.netloc not in ("", "localhost"):
            raise self._refuse(f"refused to load {system_url!r}: only local schema files")
        path = Path(unquote(parsed.path) if parsed.scheme else system_url)
        if not path.is_absolute():
            path = self._directory / path
        path = path.resolve()
        if not path.is_relative_to(self._directory):
            raise self._refuse(f"refused to load {system_url!r}: outside {self._directory}")
        data = path.read_bytes()
        if _DOCTYPE in data:
            raise self._refuse(f"refused to load {path}: a DOCTYPE is not allowed")
        return self.resolve_string(data, context, base_url=str(path))


def load_schema(directory: Path) -> etree.XMLSchema:
    """Compile ``directory/CITESEPermit_2.xsd`` (and the files it imports) from local files."""
    directory = directory.resolve()
    main = directory / MAIN_XSD
    parser = safe_parser()
    resolver = _LocalFilesOnly(directory)
    parser.resolvers.add(resolver)
    try:
        data = main.read_bytes()
        if _DOCTYPE in data:
            raise SchemaLoadError(f"refused to load {main}: a DOCTYPE is not allowed")
        document = etree.fromstring(data, parser, base_url=str(main)).getroottree()
        return etree.XMLSchema(document)
    except SchemaLoadError:
        raise
    except (OSError, etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
        if resolver.refusals:
            raise SchemaLoadError("; ".join(resolver.refusals)) from exc
        raise SchemaLoadError(f"cannot load the XSD {main}: {exc}") from exc


def _local_step(element: etree._Element) -> str:
    name = str(etree.QName(element).localname)
    parent = element.getparent()
    if parent is None:
        return name
    same = list(parent.iterchildren(str(element.tag)))
    return f"{name}[{same.index(element) + 1}]" if len(same) > 1 else name


def _local_path(element: etree._Element, libxml2_path: str) -> str:
    """libxml2's path (with the document's prefixes, or ``*`` steps for default namespaces) as
    a path of local names: ``/CITESEPermit/.../IncludedSupplyChainConsignmentItem[2]/ID``."""
    fallback = _PREFIX_STEP.sub("", libxml2_path)
    if not libxml2_path.startswith("/"):
        return fallback
    root = element.getroottree().getroot()
    prefixes: dict[str, str] = {}
    for node in root.iter(etree.Element):
        for prefix, uri in node.nsmap.items():
            if prefix:
                prefixes.setdefault(prefix, uri)
    try:
        found = root.getroottree().xpath(libxml2_path, namespaces=prefixes)
    except etree.XPathError:
        return fallback
    if not isinstance(found, list) or not found or not isinstance(found[0], etree._Element):
        return fallback
    node = found[0]
    steps = [_local_step(ancestor) for ancestor in node.iterancestors()][::-1]
    return "/" + "/".join([*steps, _local_step(node)])


def _short_message(message: str) -> str:
    message = message.replace(f"{{{CITES}}}", "cites:").replace(f"{{{RAM}}}", "ram:")
    message = _LONG_SET.sub("the set of the code list", message)
    return _LONG_PATTERN.sub("the pattern of the code list", message)


@dataclass(frozen=True)
class SchemaRegistry:
    """The compiled ``CITESEPermit`` XSD. Thread-safe: one validation runs at a time (lxml keeps
    the error log on the schema object), which costs little next to building the document."""

    schema: etree.XMLSchema
    directory: Path
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    @classmethod
    def load(cls, directory: Path | None = None) -> SchemaRegistry:
        directory = (directory or default_schema_dir()).resolve()
        return cls(load_schema(directory), directory)

    def is_valid(self, element: etree._Element) -> bool:
        with self._lock:
            return bool(self.schema.validate(element))

    def validate(self, element: etree._Element) -> list[SchemaError]:
        """The XSD errors of ``element`` (a root ``CITESEPermit``); empty when it is valid."""
        with self._lock:
            if self.schema.validate(element):
                return []
            entries = list(self.schema.error_log)
        return [
            SchemaError(
                entry.line or None,
                _local_path(element, entry.path or ""),
                _short_message(entry.message),
            )
            for entry in entries
        ]
