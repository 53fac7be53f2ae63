"""Printing a permit: read the XML that was signed, choose the font, lay out the PDF.

The signed XML is the permit's truth, so the printout shows what it says and nothing from
elsewhere; the caller (who knows the permit's record) decides only whether it is a copy."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.core.errors import DomainError
from app.printing import layout, qr, texts
from app.printing.fonts import print_fonts
from app.xml.reader import read_permit_bytes


class PermitUnreadable(DomainError):
    """The stored document could not be read back: a fault of the service, never the
    client's (the XML was validated when it was issued)."""

    code = "permit_unprintable"
    status = 500


def permit_pdf(
    xml: bytes,
    *,
    signed: bool,
    copy: bool,
    base_url: str,
    today: date,
    font_file: Path | None = None,
    max_bytes: int = 2 * 1024 * 1024,
) -> bytes:
    """The A4 PDF of the permit whose XML is ``xml``. ``signed``: ``xml`` is the signed
    document as issued, so the printout carries the QR code of its verification URL (with
    the short digest of exactly these bytes). ``copy``: mark every page as a copy (also done
    when the document itself says it is one)."""
    document = read_permit_bytes(xml, max_bytes=max_bytes).document
    if document is None or not document.number or not document.issuing_country:
        raise PermitUnreadable("the stored permit document could not be read for printing")
    url = None
    if signed:
        url = qr.verification_url(
            base_url,
            party=document.issuing_country,
            number=document.number,
            digest=qr.short_digest(xml),
        )
    printout = layout.Printout(
        copy=copy or document.copy, verify_url=url, signed=signed, printed_on=today
    )
    font = print_fonts(font_file).for_texts(texts.texts_of(document))
    return layout.render(document, printout, font)
