"""The fixture year 2025 of Switzerland (CH), built through the real API (tests/reports/
trading.py): permits issued, cancelled, replaced, endorsed at export (in full and in part),
left unused; received French and German documents cleared at import (one with a Swiss import
permit), one received and never used; events just before and after the year. The clock of
issuance is fixed per permit, the customs clock per event, so numbers and dates never move.

What each document becomes in the four reports is written down in tests/reports/golden/."""

from __future__ import annotations

from datetime import date

from app.core.actor import Actor
from app.core.db import unit_of_work
from app.species import importing
from tests.reports.trading import Trading, foreign_line, line, party

YEAR = 2025


class FixtureYear(Trading):
    """The year; ``numbers`` maps each document's label (E1, I1, F1, ...) to its number."""

    def build(self) -> FixtureYear:
        """The whole year, in the order it happened; then the species reference data."""
        paris = party("Jardin des Plantes", "57 rue Cuvier, Paris", "FR")
        tokyo = party("Tokyo Fine Foods K.K.", "1-2-3 Ginza, Tokyo", "JP")
        python = line("Python regius", "LIV", "10", "", "II", "C")
        tortoise = line("Testudo hermanni", "LIV", "4", "", "II", "C")

        self.issue("E5", date(2024, 12, 20), counterparty=paris, purpose_code="B", lines=[tortoise])
        self.endorse("E5", date(2025, 1, 8), {"A": "4 NAR"})
        self.issue("E1", date(2025, 2, 3), counterparty=paris, lines=[python])
        self.endorse("E1", date(2025, 2, 10), {"A": "10 NAR"})
        agarwood = line("Aquilaria malaccensis", "CHP", "12.5", "KGM", "II", "A")
        caviar = line("Acipenser baerii", "CAV", "2.750", "KIL", "II", "C")
        self.issue(
            "E2", date(2025, 3, 15), counterparty=tokyo, purpose_code="T", lines=[agarwood, caviar]
        )
        self.endorse("E2", date(2025, 4, 1), {"A": "12.125 KGM"})  # B did not leave

        self._imports_spring()

        self.issue(
            "E3",
            date(2025, 5, 5),
            counterparty=party("Caviar House", "500 Fifth Avenue, New York", "US"),
            purpose_code="T",
            lines=[line("Acipenser baerii", "CAV", "40", "KGM", "II", "C")],
        )
        self.cancel("E3")
        self.issue(
            "E4",
            date(2025, 6, 10),
            counterparty=party("Reptilienhaus Leipzig", "Pfaffendorfer Str. 29, Leipzig", "DE"),
            purpose_code="P",
            lines=[line("Testudo hermanni", "LIV", "6", "", "II", "C")],
        )  # never used
        self.issue(
            "E7",
            date(2025, 7, 1),
            counterparty=party("Gulf Falcon Centre", "Corniche Rd, Abu Dhabi", "AE"),
            lines=[
                line("Psittacus erithacus", "LIV", "2", "", "II", "C"),  # Appendix I since 2017
                line("Euphorbia obesa", "LIV", "5", "", "II", "A"),  # not in the species data
            ],
        )
        self.endorse("E7", date(2025, 7, 3), {"A": "2 NAR", "B": "5 NAR"})
        self.issue(
            "E8",
            date(2025, 8, 1),
            counterparty=party("Woodcraft Inc.", "12 Mill Road, Portland", "US"),
            purpose_code="T",
            lines=[line("Swietenia macrophylla", "SAW", "1.5", "MTQ", "II", "A")],
        )
        self.replace("E8", "E8R", date(2025, 8, 5))
        self.endorse("E8R", date(2025, 8, 20), {"A": "1.25 MTQ"})
        self._reexport()
        self.issue(
            "I2",
            date(2025, 10, 1),
            document_type="I",
            counterparty=party("Parrot Breeders LLC", "1 Bird Lane, Miami", "US"),
            purpose_code="Z",
            lines=[line("Ara macao", "LIV", "2", "", "I", "C", origin="US")],
        )  # never used
        self.issue(
            "E6",
            date(2025, 12, 18),
            counterparty=party("London Reptile Rescue", "1 Regent's Park, London", "GB"),
            lines=[line("Python regius", "LIV", "3", "", "II", "C")],
        )
        self.endorse("E6", date(2026, 1, 5), {"A": "3 NAR"})  # in next year's actual trade
        self.receive(
            "F4",
            "FR",
            "FR2500999",
            kind="E",
            issued=date(2025, 12, 1),
            purpose="T",
            lines=[foreign_line("A", "Python regius", "SKI", "5", "NAR", "II", "C", "FR")],
        )
        self.declare("import-clearances", "FR", "FR2500999", date(2026, 1, 12), {"A": "5 NAR"})

        with unit_of_work(self.api.session_factory) as session:
            importing.import_reference(session, actor=Actor.system("reports-test"))
        return self

    def _imports_spring(self) -> None:
        """A French re-export certificate cleared with a Swiss import permit (Appendix I on
        line B), in part; a German export permit cleared in full; another never used."""
        self.receive(
            "F1",
            "FR",
            "FR2500123-R",
            kind="R",
            issued=date(2025, 4, 1),
            purpose="T",
            lines=[
                foreign_line(
                    "A",
                    "Acipenser baerii",
                    "CAV",
                    "12500",
                    "GRM",
                    "II",
                    "C",
                    "RU",
                    "RU-Росрыболовство-24/7",
                ),
                foreign_line(
                    "B", "Dalbergia nigra", "WPR", "0.012", "MTQ", "I", "O", "BR", "BR-1991-0042"
                ),
            ],
        )
        self.issue(
            "I1",
            date(2025, 4, 10),
            document_type="I",
            counterparty=party("Maison Dupont", "1 rue de Rivoli, Paris", "FR"),
            purpose_code="T",
            export_permit_party="FR",
            export_permit_number="FR2500123-R",
            lines=[line("Dalbergia nigra", "WPR", "0.012", "MTQ", "I", "O", origin="BR")],
        )
        self.declare(
            "import-clearances",
            "FR",
            "FR2500123-R",
            date(2025, 4, 20),
            {"A": "10000 GRM", "B": "0.012 MTQ"},
            import_permit_number=self.numbers["I1"],
        )
        germans = [
            foreign_line("A", "Testudo hermanni", "LIV", "3", "NAR", "II", "C", "DE"),
            foreign_line("B", "Euphorbia obesa", "LIV", "20", "NAR", "II", "A", "DE"),
        ]
        self.receive(
            "F2",
            "DE",
            "DE-E-2025-0815",
            kind="E",
            issued=date(2025, 5, 2),
            purpose="P",
            lines=germans,
        )
        self.declare(
            "import-clearances",
            "DE",
            "DE-E-2025-0815",
            date(2025, 6, 1),
            {"A": "3 NAR", "B": "20 NAR"},
        )
        self.receive(
            "F3",
            "DE",
            "DE-E-2025-0900",
            kind="E",
            issued=date(2025, 5, 20),
            purpose="T",
            lines=germans,
        )

    def _reexport(self) -> None:
        self.issue(
            "R1",
            date(2025, 9, 9),
            document_type="R",
            counterparty=party("Bayside Exotics", "14 Harbour Rd, Hong Kong", "HK"),
            purpose_code="T",
            lines=[
                line(
                    "Crocodylus niloticus",
                    "LPS",
                    "25",
                    "",
                    "II",
                    "R",
                    origin="ZA",
                    origin_permit_number="ZA-2024-000123",
                ),
                line(
                    "Dalbergia nigra",
                    "CAR",
                    "1",
                    "",
                    "I",
                    "O",
                    origin="BR",
                    origin_permit_number="IBAMA nº 0042/1991",
                    reexport_country="DE",
                    reexport_certificate_number="DE-2019-R-77",
                ),
            ],
        )
        self.endorse("R1", date(2025, 9, 15), {"A": "25 NAR", "B": "1 NAR"})
