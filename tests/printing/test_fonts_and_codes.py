"""The printing core without HTTP: the font chosen for the texts, the verification address,
a permit printed without a signature (no QR code), and a clear error without a font."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import zxingcpp

from app.printing import qr
from app.printing import service as printing
from app.printing.fonts import FontUnavailable, find_font, print_fonts
from tests.factories import Api


def test_the_font_is_chosen_by_what_it_must_print() -> None:
    fonts = print_fonts()
    assert fonts.for_texts("Ministère de l'Écologie, Zürich, 5 €") is None  # Helvetica
    assert fonts.for_texts("Łódź, Dvořák") == fonts.cut("latin")
    assert fonts.for_texts("Αθήνα, Ελλάδα") == fonts.cut("greek")
    assert fonts.for_texts("Москва, Россия") == fonts.cut("cyrillic")
    assert fonts.for_texts("Łódź, Москва") == fonts.cut("european")
    assert fonts.for_texts("Երևան") == fonts.full
    for name in ("latin", "greek", "cyrillic"):  # the cost of embedding grows with the size
        assert fonts.cut(name).stat().st_size < fonts.full.stat().st_size / 8


def test_a_missing_font_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FontUnavailable) as raised:
        find_font(tmp_path / "missing.ttf")
    assert raised.value.code == "pdf_font_unavailable"
    assert str(tmp_path / "missing.ttf") in raised.value.message
    not_a_font = tmp_path / "not-a-font.ttf"
    not_a_font.write_bytes(b"plain text")
    with pytest.raises(FontUnavailable, match="not a usable TrueType font"):
        print_fonts(not_a_font)


def test_the_verification_address() -> None:
    digest = qr.short_digest(b"<CITESEPermit/>")
    assert len(digest) == 16
    assert int(digest, 16) >= 0
    url = qr.verification_url("https://ma.example/", party="CH", number="26 CH/7", digest=digest)
    assert url == f"https://ma.example/verify/CH/26%20CH%2F7?d={digest}"


def test_a_permit_printed_without_signature_has_no_code(api: Api) -> None:
    trader, officer = api.trader(), api.user("officer")
    permit = api.issued_permit(trader, officer)
    xml = api.client.get(f"/api/v1/permits/{permit['id']}.xml", headers=trader).content
    pdf = printing.permit_pdf(
        xml, signed=False, copy=False, base_url="https://ma.example", today=date(2026, 1, 2)
    )
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Issued before permits were signed" in text
    assert "Printed on 2026-01-02" in text
    document = pypdfium2.PdfDocument(pdf)
    assert zxingcpp.read_barcodes(document[0].render(scale=2).to_pil()) == []
    document.close()


def test_an_unreadable_document_is_refused() -> None:
    with pytest.raises(printing.PermitUnreadable):
        printing.permit_pdf(
            b"<not-a-permit/>",
            signed=True,
            copy=False,
            base_url="https://x.example",
            today=date(2026, 1, 2),
        )
