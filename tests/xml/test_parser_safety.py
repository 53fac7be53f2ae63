"""The safe parser: hostile and broken inputs give a problem with a stable code, never an
exception, and finish quickly (inputs are kept small; no timing assertions)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from app.xml import parser
from app.xml.parser import MAX_BYTES, MAX_DEPTH, ParseResult, parse_xml, safe_parser
from app.xml.reader import read_permit_bytes

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SAMPLE = (SAMPLES / "foreign-fr-reexport.xml").read_bytes()

XXE_FILE = (
    b'<?xml version="1.0"?><!DOCTYPE CITESEPermit [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b"<CITESEPermit><HeaderExchangedDocument><ID>&xxe;</ID></HeaderExchangedDocument>"
    b"</CITESEPermit>"
)
XXE_HTTP = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/x">]><r>&xxe;</r>'
)
EXTERNAL_DTD = b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/r.dtd"><r/>'
PARAMETER_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><r/>'
)


def billion_laughs() -> bytes:
    entities = [b'<!ENTITY lol0 "lol">']
    for i in range(1, 10):
        ref = b"&lol%d;" % (i - 1)
        entities.append(b'<!ENTITY lol%d "%s">' % (i, ref * 10))
    return b"<?xml version='1.0'?><!DOCTYPE lolz [" + b"".join(entities) + b"]><lolz>&lol9;</lolz>"


def nested(depth: int) -> bytes:
    return b"<a>" * depth + b"</a>" * depth


def code_of(result: ParseResult) -> str:
    assert result.root is None
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.layer == "wellformed"
    assert problem.severity == "error"
    assert problem.message
    return problem.code


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (b"\x00\x01\x02\xff garbage", "malformed"),
        (b"not xml at all", "malformed"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "malformed"),
        (SAMPLE[: len(SAMPLE) // 2], "malformed"),
        (SAMPLE[:-5], "malformed"),
        (b"<a><b></a></b>", "malformed"),
        (b"<a/><b/>", "malformed"),
        (b"<a>\x00</a>", "malformed"),
        (b'<a x="1" x="2"/>', "malformed"),
        (b"<a>&foo;</a>", "entity_forbidden"),
        (XXE_FILE, "doctype_forbidden"),
        (XXE_HTTP, "doctype_forbidden"),
        (EXTERNAL_DTD, "doctype_forbidden"),
        (PARAMETER_ENTITY, "doctype_forbidden"),
        (billion_laughs(), "doctype_forbidden"),
        (b"<!DOCTYPE a><a/>", "doctype_forbidden"),
        (b"\xef\xbb\xbf<!DOCTYPE a><a/>", "doctype_forbidden"),
        ("<!DOCTYPE a><a/>".encode("utf-16"), "doctype_forbidden"),
        ("<!DOCTYPE a><a/>".encode("utf-32"), "doctype_forbidden"),
        (nested(100_000), "too_deep"),
        (nested(300), "too_deep"),
        (nested(MAX_DEPTH + 1), "too_deep"),
        ("<a>caf\xe9</a>".encode("latin-1"), "encoding"),
        ('<?xml version="1.0" encoding="UTF-8"?><a>caf\xe9</a>'.encode("latin-1"), "encoding"),
        (b'<?xml version="1.0" encoding="X-NOT-AN-ENCODING"?><a/>', "encoding"),
        ("<a>café</a>".encode("utf-16-le"), "encoding"),  # UTF-16 without BOM or declaration
        (
            b'<a xmlns:xi="http://www.w3.org/2001/XInclude">'
            b'<xi:include href="file:///etc/passwd" parse="text"/></a>',
            "xinclude_forbidden",
        ),
        (
            b'<a><b xmlns="http://www.w3.org/2003/XInclude"><include href="/etc/passwd"/></b></a>',
            "xinclude_forbidden",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_rejected_with_a_stable_code(data: bytes, code: str) -> None:
    assert code_of(parse_xml(data)) == code
    result = read_permit_bytes(data)
    assert result.document is None
    assert [p.code for p in result.problems] == [code]


def test_the_nesting_limit_is_exact() -> None:
    assert parse_xml(nested(MAX_DEPTH)).root is not None
    assert code_of(parse_xml(nested(MAX_DEPTH + 1))) == "too_deep"
    assert parse_xml(nested(10), max_depth=10).root is not None
    assert code_of(parse_xml(nested(11), max_depth=10)) == "too_deep"


def test_libxml2_stops_deep_documents_itself_without_huge_tree() -> None:
    # Our limit (64) is checked after parsing; libxml2 refuses anything past 256 levels while
    # parsing, so 100,000 levels never build a tree.
    with pytest.raises(etree.XMLSyntaxError, match="depth"):
        etree.fromstring(nested(100_000), safe_parser())
    assert code_of(parse_xml(nested(100_000), max_depth=10_000)) == "too_deep"


def test_size_limit_is_checked_before_parsing() -> None:
    big = b"<a>" + b"x" * 100 + b"</a>"
    assert parse_xml(big, max_bytes=len(big)).root is not None
    result = parse_xml(big, max_bytes=len(big) - 1)
    assert code_of(result) == "too_large"
    assert str(len(big)) in result.problems[0].message
    # Not even garbage is looked at beyond the limit.
    assert code_of(parse_xml(b"\x00" * (MAX_BYTES + 1))) == "too_large"


def test_malformed_reports_line_and_column() -> None:
    result = parse_xml(b"<a>\n  <b>\n</a>")
    assert code_of(result) == "malformed"
    problem = result.problems[0]
    assert problem.line == 3
    assert problem.column is not None
    assert "column" not in problem.message  # the position is in the fields, not repeated


def test_doctype_is_rejected_after_parsing_too(monkeypatch: pytest.MonkeyPatch) -> None:
    # Defence in depth: with the byte check disabled, the parsed document's docinfo still
    # shows the DOCTYPE, and the external entity was never read.
    monkeypatch.setattr(parser, "has_doctype", lambda _data: False)
    for data in (XXE_FILE, XXE_HTTP, EXTERNAL_DTD, b"<!DOCTYPE a><a/>"):
        assert code_of(parse_xml(data)) == "doctype_forbidden"
    assert code_of(parse_xml(billion_laughs())) in ("doctype_forbidden", "entity_forbidden")


def test_the_safe_parser_never_resolves_entities_or_fetches() -> None:
    root = etree.fromstring(XXE_FILE, safe_parser())
    assert b"root:" not in etree.tostring(root)  # /etc/passwd was not read
    root = etree.fromstring(XXE_HTTP, safe_parser())  # nothing listens there: no fetch tried
    assert etree.tostring(root) == b"<r>&xxe;</r>"


@pytest.mark.parametrize(
    "data",
    [
        '<?xml version="1.0" encoding="ISO-8859-1"?><a>caf\xe9</a>'.encode("latin-1"),
        '<?xml version="1.0" encoding="windows-1252"?><a>caf\xe9</a>'.encode("cp1252"),
        "<a>café</a>".encode("utf-16"),  # BOM
        '<?xml version="1.0" encoding="UTF-16"?><a>café</a>'.encode("utf-16"),
        "<a>café</a>".encode("utf-8-sig"),
        "<a>café</a>".encode(),
    ],
)
def test_declared_encodings_and_boms_are_accepted(data: bytes) -> None:
    result = parse_xml(data)
    assert result.root is not None
    assert result.root.text == "café"
    assert result.problems == []


def test_processing_instructions_and_comments_are_kept_and_inert() -> None:
    data = (
        b'<?xml-stylesheet type="text/xsl" href="http://127.0.0.1:9/evil.xsl"?>'
        b"<!-- c --><a><?php system('x'); ?><b>1</b></a>"
    )
    result = parse_xml(data)
    assert result.root is not None
    assert result.root.findtext("b") == "1"
    assert etree.tostring(result.root) == b"<a><?php system('x'); ?><b>1</b></a>"


def test_pi_and_comments_in_a_permit_do_not_disturb_reading() -> None:
    data = SAMPLE.replace(b"<HeaderExchangedDocument>", b"<HeaderExchangedDocument><?pi x?>")
    result = read_permit_bytes(data)
    assert result.document is not None
    assert result.document.number == "FR1202501030-R"


def test_cdata_is_text() -> None:
    result = parse_xml(b"<a><![CDATA[x < y]]></a>")
    assert result.root is not None
    assert result.root.text == "x < y"


def test_buffers_are_accepted_and_other_types_reported() -> None:
    assert parse_xml(bytearray(b"<a/>")).root is not None  # type: ignore[arg-type]
    assert parse_xml(memoryview(b"<a/>")).root is not None  # type: ignore[arg-type]
    assert code_of(parse_xml("<a/>")) == "unreadable"  # type: ignore[arg-type]


def test_many_attributes_and_long_names_are_bounded_by_the_size_limit() -> None:
    attributes = b" ".join(b'a%d="%d"' % (i, i) for i in range(20_000))
    assert parse_xml(b"<a " + attributes + b"/>").root is not None
    assert code_of(parse_xml(b"<" + b"n" * 60_000 + b"/>")) == "malformed"  # name too long
