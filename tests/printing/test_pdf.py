"""The printed permit over HTTP: one A4 page laid out like the standard form, the values of
the signed XML (names in any script), the COPY mark, and a QR code that decodes to the
verification address."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pypdf
import pypdfium2
import pytest
import zxingcpp

from tests.factories import Api
from tests.printing.conftest import BASE_URL

LABELS = (
    "1. PERMIT/CERTIFICATE No.",
    "2. Valid until",
    "3. Importer (name and address)",
    "3a. Country of import",
    "4. Exporter/re-exporter (name, address and country)",
    "5. Special conditions",
    "5a. Purpose of the transaction",
    "5b. Security stamp No.",
    "6. Name, address, national seal/stamp and country of Management Authority",
    "7./8. Scientific name and common name",
    "9. Description of specimens",
    "10. Appendix and source",
    "11. Quantity (including unit)",
    "11a. Total exported/Quota",
    "12. Country of origin, Permit No., Date",
    "12a. Country of last re-export, Certificate No., Date",
    "12b. Operation No. or acquisition date",
    "13. This permit/certificate is issued by:",
    "14. Export endorsement:",
    "15. Bill of lading/Air waybill number:",
)
A4_POINTS = (595.28, 841.89)


def _line(letter_name: str, quantity: str = "2") -> dict[str, Any]:
    return {
        "scientific_name": letter_name,
        "common_name": None,
        "term_code": "LIV",
        "quantity": quantity,
        "unit_code": "",
        "appendix": "II",
        "source_code": "C",
        "origin_country": "CH",
    }


def _issue(api: Api, **overrides: Any) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    trader, officer = api.trader(), api.user("officer")
    application_id = api.submitted_application(trader, **overrides)
    c = api.client
    assert c.post(f"/api/v1/applications/{application_id}/approve", headers=officer).is_success
    issued = c.post(f"/api/v1/applications/{application_id}/issue", headers=officer)
    assert issued.status_code == 201, issued.text
    return issued.json(), trader, officer


def _pdf(api: Api, permit_id: int, headers: dict[str, str], **params: Any) -> bytes:
    response = api.client.get(f"/api/v1/permits/{permit_id}.pdf", headers=headers, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return response.content


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_an_issued_permit_prints_on_one_a4_page(api: Api) -> None:
    permit, trader, _ = _issue(api)
    response = api.client.get(f"/api/v1/permits/{permit['id']}.pdf", headers=trader)
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="{permit["number"]}.pdf"'

    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_POINTS, abs=0.5)
    text = reader.pages[0].extract_text()
    missing = [label for label in LABELS if label not in text]
    assert not missing
    assert permit["number"] in text
    assert "EXPORT PERMIT" in text
    assert "ORIGINAL" in text
    assert "COPY" not in text
    assert "Python regius" in text
    assert "Jardin des Plantes" in text  # Box 3, from the signed XML


@pytest.mark.parametrize(
    "name",
    [
        "Ministère de la Transition écologique",  # Windows-1252: the standard font
        "Miejski Ogród Zoologiczny w Łodzi",  # Latin Extended: the compact DejaVu cut
        "Αττικό Ζωολογικό Πάρκο",  # Greek with "Łódź": the European cut
        "Московский зоопарк",  # Cyrillic with "Łódź": the European cut
        "Երևանի կենդանաբանական այգի",  # Armenian: the full DejaVu font
    ],
)
def test_names_in_other_scripts_print(api: Api, name: str) -> None:
    counterparty = {"name": name, "address": "Piotrkowska 1, Łódź", "country": "PL"}
    permit, trader, _ = _issue(api, counterparty=counterparty)
    (text,) = _text(_pdf(api, permit["id"], trader))
    assert name in text
    assert "Piotrkowska 1, Łódź" in text
    assert "Poland (PL)" in text


def test_the_qr_code_decodes_to_the_verification_address(api: Api) -> None:
    permit, trader, _ = _issue(api)
    xml = api.client.get(f"/api/v1/permits/{permit['id']}.xml", headers=trader).content
    digest = hashlib.sha256(xml).hexdigest()[:16]
    expected = f"{BASE_URL}/verify/CH/{permit['number']}?d={digest}"

    document = pypdfium2.PdfDocument(_pdf(api, permit["id"], trader))
    image = document[0].render(scale=2).to_pil()
    document.close()
    codes = zxingcpp.read_barcodes(image)
    assert [code.text for code in codes] == [expected]
    assert expected in _text(_pdf(api, permit["id"], trader))[0]  # printed for typing too


def test_copies_are_marked(api: Api) -> None:
    permit, trader, officer = _issue(api)
    (copy,) = _text(_pdf(api, permit["id"], trader, copy="true"))
    assert "COPY" in copy
    assert "ORIGINAL" not in copy

    cancelled = api.client.post(
        f"/api/v1/permits/{permit['id']}/cancel", headers=officer, json={"reason": "not shipped"}
    )
    assert cancelled.status_code == 200, cancelled.text
    (after,) = _text(_pdf(api, permit["id"], trader))
    assert "COPY" in after  # no longer in force: it can only be printed as a copy
    assert "ORIGINAL" not in after


def test_more_than_four_lines_continue_on_a_second_page(api: Api) -> None:
    names = ["Python regius", "Boa constrictor", "Testudo graeca", "Chamaeleo calyptratus"]
    names.append("Varanus exanthematicus")
    permit, trader, _ = _issue(api, lines=[_line(name) for name in names])
    first, second = _text(_pdf(api, permit["id"], trader))
    assert all(name in first for name in names[:4])
    assert names[4] in second
    assert f"Continuation sheet 2 of 2 of permit/certificate No. {permit['number']}" in second
    assert "13. This permit/certificate is issued by:" in second
    assert "13. This permit/certificate is issued by:" not in first


def test_another_organisations_permit_is_not_found(api: Api) -> None:
    permit, _, _ = _issue(api)
    response = api.client.get(f"/api/v1/permits/{permit['id']}.pdf", headers=api.trader())
    assert response.status_code == 404
    assert response.json()["code"] == "permit_not_found"
