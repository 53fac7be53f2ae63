"""Hypothesis strategies for permit documents, with values as the reader normalises them."""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from hypothesis import strategies as st

from app.codelists.lists import code_lists
from app.core.clock import add_months
from app.xml.document import (
    ORIGIN_PERMIT,
    REEXPORT_CERTIFICATE,
    DocumentReference,
    PermitDocument,
    PermitLine,
    TradeParty,
)
from app.xml.reader import PLACEHOLDERS

T = TypeVar("T")
LISTS = code_lists()
# Printable text as people type it: letters (accented too), digits, punctuation, inner spaces.
_CHARS = st.characters(
    codec="utf-8",
    categories=("L", "N", "P", "Zs", "S"),
    exclude_characters="\x00\u2028\u2029\x85\xa0\u3000\u1680",
)


@st.composite
def texts(draw: st.DrawFn, max_size: int = 60) -> str:
    raw = draw(st.text(_CHARS, min_size=1, max_size=max_size))
    text = " ".join(raw.split()) or "x"
    # the reader takes placeholders such as "?" or "n/a" for "absent"
    return f"{text}." if text.lower() in PLACEHOLDERS else text


def codes(table: Mapping[str, object]) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(table))


countries = st.sampled_from(sorted(c for c in LISTS.country if len(c) == 2))
numbers = st.text(string.ascii_uppercase + string.digits + "-/", min_size=1, max_size=35).filter(
    lambda n: n.lower() not in PLACEHOLDERS
)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31))
quantities = st.decimals(
    min_value=Decimal("0.001"),
    max_value=Decimal("999999999"),
    places=3,
    allow_nan=False,
    allow_infinity=False,
)
species = st.sampled_from(
    [
        "Python regius",
        "Panthera leo",
        "Aloe spp.",
        "Crocodylus niloticus niloticus",
        "Dendrobium nobile",
        "Acipenser baerii",
    ]
)


def optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


parties = st.builds(TradeParty, name=texts(), address=optional(texts(120)), country=countries)


@st.composite
def lines(draw: st.DrawFn, index: int) -> PermitLine:
    origin = draw(
        optional(
            st.builds(
                DocumentReference,
                id=numbers,
                type_code=st.just(ORIGIN_PERMIT),
                issue_date=optional(dates),
            )
        )
    )
    reexport = draw(
        optional(
            st.builds(
                DocumentReference,
                id=numbers,
                type_code=st.just(REEXPORT_CERTIFICATE),
                issue_date=optional(dates),
            )
        )
    )
    return PermitLine(
        id=string.ascii_uppercase[index],
        scientific_name=draw(species),
        common_name=draw(optional(texts())),
        description=draw(optional(texts(200))),
        term_code=draw(codes(LISTS.term)),
        quantity=draw(quantities),
        unit=draw(codes(LISTS.unit)),
        appendix=draw(st.sampled_from(["I", "II", "III"])),
        source_code=draw(codes(LISTS.source)),
        origin_country=draw(optional(countries)),
        origin_permit=origin,
        reexport_country=draw(optional(countries)),
        reexport_certificate=reexport,
        marks=draw(optional(texts(80))),
    )


@st.composite
def permit_documents(draw: st.DrawFn) -> PermitDocument:
    doc_type = draw(st.sampled_from(["E", "R", "I", "O"]))
    issued_on = draw(dates)
    seconds = draw(st.integers(min_value=0, max_value=86_399))
    issued_at = datetime(issued_on.year, issued_on.month, issued_on.day, tzinfo=UTC) + (
        timedelta(seconds=seconds)
    )
    months = {"E": 6, "R": 6, "I": 12, "O": 6}[doc_type]
    valid_until = draw(st.dates(min_value=issued_on, max_value=add_months(issued_on, months)))
    count = draw(st.integers(min_value=1, max_value=5))
    replaced = draw(st.booleans())
    country = draw(countries)
    authority = draw(parties)
    return PermitDocument(
        number=draw(numbers),
        type=doc_type,
        name=(
            str(LISTS.other_subtype[draw(codes(LISTS.other_subtype))]["name"])
            if doc_type == "O"
            else None
        ),
        issued_at=issued_at,
        valid_from=issued_on,
        valid_until=valid_until,
        purpose_code=draw(codes(LISTS.purpose)),
        special_conditions=tuple(draw(st.lists(texts(200), max_size=3))),
        copy=draw(st.booleans()),
        issuing_country=country,
        issuing_authority=TradeParty(authority.name, authority.address, country),
        place_of_issue=draw(optional(texts())),
        issuing_official=draw(optional(texts())),
        security_stamp=draw(optional(numbers)),
        exporter=draw(parties),
        importer=draw(parties),
        replaces=(
            draw(
                st.builds(
                    DocumentReference, id=numbers, type_code=st.none(), issue_date=optional(dates)
                )
            )
            if replaced
            else None
        ),
        replacement_reason=draw(texts(120)) if replaced else None,
        lines=tuple(draw(lines(i)) for i in range(count)),
    )
