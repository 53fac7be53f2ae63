"""The canonical shape of a permit for the reader's fast path (:mod:`app.xml.read_fast`): which
element is read under which parent, and the key its value is kept under.

The table follows the mapping in :mod:`app.xml.reader` (the lenient reader reads the same
elements under the same parents). :data:`SPEC` is the table made ready for the walk: each
child by its tag (local name as is, and in the CITES and RAM namespaces), giving its kind, its
key (a dotted path such as ``h.first.party.name``, fresh inside an element that occurs once per
line or reference) and the table of its children.
"""

from __future__ import annotations

from typing import TypeAlias

from app.xml.namespaces import CITES, RAM
from app.xml.read_values import ITEM

# What an element is to the walk: a value (the only one; one of several; the item quantity,
# with its unit), or a container read into the same dict (the only one; each of them), or into
# a new dict per occurrence.
VALUE, VALUES, QUANTITY, ONE, ALL, EACH = range(6)
Field: TypeAlias = "tuple[int, str, dict[str, Field] | None]"
Spec: TypeAlias = "dict[object, tuple[int, str, Spec]]"  # by tag


def _value(key: str) -> Field:
    return (VALUE, key, None)


def _values(key: str) -> Field:
    return (VALUES, key, None)


def _one(key: str, fields: dict[str, Field], kind: int = ONE) -> Field:
    return (kind, key, fields)


_NAMES = {"Name": _values("name")}
_PERSON = {"SpecifiedAuthoritativeSignatoryPerson": _one("person", _NAMES)}
_ADDRESS = {
    "StreetName": _value("street"),
    "PostcodeCode": _value("postcode"),
    "CityName": _value("city"),
    "CountryID": _value("country"),
}
_PARTY = _NAMES | {"PostalTradeAddress": _one("address", _ADDRESS)}
_REFERENCE = {"ID": _value("id"), "TypeCode": _value("type"), "IssueDateTime": _value("date")}
_PERIOD = {"StartDateTime": _value("start"), "EndDateTime": _value("end")}
_HEADER = _NAMES | {
    "ID": _value("id"),
    "TypeCode": _value("type"),
    "IssueDateTime": _value("issued"),
    "CopyIndicator": _value("copy"),
    "PurposeCode": _values("purpose_code"),
    "Purpose": _values("purpose"),
    "Information": _values("information"),
    "ReferenceReferencedDocument": _one("replaces", _REFERENCE, EACH),
    "EffectiveSpecifiedPeriod": _one("period", _PERIOD),
    "IssueLogisticsLocation": _one("place", _NAMES),
    "FirstSignatoryDocumentAuthentication": _one(
        "first", {"ID": _value("id"), "ProviderTradeParty": _one("party", _PARTY | _PERSON)}
    ),
    "ThirdSignatoryDocumentAuthentication": _one(
        "third", {"ProviderTradeParty": _one("party", _NAMES | _PERSON)}
    ),
}
_PRODUCT = {
    "ScientificName": _value("scientific"),
    "CommonName": _values("common"),
    "Description": _values("description"),
    "TypeCode": _value("term"),
}
_TRADE = {
    "TypeCode": _value("appendix"),
    "TypeExtensionCode": _value("source"),
    "SpecifiedTradeProduct": _one("product", _PRODUCT),
}
_LINE = {
    "ID": _value("id"),
    "PhysicalLogisticsShippingMarks": _one("marks", {"Marking": _values("marking")}, ALL),
    "OriginTradeCountry": _one("origin", {"ID": _value("id")}),
    "ExportTradeCountry": _one("export", {"ID": _value("id")}),
    "AssociatedReferencedDocument": _one("references", _REFERENCE, EACH),
    "TransportLogisticsPackage": _one("package", {"ItemQuantity": (QUANTITY, "quantity", None)}),
    "IncludedSupplyChainTradeLineItem": _one("trade", _TRADE),
}
_CONSIGNMENT = {
    "ConsignorTradeParty": _one("exporter", _PARTY),
    "ConsigneeTradeParty": _one("importer", _PARTY),
    ITEM: _one("lines", _LINE, EACH),
}
_PERMIT = {
    "HeaderExchangedDocument": _one("h", _HEADER),
    "SpecifiedSupplyChainConsignment": _one("c", _CONSIGNMENT),
}


def _compile(fields: dict[str, Field], prefix: str = "") -> Spec:
    """Keys become dotted paths (``h.first.party.name``; fresh inside an ``EACH`` element);
    each local name is entered as is and in the CITES and RAM namespaces."""
    spec: Spec = {}
    for name, (kind, key, inner) in fields.items():
        path = prefix + key
        sub = {} if inner is None else _compile(inner, "" if kind == EACH else path + ".")
        for tag in (name, f"{{{CITES}}}{name}", f"{{{RAM}}}{name}"):
            spec[tag] = (kind, path, sub)
    return spec


SPEC = _compile(_PERMIT)
# A party's keys below its own: name, then street, postcode, city and country.
PARTY_KEYS = ("name", *(f"address.{key}" for _, key, _ in _ADDRESS.values()))
