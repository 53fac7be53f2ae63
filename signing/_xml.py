"""The code base's one safe XML parser configuration, and the parsing the verifier does with it.

It lives here, in the lowest library, so that ``epix`` and the service (``app.xml.parser``)
use the same settings rather than copies of them: no entity substitution, no network, no
DTD, libxml2's size and depth limits on, and any DOCTYPE refused."""

from __future__ import annotations

import threading

from lxml import etree

from signing.errors import ErrorCode, VerificationError

DS = "http://www.w3.org/2000/09/xmldsig#"
DS_SIGNATURE = f"{{{DS}}}Signature"
NSMAP = {"ds": DS}

_DOCTYPE = b"<!DOCTYPE"
# UTF-16/32 spellings, searched only when a NUL byte in the first four shows such an encoding.
_WIDE_DOCTYPES = tuple(
    "<!DOCTYPE".encode(codec) for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def safe_parser() -> etree.XMLParser:
    """A new parser: no entity substitution, no network, no DTD, libxml2's size limits on.
    Comments, processing instructions and blank text are kept (c14n covers them)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        attribute_defaults=False,
        remove_blank_text=False,
        remove_comments=False,
        remove_pis=False,
        recover=False,
    )


_local = threading.local()


def thread_parser() -> etree.XMLParser:
    """One safe parser per thread, reused (lxml parsers must not be shared across threads)."""
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = safe_parser()
    return parser


def has_doctype(data: bytes) -> bool:
    """Whether the raw bytes spell a DOCTYPE (UTF-8/ASCII, or UTF-16/32 when the first four
    bytes show such an encoding): checked before any parsing."""
    return _DOCTYPE in data or (b"\x00" in data[:4] and any(m in data for m in _WIDE_DOCTYPES))


def _reject_doctype_in(tree: etree._ElementTree) -> None:
    docinfo = tree.docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise VerificationError(ErrorCode.DOCTYPE_FORBIDDEN, "a DOCTYPE is not allowed")


def parse(data: bytes) -> etree._Element:
    """Parse untrusted bytes; raise ``doctype_forbidden`` or ``malformed``."""
    if has_doctype(data):
        raise VerificationError(ErrorCode.DOCTYPE_FORBIDDEN, "a DOCTYPE is not allowed")
    try:
        root = etree.fromstring(data, thread_parser())
    except etree.XMLSyntaxError as exc:
        raise VerificationError(ErrorCode.MALFORMED, f"not well-formed XML: {exc.msg}") from None
    except (etree.LxmlError, ValueError) as exc:
        raise VerificationError(ErrorCode.MALFORMED, f"unreadable XML: {exc!s:.200}") from None
    check_element(root)
    return root


def check_element(root: etree._Element) -> None:
    """An element handed in by the caller: refuse a DOCTYPE or entity reference in its tree."""
    if not isinstance(root.tag, str):
        raise VerificationError(ErrorCode.MALFORMED, "the root is not an element")
    _reject_doctype_in(root.getroottree())
    if next(root.iter(etree.Entity), None) is not None:
        raise VerificationError(ErrorCode.DOCTYPE_FORBIDDEN, "entity references are not allowed")
