"""From what was recorded to report rows, for each view and basis.

* exporter, issued: lines of this Party's export permits and re-export certificates issued in
  the year (not cancelled, not replaced), with the permitted quantities;
* exporter, actual: the same documents' lines endorsed at export by this Party's customs in
  the year, with the endorsed quantities (a line not endorsed did not leave: no row);
* importer, issued: lines of this Party's import permits issued in the year;
* importer, actual: lines of other Parties' export permits and re-export certificates that
  this Party's customs cleared at import in the year, with the cleared quantities, read from
  the received signed document (and this Party's import permit presented with it).

The trading partner of an export is the country of import; of an import, the exporting (or
re-exporting) Party. The country of origin is given when it is not the exporting country."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache

from sqlalchemy.orm import Session

from app.codelists import lists
from app.core.errors import InvalidInput
from app.reports import repository
from app.reports.rows import TradeRow, permit_numbers
from app.reports.schemas import Basis, View
from app.xml.document import PermitDocument, PermitLine
from app.xml.reader import read_permit_bytes

EXPORT_DOCUMENTS = ("E", "R")  # export permits and re-export certificates
IMPORT_DOCUMENTS = ("I",)


@lru_cache(maxsize=256)
def unit(code: str | None) -> str:
    """UN/ECE Rec. 20 (legacy codes mapped, blank = NAR); an unknown code stays as given,
    for the validation to report."""
    try:
        return lists.unit_code(code)
    except InvalidInput:
        return (code or "").strip().upper()


def _origin(origin: str | None, exporter: str | None) -> str | None:
    return origin if origin and origin != exporter else None


_JSON = json.JSONDecoder()


def _crossed(text: str) -> dict[str, tuple[Decimal, str]]:
    """A border event's lines (app/permits/border.py writes them): letter -> (quantity,
    unit). ``raw_decode``: ``json.loads``'s own checks cost a second per million events."""
    lines, _end = _JSON.raw_decode(text)
    return {x["line"]: (Decimal(x["quantity"]), x["unit"]) for x in lines}


def _issued(session: Session, party: str, year: int, view: View) -> Iterator[TradeRow]:
    importing = view is View.IMPORTER
    kinds = IMPORT_DOCUMENTS if importing else EXPORT_DOCUMENTS
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    rows = repository.issued_lines(session, party=party, document_types=kinds, start=start, end=end)
    # The hot loop of the report (a million rows in seconds): positional columns, no calls
    # that can be avoided.
    for (
        number,
        issued_at,
        export_permit,
        partner,
        purpose,
        letter,
        name,
        term,
        appendix,
        source,
        origin,
        origin_permit,
        reexport_certificate,
        quantity,
        unit_code,
    ) in rows:
        yield TradeRow(
            appendix,
            name,
            term,
            quantity,
            unit(unit_code),
            partner,
            origin if origin and origin != (partner if importing else party) else None,
            number if importing else None,
            export_permit if importing else number,
            permit_numbers(origin_permit, reexport_certificate)
            if origin_permit or reexport_certificate
            else None,
            purpose,
            source,
            year,
            number,
            letter,
            issued_at,
        )


def _endorsed(session: Session, party: str, year: int) -> Iterator[TradeRow]:
    event_id, crossed = None, {}
    rows = repository.endorsed_lines(
        session,
        party=party,
        document_types=EXPORT_DOCUMENTS,
        first=date(year, 1, 1),
        last=date(year, 12, 31),
    )
    for (
        this_event,
        event_date,
        crossed_json,
        number,
        partner,
        purpose,
        letter,
        name,
        term,
        appendix,
        source,
        origin,
        origin_permit,
        reexport_certificate,
    ) in rows:
        if this_event != event_id:
            event_id, crossed = this_event, _crossed(crossed_json)
        endorsed = crossed.get(letter)
        if endorsed is None:  # this line did not leave
            continue
        yield TradeRow(
            appendix,
            name,
            term,
            endorsed[0],
            unit(endorsed[1]),
            partner,
            origin if origin and origin != party else None,
            None,
            number,
            permit_numbers(origin_permit, reexport_certificate)
            if origin_permit or reexport_certificate
            else None,
            purpose,
            source,
            year,
            number,
            letter,
            event_date,
        )


@dataclass(frozen=True, slots=True)
class _Clearance:
    event_date: date
    partner: str
    number: str
    import_permit: str | None


def _foreign_row(
    line: PermitLine,
    document: PermitDocument,
    clearance: _Clearance,
    year: int,
    cleared: Decimal,
    unit_code: str,
) -> TradeRow:
    partner = clearance.partner
    return TradeRow(
        appendix=line.appendix,
        species_name=line.scientific_name,
        term_code=line.term_code,
        quantity=cleared,
        unit_code=unit(unit_code),
        trading_partner=partner,
        country_of_origin=_origin(line.origin_country, partner),
        import_permit=clearance.import_permit,
        export_permit=clearance.number,
        origin_permit=permit_numbers(
            line.origin_permit.id if line.origin_permit else None,
            line.reexport_certificate.id if line.reexport_certificate else None,
        ),
        purpose_code=document.purpose_code,
        source_code=line.source_code,
        year=year,
        document=clearance.number,
        line=line.id,
        traded_on=clearance.event_date,
    )


def _cleared(session: Session, party: str, year: int, max_bytes: int) -> Iterator[TradeRow]:
    rows = repository.import_clearances(
        session, party=party, first=date(year, 1, 1), last=date(year, 12, 31)
    )
    for _event_id, event_date, crossed_json, issuer, number, import_permit, signed_xml in rows:
        clearance = _Clearance(event_date, issuer, number, import_permit)
        crossed = _crossed(crossed_json)
        read = read_permit_bytes(signed_xml, max_bytes=max_bytes) if signed_xml else None
        document = read.document if read is not None else None
        if document is None:  # not readable here: the rows say what customs recorded
            document = PermitDocument(number=number, type=None)
        lines = {x.id: x for x in document.lines}
        # in the document's line order; a line it does not have (unreadable) comes last
        letters = [x.id for x in document.lines if x.id in crossed]
        letters += [letter for letter in crossed if letter not in lines]
        for letter in letters:
            quantity, unit_code = crossed[letter]
            line = lines.get(letter) or PermitLine(id=letter)
            yield _foreign_row(line, document, clearance, year, quantity, unit_code)


def trade_rows(
    session: Session, *, party: str, year: int, view: View, basis: Basis, max_bytes: int
) -> Iterator[TradeRow]:
    """The report's rows, streamed, in the order of the trade (event or issue date)."""
    if basis is Basis.ISSUED:
        return _issued(session, party, year, view)
    if view is View.EXPORTER:
        return _endorsed(session, party, year)
    return _cleared(session, party, year, max_bytes)
