"""Fuzzing: mutated samples (bytes flipped, inserted or cut off; elements deleted, duplicated or
given random text and attributes) never make the parser or the reader raise. Each input gives
a document, or problems, or both."""

from __future__ import annotations

import copy
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from app.xml.parser import parse_xml, safe_parser
from app.xml.problems import Problem
from app.xml.reader import ReadResult, read_permit, read_permit_bytes

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"
SAMPLES = [
    path.read_bytes()
    for pattern in ("foreign-*.xml", "ours-*.xml")
    for path in sorted(SAMPLES_DIR.glob(pattern))
]
FUZZ = settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Text lxml accepts in a tree (no surrogates, control characters or non-characters), mixed
# with the values the reader has rules for.
xml_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn")), max_size=30
) | st.sampled_from(
    [
        "",
        " ",
        "?",
        "-",
        "N/A",
        "null",
        "861",
        "811",
        "Export",
        "Re-export",
        "Import",
        "1,5",
        "NaN",
        "-1",
        "1e999",
        "2025-13-01",
        "20250103",
        "2025-01-03T10:00:00+01:00",
        "PCS",
        "KIL",
        "1",
        "II",
        "true",
        "CBFShip",
        "CITESEPermit",
    ]
)
ATTRIBUTES = ["unitCode", "listID", "listAgencyID", "languageID", "schemeID", "format"]
BYTE_MUTATIONS = ("flip", "insert", "truncate")
TREE_MUTATIONS = ("delete", "duplicate", "attribute", "text", "rename")
NAMES = ["ID", "TypeCode", "ItemQuantity", "CITESEPermit", "IncludedSupplyChainConsignmentItem"]


def _mutate_tree(draw: st.DrawFn, data: bytes, kind: str) -> bytes:
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError:
        return data  # already broken by an earlier byte mutation
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    el = elements[draw(st.integers(0, len(elements) - 1))]
    parent = el.getparent()
    if kind == "delete" and parent is not None:
        parent.remove(el)
    elif kind == "duplicate" and parent is not None:
        parent.insert(parent.index(el) + 1, copy.deepcopy(el))
    elif kind == "attribute":
        el.set(draw(st.sampled_from(ATTRIBUTES)), draw(xml_text))
    elif kind == "text":
        el.text = draw(xml_text)
    elif kind == "rename":
        namespace = etree.QName(el).namespace
        name = draw(st.sampled_from(NAMES))
        el.tag = f"{{{namespace}}}{name}" if namespace else name
    result: bytes = etree.tostring(root)
    return result


@st.composite
def mutated_samples(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(SAMPLES))
    for _ in range(draw(st.integers(1, 4))):
        # Tree mutations weigh more: they keep the XML well-formed, so the reader gets to work.
        kind = draw(st.sampled_from(BYTE_MUTATIONS + TREE_MUTATIONS * 3))
        if kind == "flip" and data:
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        elif kind == "insert":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(max_size=16)) + data[at:]
        elif kind == "truncate":
            data = data[: draw(st.integers(0, len(data)))]
        elif kind in TREE_MUTATIONS:
            data = _mutate_tree(draw, data, kind)
    return data


def check_result(result: ReadResult) -> None:
    assert isinstance(result.problems, list)
    assert all(isinstance(p, Problem) and p.code and p.message for p in result.problems)
    if result.document is None:
        assert any(p.severity == "error" for p in result.problems)


def check(data: bytes) -> None:
    parsed = parse_xml(data)
    assert (parsed.root is None) == bool(parsed.problems)
    result = read_permit_bytes(data)
    check_result(result)
    if parsed.root is not None:
        assert read_permit(parsed.root) == result


@FUZZ
@given(mutated_samples())
def test_mutated_samples_never_raise(data: bytes) -> None:
    check(data)


@FUZZ
@given(st.binary(max_size=512))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    check(data)


def test_each_sample_reads_as_a_document() -> None:
    for data in SAMPLES:
        result = read_permit_bytes(data)
        assert result.document is not None
        assert result.ok
