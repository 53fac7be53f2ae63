"""Writing the report as it is read: CSV (the Trade Database upload form: UTF-8, a header
row, comma separated, quoted where needed, LF line ends) or JSON, in chunks of text, so that
the whole report is never held in memory."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from app.reports.rows import TradeRow, columns, quantity_text, values
from app.reports.schemas import Basis, View

CHUNK = 64 * 1024  # characters per chunk handed to the file or the HTTP response


def csv_chunks(rows: Iterable[TradeRow], view: View) -> Iterator[str]:
    """The CSV text in chunks of about ``CHUNK`` characters. The loop is the report's
    hottest: one row at a time, a million times, so it calls as little as it can."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns(view))
    write, tell = writer.writerow, buffer.tell
    importer = view is View.IMPORTER
    for row in rows:
        quantity = row.quantity
        text = "" if quantity is None else str(quantity)
        if "E" in text:  # the rare exponent: quantity_text writes it out
            text = quantity_text(quantity)
        elif "." in text:
            text = text.rstrip("0").rstrip(".")
        head = (
            row.appendix,
            row.species_name,
            row.term_code,
            text,
            row.unit_code,
            row.trading_partner,
            row.country_of_origin,
        )
        tail = (row.export_permit, row.origin_permit, row.purpose_code, row.source_code, row.year)
        write((*head, row.import_permit, *tail) if importer else (*head, *tail))
        if tell() >= CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_chunks(
    rows: Iterable[TradeRow], *, party: str, year: int, view: View, basis: Basis
) -> Iterator[str]:
    """``{"party", "year", "view", "basis", "columns", "rows": [{column: text or null}]}``."""
    head = {"party": party, "year": year, "view": view, "basis": basis, "columns": columns(view)}
    parts = [json.dumps(head, ensure_ascii=False)[:-1], ', "rows": [']
    size, separator = 0, "\n"
    for row in rows:
        text = separator + json.dumps(values(row, view), ensure_ascii=False)
        parts.append(text)
        size += len(text)
        separator = ",\n"
        if size >= CHUNK:
            yield "".join(parts)
            parts, size = [], 0
    parts.append("\n]}\n")
    yield "".join(parts)
