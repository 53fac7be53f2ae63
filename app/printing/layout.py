"""The permit on A4, laid out like the standard CITES form (Res. Conf. 12.3, Annex 2): boxes
1 to 6 at the top, one block per species line (A, B, ...: boxes 7 to 12b), then boxes 13 to
15 and the verification QR code. Lines beyond four continue on further pages.

Labels are static ASCII in a core font (nothing to embed); every value is printed in the
embedded DejaVu font, which covers names such as "Ministère" or "Łódź". Values are read from
the permit document (the signed XML), never from elsewhere."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import TTFFont

from app.codelists.lists import code_lists
from app.printing import qr, texts
from app.printing.fonts import CORE_ENCODING
from app.xml.document import PermitDocument, PermitLine

LEFT, TOP, WIDTH = 10.0, 10.0, 190.0
HALF = WIDTH / 2
BOTTOM = 287.0
LINES_PER_PAGE = 4
LINE_HEIGHT = 24.0  # one species line: two rows of boxes
EMBEDDED = "dejavu"
LABEL_SIZE, VALUE_SIZE, LEADING = 5.8, 8.2, 3.3
TITLE = "CONVENTION ON INTERNATIONAL TRADE IN ENDANGERED SPECIES OF WILD FAUNA AND FLORA"
TYPES = (("E", "Export"), ("R", "Re-export"), ("I", "Import"), ("O", "Other"))
TYPE_TITLES = {
    "E": "EXPORT PERMIT",
    "R": "RE-EXPORT CERTIFICATE",
    "I": "IMPORT PERMIT",
    "O": "CERTIFICATE",
}


@dataclass(frozen=True)
class Printout:
    """What is printed besides the document: the copy mark, the verification URL (None for a
    permit issued before permits were signed), whether it was signed, and the print date."""

    copy: bool
    verify_url: str | None
    signed: bool
    printed_on: date


class Sheet:
    """One permit being drawn: a thin layer over fpdf2 with the form's box primitive."""

    def __init__(self, font: Path | None) -> None:
        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.core_fonts_encoding = CORE_ENCODING
        pdf.set_auto_page_break(False)
        pdf.set_margins(LEFT, TOP, LEFT)
        pdf.set_line_width(0.25)
        self.font = "helvetica"  # the values' font: a standard one, or the one embedded
        if font is not None:
            pdf.add_font(EMBEDDED, "", str(font))
            # The file's glyph boxes are right (DejaVu's, or a cut fontTools saved): without
            # this, fontTools unpacks and recompiles every embedded glyph to recompute them
            # (a third of an embedding's cost).
            embedded = pdf.fonts[EMBEDDED]
            assert isinstance(embedded, TTFFont)
            embedded.ttfont.recalcBBoxes = False
            self.font = EMBEDDED
        self.pdf = pdf

    def label(self, x: float, y: float, text: str, size: float = LABEL_SIZE) -> None:
        self.pdf.set_font("helvetica", "", size)
        self.pdf.text(x, y, text)

    def values(
        self, x: float, y: float, width: float, lines: Iterable[str], *, rows: int, size: float
    ) -> None:
        """``lines`` wrapped to ``width``, at most ``rows`` rows (the last one cut with ...)."""
        pdf = self.pdf
        pdf.set_font(self.font, "", size)
        out: list[str] = []
        for line in lines:
            out += self._wrap(line, width)
        if len(out) > rows:
            out = out[:rows]
            out[-1] = self._cut(out[-1] + " ...", width)
        leading = LEADING * size / VALUE_SIZE
        for i, text in enumerate(out):
            pdf.text(x, y + i * leading, text)

    def _wrap(self, text: str, width: float) -> list[str]:
        width_of = self.pdf.get_string_width
        if width_of(text) <= width:
            return [text]
        rows: list[str] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}" if current else word
            if width_of(candidate) <= width:
                current = candidate
                continue
            if current:
                rows.append(current)
            current = self._cut(word, width)
        if current:
            rows.append(current)
        return rows

    def _cut(self, text: str, width: float) -> str:
        while text and self.pdf.get_string_width(text) > width:
            text = text[:-2] + "…" if len(text) > 2 else text[:-1]
        return text

    def box(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        label: str,
        lines: Sequence[str] = (),
        *,
        size: float = VALUE_SIZE,
    ) -> None:
        """A numbered box of the form: frame, label in its top-left corner, values below."""
        self.pdf.rect(x, y, w, h)
        self.label(x + 1.0, y + 2.4, label)
        rows = max(1, int((h - 4.0) // (LEADING * size / VALUE_SIZE)))
        self.values(x + 1.5, y + 5.6, w - 3.0, lines, rows=rows, size=size)


def _header(sheet: Sheet, document: PermitDocument, printout: Printout) -> float:
    pdf = sheet.pdf
    title = TYPE_TITLES.get(document.type or "", "PERMIT")
    if document.type == "O" and document.name:
        title = document.name.upper()
    sheet.label(LEFT, TOP + 3, TITLE, size=7.5)
    pdf.set_font("helvetica", "B", 13)
    pdf.text(LEFT, TOP + 9.5, "CITES")
    pdf.set_font(sheet.font, "", 11)
    pdf.text(LEFT + 20, TOP + 9.5, title)
    pdf.set_font("helvetica", "B", 11)
    mark = "COPY" if printout.copy else "ORIGINAL"
    pdf.text(LEFT + WIDTH - pdf.get_string_width(mark), TOP + 9.5, mark)
    return TOP + 12.0


def _top_boxes(sheet: Sheet, document: PermitDocument, y: float) -> float:
    pdf = sheet.pdf
    # Box 1: type and number; Box 2: validity
    pdf.rect(LEFT, y, HALF, 16)
    sheet.label(LEFT + 1, y + 2.4, "1. PERMIT/CERTIFICATE No.")
    pdf.set_font(sheet.font, "", 12)
    pdf.text(LEFT + 2, y + 8.5, document.number or "")
    x = LEFT + 2
    for code, name in TYPES:
        pdf.rect(x, y + 11.2, 2.6, 2.6)
        if document.type == code:
            pdf.line(x, y + 11.2, x + 2.6, y + 13.8)
            pdf.line(x, y + 13.8, x + 2.6, y + 11.2)
        sheet.label(x + 3.4, y + 13.5, name, size=6.5)
        x += 20
    valid = [f"{texts.day(document.valid_until)}"]
    if document.valid_from:
        valid.append(f"(valid from {texts.day(document.valid_from)})")
    sheet.box(LEFT + HALF, y, HALF, 16, "2. Valid until", valid, size=9)
    y += 16
    # Box 3 and 3a: importer; Box 4: exporter / re-exporter
    importer = document.importer
    sheet.box(
        LEFT,
        y,
        HALF,
        20,
        "3. Importer (name and address)",
        texts.party(importer, with_country=False),
    )
    sheet.box(
        LEFT,
        y + 20,
        HALF,
        8,
        "3a. Country of import",
        [texts.country(importer.country if importer else None)],
    )
    sheet.box(
        LEFT + HALF,
        y,
        HALF,
        28,
        "4. Exporter/re-exporter (name, address and country)",
        texts.party(document.exporter),
    )
    y += 28
    # Box 5, 5a, 5b: conditions, purpose, security stamp; Box 6: the Management Authority
    conditions = list(document.special_conditions)
    if document.replaces is not None:
        replaced = f"Replaces {document.replaces.id}"
        if document.replaces.issue_date:
            replaced += f" of {texts.day(document.replaces.issue_date)}"
        if document.replacement_reason:
            replaced += f": {document.replacement_reason}"
        conditions.insert(0, replaced)
    sheet.box(LEFT, y, HALF, 20, "5. Special conditions", conditions)
    purpose = document.purpose_code or ""
    purpose_name = code_lists().purpose.get(purpose, "")
    sheet.box(
        LEFT,
        y + 20,
        HALF / 2,
        9,
        "5a. Purpose of the transaction",
        [f"{purpose} {purpose_name}".strip()],
    )
    sheet.box(
        LEFT + HALF / 2,
        y + 20,
        HALF / 2,
        9,
        "5b. Security stamp No.",
        [document.security_stamp or ""],
    )
    sheet.box(
        LEFT + HALF,
        y,
        HALF,
        29,
        "6. Name, address, national seal/stamp and country of Management Authority",
        texts.party(document.issuing_authority),
    )
    return y + 29


def _line_block(sheet: Sheet, line: PermitLine, y: float) -> None:
    pdf = sheet.pdf
    pdf.rect(LEFT, y, 8, LINE_HEIGHT)
    pdf.set_font("helvetica", "B", 12)
    pdf.text(LEFT + 2.2, y + 11.5, line.id[:2])
    x, row = LEFT + 8, LINE_HEIGHT / 2
    names = [line.scientific_name or "", line.common_name or ""]
    description = [
        " ".join(p for p in (line.term_code, code_lists().term.get(line.term_code or "")) if p),
        line.description or "",
        line.marks or "",
    ]
    appendix = f"{line.appendix or ''} {line.source_code or ''}".strip()
    top = (
        (56.0, "7./8. Scientific name and common name", names),
        (56.0, "9. Description of specimens, incl. identifying marks", description),
        (26.0, "10. Appendix and source", [appendix]),
        (44.0, "11. Quantity (including unit)", [texts.quantity(line.quantity, line.unit)]),
    )
    for width, label, values in top:
        sheet.box(x, y, width, row, label, [v for v in values if v])
        x += width
    x = LEFT + 8
    origin = texts.reference(line.origin_country, line.origin_permit)
    reexport = texts.reference(line.reexport_country, line.reexport_certificate)
    bottom = (
        (26.0, "11a. Total exported/Quota", ""),
        (60.0, "12. Country of origin, Permit No., Date", origin),
        (60.0, "12a. Country of last re-export, Certificate No., Date", reexport),
        (36.0, "12b. Operation No. or acquisition date", ""),
    )
    for width, label, value in bottom:
        sheet.box(x, y + row, width, row, label, [value] if value else [])
        x += width


def _issued(sheet: Sheet, document: PermitDocument, printout: Printout, y: float) -> float:
    signature = [document.issuing_official or ""]
    if printout.signed:
        signature.append("Signed electronically (XML signature of the Management Authority)")
    sheet.box(LEFT, y, WIDTH, 16, "13. This permit/certificate is issued by:", [])
    sheet.label(LEFT + 2, y + 6.5, "Place")
    sheet.label(LEFT + 52, y + 6.5, "Date")
    sheet.label(LEFT + 92, y + 6.5, "Security stamp, signature and official seal")
    sheet.values(LEFT + 2, y + 10.5, 48, [document.place_of_issue or ""], rows=1, size=VALUE_SIZE)
    sheet.values(LEFT + 52, y + 10.5, 38, [texts.day(document.issued_at)], rows=1, size=VALUE_SIZE)
    sheet.values(LEFT + 92, y + 10.5, 96, signature, rows=2, size=7.5)
    return y + 16


def _endorsement(sheet: Sheet, lines: Sequence[PermitLine], y: float) -> float:
    pdf = sheet.pdf
    sheet.box(LEFT, y, WIDTH, 24, "14. Export endorsement:", [])
    sheet.label(LEFT + 2, y + 6, "Block")
    sheet.label(LEFT + 14, y + 6, "Quantity")
    for i, line in enumerate(lines[:8]):
        row_y = y + 9.5 + (i % 4) * 3.6
        col = LEFT + 2 + (i // 4) * 45
        sheet.label(col, row_y, line.id[:2], size=7)
        pdf.line(col + 12, row_y + 0.5, col + 40, row_y + 0.5)
    for offset, caption in ((100, "Port of export"), (146, "Date")):
        sheet.label(LEFT + offset, y + 6, caption)
        pdf.line(LEFT + offset + 14, y + 6.5, LEFT + offset + 44, y + 6.5)
    sheet.label(LEFT + 100, y + 14, "Signature")
    sheet.label(LEFT + 146, y + 14, "Official stamp and title")
    return y + 24


def _footer(sheet: Sheet, printout: Printout, y: float) -> None:
    sheet.box(LEFT, y, WIDTH - 36, 10, "15. Bill of lading/Air waybill number:", [])
    note = f"Printed on {texts.day(printout.printed_on)} from the electronic permit."
    if printout.verify_url:
        note += " Scan the code or open the address below to verify it:"
        sheet.label(LEFT + 1, y + 14, note, size=6.5)
        sheet.values(LEFT + 1, y + 18, WIDTH - 38, [printout.verify_url], rows=2, size=7.5)
        qr.draw(sheet.pdf, printout.verify_url, x=LEFT + WIDTH - 34, y=y - 2, width=34)
    else:
        note += " Issued before permits were signed: ask the Management Authority to verify it."
        sheet.label(LEFT + 1, y + 14, note, size=6.5)


def _copy_mark(sheet: Sheet) -> None:
    pdf = sheet.pdf
    pdf.set_text_color(200, 200, 200)
    pdf.set_font("helvetica", "B", 110)
    with pdf.rotation(angle=45, x=105, y=160):
        pdf.text(48, 190, "COPY")
    pdf.set_text_color(0, 0, 0)


def render(document: PermitDocument, printout: Printout, font: Path | None) -> bytes:
    """The permit as PDF bytes: one A4 page for up to four lines, then continuation pages."""
    sheet = Sheet(font)
    pdf = sheet.pdf
    lines = document.lines
    chunks = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [()]
    for page, chunk in enumerate(chunks):
        pdf.add_page()
        if printout.copy:
            _copy_mark(sheet)
        y = _header(sheet, document, printout)
        if page == 0:
            y = _top_boxes(sheet, document, y)
        else:
            sheet.label(
                LEFT,
                y + 3,
                f"Continuation sheet {page + 1} of {len(chunks)} "
                f"of permit/certificate No. {document.number or ''}",
                size=8,
            )
            y += 6
        for line in chunk:
            _line_block(sheet, line, y + 1)
            y += LINE_HEIGHT + 1
        if page == len(chunks) - 1:
            y = max(y + 2, TOP + 12 + 16 + 28 + 29 + LINES_PER_PAGE * (LINE_HEIGHT + 1) + 2)
            y = _issued(sheet, document, printout, y)
            y = _endorsement(sheet, lines, y)
            _footer(sheet, printout, y + 2)
    return bytes(pdf.output())
