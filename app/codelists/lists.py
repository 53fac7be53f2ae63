"""Lookups over the shipped code lists. Every check returns the normalised code or raises
``InvalidInput`` naming the field, the value and the list (with its version)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pycountry

from app.core.errors import InvalidInput


@dataclass(frozen=True)
class CodeLists:
    version: str
    purpose: dict[str, str]
    source: dict[str, dict[str, Any]]
    appendix: dict[str, str]
    appendix_aliases: dict[str, str]
    unit: dict[str, str]
    unit_legacy: dict[str, str]
    term: dict[str, str]
    country: dict[str, str]
    document_type: dict[str, str]
    other_subtype: dict[str, dict[str, Any]]
    validity_months: dict[str, int]


@cache
def code_lists() -> CodeLists:
    raw = json.loads(
        resources.files("app.codelists").joinpath("data/codelists.json").read_text("utf-8")
    )
    countries = {c.alpha_2: c.name for c in pycountry.countries}
    countries.update(raw["country_pseudo"])
    return CodeLists(
        version=raw["version"],
        purpose=raw["purpose"],
        source=raw["source"],
        appendix=raw["appendix"],
        appendix_aliases=raw["appendix_aliases"],
        unit=raw["unit"],
        unit_legacy=raw["unit_legacy"],
        term=raw["term"],
        country=dict(sorted(countries.items())),
        document_type=raw["document_type"],
        other_subtype=raw["other_subtype"],
        validity_months=raw["validity_months"],
    )


def _unknown(field: str, value: str, list_name: str) -> InvalidInput:
    return InvalidInput(
        f"{field}: {value!r} is not in the CITES {list_name} code list",
        code="unknown_code",
        details={
            "field": field,
            "value": value,
            "list": list_name,
            "version": code_lists().version,
        },
    )


def _lookup(field: str, value: str, list_name: str, table: dict[str, Any]) -> str:
    code = value.strip().upper()
    if code not in table:
        raise _unknown(field, value, list_name)
    return code


def purpose_code(value: str, field: str = "purpose_code") -> str:
    return _lookup(field, value, "purpose", code_lists().purpose)


def source_code(value: str, field: str = "source_code") -> str:
    return _lookup(field, value, "source", code_lists().source)


def term_code(value: str, field: str = "term_code") -> str:
    return _lookup(field, value, "term", code_lists().term)


def country_code(value: str, field: str = "country") -> str:
    return _lookup(field, value, "country", code_lists().country)


def document_type(value: str, field: str = "document_type") -> str:
    return _lookup(field, value, "document type", code_lists().document_type)


def other_subtype(value: str, field: str = "other_subtype") -> str:
    key = value.strip().lower()
    if key not in code_lists().other_subtype:
        raise _unknown(field, value, "certificate subtype")
    return key


def appendix(value: str, field: str = "appendix") -> str:
    lists = code_lists()
    code = value.strip().upper()
    code = lists.appendix_aliases.get(code, code)
    if code not in lists.appendix:
        raise _unknown(field, value, "appendix")
    return code


def unit_code(value: str | None, field: str = "unit_code") -> str:
    """UN/ECE Rec. 20 unit; blank means a number of items; legacy codes are mapped."""
    lists = code_lists()
    code = (value or "").strip().upper()
    if not code:
        return "NAR"
    if code in lists.unit:
        return code
    if code in lists.unit_legacy:
        return lists.unit_legacy[code]
    raise _unknown(field, value or "", "unit")


def validity_months(document_type_code: str, subtype: str | None) -> int:
    lists = code_lists()
    if document_type_code == "O":
        return int(lists.other_subtype[subtype or "origin"]["validity_months"])
    return int(lists.validity_months[document_type_code])
