"""The one XML parser configuration of the code base, and ``parse_xml``, which never raises.

Every place that reads XML (received permits, EPIX envelopes and receipts, signature checks,
uploads) parses with :func:`safe_parser` through :func:`parse_xml`; never with the standard
library's ``xml.etree`` / ``minidom`` / ``xml.sax``.

What is rejected, each with a stable problem ``code`` (layer ``wellformed``, severity error):

================== ==========================================================================
``too_large``      more than ``max_bytes`` (checked before parsing; the API answers 413)
``empty``          no bytes, or only whitespace
``doctype_forbidden`` any DOCTYPE: found in the raw bytes (ASCII-compatible, UTF-16 and UTF-32
                   spellings) before parsing, and again in the parsed document's ``docinfo``
                   (whatever the encoding). This also stops XXE, external DTDs and
                   billion-laughs entity expansion. (A literal ``<!DOCTYPE`` inside a comment or
                   CDATA section is rejected too: no permit needs one.)
``entity_forbidden`` an entity reference (none can be declared without a DTD), or libxml2's
                   entity amplification limit
``encoding``       not UTF-8 and no (correct) encoding declaration, or an unknown encoding;
                   UTF-16/UTF-32 with a byte order mark and a declared encoding are accepted
``too_deep``       elements nested deeper than ``max_depth`` (64); libxml2 itself stops at 256
                   without ``huge_tree``, so 100,000 nested elements fail fast, not recursively
``xinclude_forbidden`` an XInclude element: XInclude is never processed, and has no place in
                   any document this service reads
``malformed``      any other well-formedness error (truncated, mismatched tags, garbage, two
                   roots), with line and column from libxml2
``unreadable``     anything else that stopped the parser (never expected; reported, not raised)
================== ==========================================================================

Parser options and why: ``resolve_entities=False`` (no entity is ever substituted),
``no_network=True`` (nothing is fetched), ``load_dtd=False`` and ``dtd_validation=False`` (no
DTD is read), ``huge_tree=False`` (libxml2's depth and text-size limits stay on). Blank text,
comments and processing instructions are *kept*: the same tree is handed to the XMLDSig
verifier, and exclusive c14n covers whitespace and processing instructions, so dropping them
would break genuine signatures. The configuration itself is ``signing.safe_parser``: the
lowest library holds it so that the verifier, ``epix`` and this module share one copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from lxml import etree

from app.xml.problems import WELLFORMED, Problem
from signing import has_doctype, thread_parser
from signing import safe_parser as safe_parser  # the one configuration, re-exported

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64

# libxml2 error numbers (xmlParserErrors), stable across versions.
_ERR_DOCUMENT_EMPTY = 4
_ERR_INVALID_CHAR = 9
_ERR_UNDECLARED_ENTITY = 26
_WAR_UNDECLARED_ENTITY = 27
_ERR_UNPARSED_ENTITY = 28
_ERR_ENTITY_IS_EXTERNAL = 29
_ERR_ENTITY_IS_PARAMETER = 30
_ERR_UNKNOWN_ENCODING = 31
_ERR_UNSUPPORTED_ENCODING = 32
_ERR_INVALID_ENCODING = 81
_ERR_ENTITY_LOOP = 89
_ERR_RESOURCE_LIMIT = 114

_ENTITY_ERRORS = frozenset(
    {
        _ERR_UNDECLARED_ENTITY,
        _WAR_UNDECLARED_ENTITY,
        _ERR_UNPARSED_ENTITY,
        _ERR_ENTITY_IS_EXTERNAL,
        _ERR_ENTITY_IS_PARAMETER,
        _ERR_ENTITY_LOOP,
    }
)
_ENCODING_ERRORS = frozenset(
    {_ERR_UNKNOWN_ENCODING, _ERR_UNSUPPORTED_ENCODING, _ERR_INVALID_ENCODING}
)

_POSITION_SUFFIX = re.compile(r",\s*line \d+, column \d+\s*$")
_XINCLUDE_TAGS = ("{http://www.w3.org/2001/XInclude}*", "{http://www.w3.org/2003/XInclude}*")


@dataclass(frozen=True)
class ParseResult:
    """The root element when the bytes are a well-formed, acceptable document, else problems."""

    root: etree._Element | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.root is not None


def _problem(
    code: str, message: str, line: int | None = None, column: int | None = None
) -> Problem:
    return Problem(WELLFORMED, code, message, line=line, column=column)


def _fail(problem: Problem) -> ParseResult:
    return ParseResult(None, [problem])


@cache
def _too_deep(max_depth: int) -> etree.XPath:
    # True when an element exists at depth max_depth + 1 (the root is depth 1); evaluated in C.
    return etree.XPath("boolean(" + "/*" * (max_depth + 1) + ")")


def _syntax_problem(exc: etree.XMLSyntaxError, data: bytes) -> Problem:
    code_number = exc.code
    message = _POSITION_SUFFIX.sub("", str(exc.msg or "not well-formed XML")).strip()
    line, column = exc.position if exc.position else (None, None)
    lowered = message.lower()
    if "excessive depth" in lowered or (code_number == _ERR_RESOURCE_LIMIT and "depth" in lowered):
        return _problem("too_deep", f"elements are nested too deeply: {message}", line, column)
    if code_number in _ENTITY_ERRORS or (
        code_number == _ERR_RESOURCE_LIMIT and "entity" in lowered
    ):
        return _problem("entity_forbidden", f"entities are not allowed: {message}", line, column)
    if code_number in _ENCODING_ERRORS or (
        # UTF-16/UTF-32 without a byte order mark: a NUL byte next to the first '<'
        code_number == _ERR_INVALID_CHAR and b"\x00" in data[:2]
    ):
        return _problem(
            "encoding",
            f"the document is not UTF-8 and does not declare its encoding correctly ({message})",
            line,
            column,
        )
    if code_number == _ERR_DOCUMENT_EMPTY and not data.strip():
        return _problem("empty", "the document is empty")
    return _problem("malformed", f"not well-formed XML: {message}", line, column)


def parse_xml(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH
) -> ParseResult:
    """Parse untrusted bytes safely. Never raises: returns the root or a list of problems."""
    if not isinstance(data, bytes):
        if isinstance(data, bytearray | memoryview):
            data = bytes(data)
        else:
            return _fail(_problem("unreadable", "the document must be given as bytes"))
    if len(data) > max_bytes:
        return _fail(
            _problem("too_large", f"the document has {len(data)} bytes; the limit is {max_bytes}")
        )
    if not data or data.isspace():
        return _fail(_problem("empty", "the document is empty"))
    if has_doctype(data):
        return _fail(_problem("doctype_forbidden", "a DOCTYPE is not allowed"))
    try:
        root = etree.fromstring(data, thread_parser())
    except etree.XMLSyntaxError as exc:
        return _fail(_syntax_problem(exc, data))
    except Exception as exc:  # lxml may raise other errors for exotic input; never let them out
        return _fail(_problem("unreadable", f"the document could not be parsed: {exc!s:.200}"))
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype or docinfo.system_url:
        return _fail(_problem("doctype_forbidden", "a DOCTYPE is not allowed"))
    if _too_deep(max_depth)(root):
        return _fail(_problem("too_deep", f"elements are nested deeper than {max_depth} levels"))
    # An XInclude element needs its namespace URI spelled out: in an ASCII-compatible
    # document, no "XInclude" in the bytes means none in the tree (the byte test is ~5x faster).
    might_include = b"XInclude" in data or b"\x00" in data[:4]
    if might_include and next(root.iter(*_XINCLUDE_TAGS), None) is not None:
        return _fail(_problem("xinclude_forbidden", "XInclude elements are not allowed"))
    return ParseResult(root)
