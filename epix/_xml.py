"""Safe parsing of untrusted bytes (the code base's one parser configuration, repeated here:
this library imports nothing from the service), and small tree helpers."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re

from lxml import etree

from epix.messages import EnvelopeError, ErrorCode
from signing import has_doctype, thread_parser

DS = "http://www.w3.org/2000/09/xmldsig#"
CITES = "urn:un:unece:uncefact:data:standard:CITESEPermit:2"
RAM = "urn:un:unece:uncefact:data:draft:ReusableAggregateBusinessInformationEntity:1"
ENVELOPE_NS = "urn:ecites:epix:envelope:1"
RECEIPT_NS = "urn:ecites:epix:receipt:1"
CITES_PERMIT = f"{{{CITES}}}CITESEPermit"

_OFFSET = re.compile(r".*(Z|[+-]\d{2}:\d{2})")


def parse(
    data: bytes, *, max_bytes: int, error: type[EnvelopeError] = EnvelopeError
) -> etree._Element:
    """Parse untrusted bytes; every failure (too large, DOCTYPE, not well-formed) is
    ``MALFORMED_XML``."""
    if len(data) > max_bytes:
        raise error(ErrorCode.MALFORMED_XML, f"the message exceeds {max_bytes} bytes")
    if has_doctype(data):
        raise error(ErrorCode.MALFORMED_XML, "a DOCTYPE is not allowed")
    try:
        root = etree.fromstring(data, thread_parser())
    except etree.XMLSyntaxError as exc:
        raise error(ErrorCode.MALFORMED_XML, f"not well-formed XML: {exc.msg}") from None
    except (etree.LxmlError, ValueError) as exc:
        raise error(ErrorCode.MALFORMED_XML, f"unreadable XML: {exc!s:.200}") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or next(root.iter(etree.Entity), None) is not None:
        raise error(ErrorCode.MALFORMED_XML, "a DOCTYPE or entity reference is not allowed")
    return root


def text(parent: etree._Element, tag: str) -> str:
    """The text of the required child ``tag`` ('' when empty); KeyError when missing."""
    child = parent.find(tag)
    if child is None:
        raise KeyError(tag)
    return child.text or ""


def optional_text(parent: etree._Element, tag: str) -> str | None:
    child = parent.find(tag)
    return None if child is None else (child.text or "")


def format_time(moment: dt.datetime) -> str:
    """ISO 8601 with offset; naive datetimes are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes must be timezone-aware")
    return moment.isoformat()


def parse_time(value: str) -> dt.datetime:
    if not _OFFSET.fullmatch(value):
        raise ValueError(f"no UTC offset in {value!r}")
    return dt.datetime.fromisoformat(value)


def sub(parent: etree._Element, tag: str, value: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if value is not None:
        element.text = value
    return element


def serialize(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8")


def encode_permit(data: bytes) -> str:
    """A signed permit as it travels: base64 of its exact bytes, so the receiver keeps byte for
    byte what the issuer signed. ValueError when ``data`` is not a CITESEPermit document."""
    try:
        root = parse(data, max_bytes=len(data))
    except EnvelopeError as exc:
        raise ValueError(f"not a signed permit: {exc.message}") from None
    if root.tag != CITES_PERMIT:
        raise ValueError("the permit must be a CITESEPermit document")
    return base64.b64encode(data).decode("ascii")


def decode_permit(
    value: str | None, *, max_bytes: int, error: type[EnvelopeError] = EnvelopeError
) -> bytes:
    """The exact bytes of a carried permit; refuses what is not a CITESEPermit document
    (``RULE_VIOLATION``)."""
    try:
        data = base64.b64decode("".join((value or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise error(ErrorCode.SCHEMA_INVALID, "the permit is not valid base64") from None
    try:
        root = parse(data, max_bytes=max_bytes, error=error)
    except EnvelopeError as exc:
        raise error(ErrorCode.RULE_VIOLATION, f"the carried permit: {exc.message}") from None
    if root.tag != CITES_PERMIT:
        raise error(ErrorCode.RULE_VIOLATION, "the carried document is not a CITESEPermit")
    return data
