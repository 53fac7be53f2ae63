"""The ``ours-*.xml`` samples: permit documents as this service issues them, written by
``app.xml.writer``. ``SAMPLES`` maps each file name to the ``PermitDocument`` it was made from
(the reader's round-trip tests compare against it). Regenerate after a writer or XSD change::

    .venv/bin/python tests/samples/make_ours.py

``tests/xml/test_writer.py`` fails while a file differs from what the writer makes now.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from app.xml.document import (
    ORIGIN_PERMIT,
    REEXPORT_CERTIFICATE,
    DocumentReference,
    PermitDocument,
    PermitLine,
    TradeParty,
)
from app.xml.schema import SchemaRegistry
from app.xml.writer import to_bytes

HERE = Path(__file__).resolve().parent

SWISS_MA = TradeParty(
    "Federal Food Safety and Veterinary Office FSVO, CITES Management Authority",
    "Schwarzenburgstrasse 155, 3003 Bern",
    "CH",
)

EXPORT_3_LINES = PermitDocument(
    number="26CH000123",
    type="E",
    issued_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
    valid_from=date(2026, 11, 24),
    valid_until=date(2027, 5, 24),
    purpose_code="T",
    special_conditions=(
        "Live animals must be shipped in accordance with the IATA Live Animals Regulations.",
        "Valid only with the original invoice no. 2026/1187 & packing list <3 pages>.",
    ),
    issuing_country="CH",
    issuing_authority=SWISS_MA,
    place_of_issue="Bern",
    issuing_official="Anna Müller",
    security_stamp="CH0012345",
    exporter=TradeParty("Reptilia Zürich AG", "Bahnhofstrasse 12, 8001 Zürich", "CH"),
    importer=TradeParty("Herpetologie Berlin GmbH", "Hauptstraße 5, 10115 Berlin", "DE"),
    lines=(
        PermitLine(
            id="A",
            scientific_name="Python regius",
            common_name="Ball python",
            description="Live, captive-bred juveniles, 4 males and 6 females",
            term_code="LIV",
            quantity=Decimal("10"),
            unit="NAR",
            appendix="II",
            source_code="C",
            origin_country="CH",
            marks="Microchips 756098100123401 to 756098100123410",
        ),
        PermitLine(
            id="B",
            scientific_name="Crocodylus niloticus",
            common_name="Nile crocodile",
            description="Handbags",
            term_code="LPL",
            quantity=Decimal("25.000"),
            unit="NAR",
            appendix="II",
            source_code="R",
            origin_country="ZW",
            origin_permit=DocumentReference("ZW-2026-004711", ORIGIN_PERMIT, date(2026, 3, 2)),
        ),
        PermitLine(
            id="C",
            scientific_name="Aloe ferox",
            common_name="Cape aloe",
            description="Dried leaf extract",
            term_code="EXT",
            quantity=Decimal("2.500"),
            unit="KGM",
            appendix="II",
            source_code="W",
            origin_country="ZA",
        ),
    ),
)

IMPORT = PermitDocument(
    number="26CH000124",
    type="I",
    issued_at=datetime(2026, 11, 25, 14, 30, 15, tzinfo=timezone(timedelta(hours=1))),
    valid_from=date(2026, 11, 25),
    valid_until=date(2027, 11, 25),
    purpose_code="Z",
    copy=True,
    issuing_country="CH",
    issuing_authority=SWISS_MA,
    place_of_issue="Bern",
    issuing_official="Marc Dubois",
    exporter=TradeParty("Zoo de Abidjan", "Boulevard Latrille, Abidjan", "CI"),
    importer=TradeParty("Zoo Basel", "Binningerstrasse 40, 4054 Basel", "CH"),
    lines=(
        PermitLine(
            id="A",
            scientific_name="Pan troglodytes verus",
            common_name="Western chimpanzee",
            description="Live, 1 female, born 2019",
            term_code="LIV",
            quantity=Decimal("1"),
            unit="NAR",
            appendix="I",
            source_code="C",
            origin_country="CI",
            marks="Transponder 250268500012345",
        ),
    ),
)

REEXPORT = PermitDocument(
    number="26CH000125",
    type="R",
    issued_at=datetime(2026, 12, 1, 8, 15, tzinfo=UTC),
    valid_from=date(2026, 12, 1),
    valid_until=date(2027, 6, 1),
    purpose_code="T",
    issuing_country="CH",
    issuing_authority=SWISS_MA,
    place_of_issue="Bern",
    issuing_official="Anna Müller",
    security_stamp="CH0012399",
    exporter=TradeParty("Caviar Import Genève SA", "Rue du Rhône 20, 1204 Genève", "CH"),
    importer=TradeParty("Tokyo Fine Foods K.K.", "1-2-3 Ginza, Chuo-ku, Tokyo", "JP"),
    lines=(
        PermitLine(
            id="A",
            scientific_name="Acipenser baerii",
            common_name="Siberian sturgeon",
            description="Caviar, 50 tins of 250 g",
            term_code="CAV",
            quantity=Decimal("12500"),
            unit="GRM",
            appendix="II",
            source_code="C",
            origin_country="FR",
            origin_permit=DocumentReference("FR2601234-E", ORIGIN_PERMIT, date(2026, 2, 10)),
            reexport_country="DE",
            reexport_certificate=DocumentReference(
                "26DE004567", REEXPORT_CERTIFICATE, date(2026, 5, 20)
            ),
            marks="CITES caviar labels FR/C/AB/2025/0042/0001-0050",
        ),
        PermitLine(
            id="B",
            scientific_name="Dalbergia nigra",
            common_name="Brazilian rosewood",
            description="Guitar back and sides",
            term_code="WPR",
            quantity=Decimal("0.012"),
            unit="MTQ",
            appendix="I",
            source_code="O",
            origin_country="BR",
        ),
    ),
)

OTHER_CERTIFICATE = PermitDocument(
    number="26CH000126",
    type="O",
    name="Pre-Convention certificate",
    issued_at=datetime(2026, 12, 2, 10, 0, tzinfo=UTC),
    valid_from=date(2026, 12, 2),
    valid_until=date(2027, 6, 2),
    purpose_code="P",
    special_conditions=("Acquired before 26 February 1976.",),
    issuing_country="CH",
    issuing_authority=SWISS_MA,
    place_of_issue="Bern",
    issuing_official="Marc Dubois",
    exporter=TradeParty("Jean Favre", "Chemin des Vignes 3, 1009 Pully", "CH"),
    importer=TradeParty("Claire Favre", "12 rue de la Paix, 75002 Paris", "FR"),
    lines=(
        PermitLine(
            id="A",
            scientific_name="Loxodonta africana",
            common_name="African elephant",
            description="Carved ivory figure, 18 cm",
            term_code="IVC",
            quantity=Decimal("1"),
            unit="NAR",
            appendix="I",
            source_code="O",
            origin_country="XX",
        ),
    ),
)

REPLACEMENT = PermitDocument(
    number="26CH000127",
    type="E",
    issued_at=datetime(2026, 12, 3, 11, 45, 30, tzinfo=UTC),
    valid_from=date(2026, 12, 3),
    valid_until=date(2027, 5, 24),
    purpose_code="T",
    special_conditions=("Valid until the expiry date of the document replaced.",),
    issuing_country="CH",
    issuing_authority=SWISS_MA,
    place_of_issue="Bern",
    issuing_official="Anna Müller",
    security_stamp="CH0012400",
    exporter=TradeParty("Reptilia Zürich AG", "Bahnhofstrasse 12, 8001 Zürich", "CH"),
    importer=TradeParty("Herpetologie Berlin GmbH", "Hauptstraße 5, 10115 Berlin", "DE"),
    replaces=DocumentReference("26CH000123", "E", date(2026, 11, 24)),
    replacement_reason="Lost in transit",
    lines=(
        PermitLine(
            id="A",
            scientific_name="Python regius",
            common_name="Ball python",
            description="Live, captive-bred juveniles, 4 males and 6 females",
            term_code="LIV",
            quantity=Decimal("10"),
            unit="NAR",
            appendix="II",
            source_code="C",
            origin_country="CH",
            marks="Microchips 756098100123401 to 756098100123410",
        ),
    ),
)

SAMPLES: dict[str, PermitDocument] = {
    "ours-export-3-lines.xml": EXPORT_3_LINES,
    "ours-import.xml": IMPORT,
    "ours-reexport.xml": REEXPORT,
    "ours-other-certificate.xml": OTHER_CERTIFICATE,
    "ours-replacement.xml": REPLACEMENT,
}


def main() -> None:
    registry = SchemaRegistry.load()
    for name, document in SAMPLES.items():
        (HERE / name).write_bytes(to_bytes(document, registry))
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
