"""Reference data (import, lookup, listings by population and date) and the compliance rules
that use it, on every backend."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.checks import service as checks
from app.checks.service import IntendedLine, IntendedTrade
from app.core.actor import Actor
from app.core.db import unit_of_work
from app.core.errors import InvalidInput
from app.species import importing
from app.species import service as species
from app.species.models import Snapshot, Taxon

ADMIN = Actor.system("species-test")
TODAY = date(2026, 11, 24)


def _taxon(
    id_: int,
    name: str,
    rank: str,
    higher: dict[str, str],
    listings: list[dict[str, Any]],
    **kw: Any,
) -> dict[str, Any]:
    return {
        "id": id_,
        "full_name": name,
        "author_year": None,
        "rank": rank,
        "name_status": "A",
        "higher_taxa": higher,
        "synonyms": kw.get("synonyms", []),
        "common_names": kw.get("common_names", []),
        "cites_listings": listings,
        "cites_reservations": kw.get("reservations", []),
    }


MAMMAL = {"kingdom": "Animalia", "phylum": "Chordata", "class": "Mammalia"}
ELEPHANT = _taxon(
    1,
    "Loxodonta africana",
    "SPECIES",
    {**MAMMAL, "order": "Proboscidea", "family": "Elephantidae", "genus": "Loxodonta"},
    [
        {
            "appendix": "I",
            "effective_at": "1990-01-18",
            "excluded_populations": ["BW", "NA", "ZA", "ZW"],
        },
        {"appendix": "II", "effective_at": "2000-07-19", "populations": ["BW", "NA", "ZA", "ZW"]},
    ],
    synonyms=[
        {"id": 101, "full_name": "Loxodonta cyclotis", "author_year": None, "rank": "SPECIES"}
    ],
    common_names=[{"name": "African elephant", "language": "EN"}],
)
DALBERGIA = _taxon(
    2,
    "Dalbergia",
    "GENUS",
    {"kingdom": "Plantae", "family": "Fabaceae"},
    [{"appendix": "II", "effective_at": "2017-01-02", "annotation": "#15"}],
)
ROSEWOOD = _taxon(
    3,
    "Dalbergia nigra",
    "SPECIES",
    {"kingdom": "Plantae", "family": "Fabaceae", "genus": "Dalbergia"},
    [{"appendix": "I", "effective_at": "1992-06-11"}],
)
HONDURAN = _taxon(
    4,
    "Dalbergia stevensonii",
    "SPECIES",
    {"kingdom": "Plantae", "family": "Fabaceae", "genus": "Dalbergia"},
    [],
)
WHALE = _taxon(
    5,
    "Balaenoptera physalus",
    "SPECIES",
    {**MAMMAL, "order": "Cetacea", "family": "Balaenopteridae", "genus": "Balaenoptera"},
    [{"appendix": "I", "effective_at": "1983-06-29"}],
    reservations=[{"party": "JP", "appendix": "I", "effective_at": "1983-06-29"}],
)
HONEY_BADGER = _taxon(
    6,
    "Mellivora capensis",
    "SPECIES",
    {**MAMMAL, "order": "Carnivora", "family": "Mustelidae", "genus": "Mellivora"},
    [{"appendix": "III", "effective_at": "1976-02-26", "party": "BW"}],
)


def _write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def reference(tmp_path: Path, session_factory: sessionmaker[Session]) -> Path:
    concepts = _write(
        tmp_path,
        "taxon_concepts.json",
        json.dumps(
            {"taxon_concepts": [ELEPHANT, DALBERGIA, ROSEWOOD, HONDURAN, WHALE, HONEY_BADGER]}
        ),
    )
    measures = _write(
        tmp_path,
        "measures.csv",
        "kind,party,taxon,year,quantity,unit,term_code,source_codes,purpose_codes,start_date,"
        "end_date,applies_to_import,notes\n"
        "suspension,MG,Dalbergia,,,,,,,2013-08-16,,false,all Dalbergia from Madagascar\n"
        "suspension,DJ,,,,,,,,2004-01-01,,true,all commercial trade\n"
        "suspension,GN,Dalbergia,,,,,W,,2020-01-01,2026-11-23,false,ended yesterday\n"
        "quota,NA,Loxodonta africana,2026,0,NAR,TUS,W,,,,,zero quota for tusks\n"
        "quota,ZA,Loxodonta africana,2026,10,NAR,TRO,W,,,,,hunting trophies\n",
    )
    with unit_of_work(session_factory) as session:
        importing.import_reference(session, [concepts, measures], actor=ADMIN)
    return concepts


def _check(factory: sessionmaker[Session], **trade: Any) -> list[tuple[str, str]]:
    lines = tuple(IntendedLine(**line) for line in trade.pop("lines"))
    intended = IntendedTrade(on=trade.pop("on", TODAY), lines=lines, **trade)
    with unit_of_work(factory) as session:
        return [(r.code, r.severity.value) for r in checks.check(session, intended).results]


def _line(name: str, **kw: Any) -> dict[str, Any]:
    base = {
        "letter": "A",
        "scientific_name": name,
        "source_code": "W",
        "term_code": "LIV",
        "quantity": Decimal(1),
        "unit": "",
    }
    return base | kw


def test_import_lookup_and_snapshots(
    reference: Path, session_factory: sessionmaker[Session]
) -> None:
    with unit_of_work(session_factory) as session:
        hits = species.search(session, "lox")
        assert [(h.taxon.name, h.taxon.rank, h.matched) for h in hits] == [
            ("Loxodonta", "GENUS", None),
            ("Loxodonta africana", "SPECIES", None),
        ]
        [synonym] = species.search(session, "Loxodonta cyc")
        assert (synonym.taxon.name, synonym.matched) == ("Loxodonta africana", "Loxodonta cyclotis")
        [common] = species.search(session, "african ele")
        assert common.taxon.name == "Loxodonta africana"
        nigra = species.resolve(session, "dalbergia  NIGRA")
        assert nigra is not None
        assert nigra.rank == "SPECIES"
        genus = species.resolve(session, "Dalbergia")
        assert genus is not None
        assert species.ancestry(nigra)[1] == genus.id
        # the same files again: the current snapshot, unchanged
        first = species.current_snapshot(session)
        again = importing.import_reference(
            session, [reference, reference.parent / "measures.csv"], actor=ADMIN
        )
        assert first is not None
        assert again.id == first.id
        assert json.loads(again.counts)["suspensions"] == 3


def test_listings_by_population_inheritance_and_date(
    reference: Path, session_factory: sessionmaker[Session]
) -> None:
    with unit_of_work(session_factory) as session:
        elephant = species.resolve(session, "Loxodonta africana")
        assert elephant is not None

        def appendix(taxon: Taxon, origin: str | None, on: date = TODAY) -> str | None:
            found = species.listing_at(session, taxon, on=on, origin=origin)
            return found.appendix if found else None

        assert appendix(elephant, "KE") == "I"
        assert appendix(elephant, "BW") == "II"  # a population listed differently
        assert appendix(elephant, None) == "I"
        honduran = species.resolve(session, "Dalbergia stevensonii")
        nigra = species.resolve(session, "Dalbergia nigra")
        assert honduran is not None
        assert nigra is not None
        assert appendix(honduran, "BZ") == "II"  # inherited from the genus
        assert appendix(honduran, "BZ", date(2016, 1, 1)) is None  # before the genus listing
        assert appendix(nigra, "BR") == "I"  # its own listing first


def test_bad_rows_are_all_reported_and_nothing_is_imported(
    tmp_path: Path, reference: Path, session_factory: sessionmaker[Session]
) -> None:
    bad = _write(
        tmp_path,
        "bad.csv",
        "kind,party,taxon,year,quantity,unit,term_code,source_codes,purpose_codes,start_date,"
        "end_date,applies_to_import,notes\n"
        "suspension,XYZ,Dalbergia,,,,,,,2020-01-01,,false,\n"
        "quota,NA,Loxodonta africana,2026,ten,NAR,,,,,,,\n"
        "embargo,NA,,,,,,,,,,,\n"
        "suspension,MG,,,,,,,,not-a-date,,false,\n",
    )
    with unit_of_work(session_factory) as session:
        before = session.scalar(select(func.count()).select_from(Snapshot))
        with pytest.raises(InvalidInput) as caught:
            importing.import_reference(session, [reference, bad], actor=ADMIN)
    problems = caught.value.details["problems"]
    assert [p.split(":")[0] for p in problems] == [
        "bad.csv line 2",
        "bad.csv line 3",
        "bad.csv line 4",
        "bad.csv line 5",
    ]
    with unit_of_work(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(Snapshot)) == before


def test_appendix_i_commercial_and_reservations(
    reference: Path, session_factory: sessionmaker[Session]
) -> None:
    trade = {"document_type": "E", "exporter_country": "KE", "importer_country": "CN"}
    blocked = _check(
        session_factory, **trade, purpose_code="T", lines=[_line("Loxodonta africana")]
    )
    assert ("appendix_i_commercial", "block") in blocked
    zoo = _check(session_factory, **trade, purpose_code="Z", lines=[_line("Loxodonta africana")])
    assert "appendix_i_commercial" not in {c for c, _ in zoo}
    captive = _check(
        session_factory,
        **trade,
        purpose_code="T",
        lines=[_line("Loxodonta africana", source_code="C")],
    )
    assert "appendix_i_commercial" not in {c for c, _ in captive}
    # Botswana's population is in Appendix II: commercial trade is not that rule's business
    botswana = _check(
        session_factory,
        document_type="E",
        exporter_country="BW",
        importer_country="CN",
        purpose_code="T",
        lines=[_line("Loxodonta africana", origin_country="BW")],
    )
    assert "appendix_i_commercial" not in {c for c, _ in botswana}
    # Japan holds a reservation on the fin whale
    reserved = _check(
        session_factory,
        document_type="E",
        exporter_country="IS",
        importer_country="JP",
        purpose_code="T",
        lines=[_line("Balaenoptera physalus", term_code="MEA")],
    )
    assert "appendix_i_commercial" not in {c for c, _ in reserved}


def test_suspensions_inherited_party_wide_and_ended(
    reference: Path, session_factory: sessionmaker[Session]
) -> None:
    def codes(exporter: str, name: str, importer: str = "CH") -> set[str]:
        return {
            c
            for c, _ in _check(
                session_factory,
                document_type="E",
                exporter_country=exporter,
                importer_country=importer,
                purpose_code="T",
                lines=[_line(name, term_code="TIM", origin_country=exporter)],
            )
        }

    assert "suspension" in codes("MG", "Dalbergia stevensonii")  # a genus suspension reaches it
    assert "suspension" not in codes("BZ", "Dalbergia stevensonii")
    assert "suspension" in codes("DJ", "Dalbergia stevensonii")  # all trade with Djibouti
    assert "suspension" in codes("CH", "Dalbergia stevensonii", importer="DJ")  # also imports
    assert "suspension" not in codes("GN", "Dalbergia stevensonii")  # ended yesterday


def test_quotas_zero_and_units(reference: Path, session_factory: sessionmaker[Session]) -> None:
    def results(exporter: str, term: str, quantity: int, unit: str = "") -> set[tuple[str, str]]:
        return set(
            _check(
                session_factory,
                document_type="E",
                exporter_country=exporter,
                importer_country="US",
                purpose_code="H",
                lines=[
                    _line(
                        "Loxodonta africana",
                        term_code=term,
                        quantity=Decimal(quantity),
                        unit=unit,
                        origin_country=exporter,
                    )
                ],
            )
        )

    assert ("quota_exceeded", "block") in results("NA", "TUS", 1)  # a zero quota
    assert ("quota_exceeded", "block") not in results("ZA", "TRO", 10)
    assert ("quota_exceeded", "block") in results("ZA", "TRO", 11)
    assert ("quota_unit_differs", "warn") in results("ZA", "TRO", 5, unit="KGM")
    assert ("quota_exceeded", "block") not in results("ZA", "TUS", 50)  # no quota for tusks


def test_convention_rules(reference: Path, session_factory: sessionmaker[Session]) -> None:
    def codes(**trade: Any) -> set[str]:
        return {c for c, _ in _check(session_factory, **trade)}

    same = codes(
        document_type="E",
        exporter_country="CH",
        importer_country="CH",
        purpose_code="T",
        lines=[_line("Dalbergia stevensonii")],
    )
    assert "same_exporter_importer" in same
    plant_captive = codes(
        document_type="E",
        exporter_country="BZ",
        importer_country="US",
        purpose_code="T",
        lines=[_line("Dalbergia stevensonii", source_code="C")],
    )
    assert "source_kingdom" in plant_captive
    unknown_source = codes(
        document_type="E",
        exporter_country="BZ",
        importer_country="US",
        purpose_code="T",
        lines=[_line("Dalbergia stevensonii", source_code="U")],
    )
    assert "source_unknown" in unknown_source
    import_commercial = codes(
        document_type="I",
        exporter_country="KE",
        importer_country="CH",
        purpose_code="T",
        lines=[_line("Loxodonta africana")],
    )
    assert "appendix_i_import_commercial" in import_commercial
    export_i = codes(
        document_type="E",
        exporter_country="KE",
        importer_country="CH",
        purpose_code="Z",
        lines=[_line("Loxodonta africana")],
    )
    assert "appendix_i_import_permit" in export_i
    referenced = codes(
        document_type="E",
        exporter_country="KE",
        importer_country="CH",
        purpose_code="Z",
        import_permit_referenced=True,
        lines=[_line("Loxodonta africana")],
    )
    assert "appendix_i_import_permit" not in referenced
    third = codes(
        document_type="E",
        exporter_country="ZA",
        importer_country="US",
        purpose_code="T",
        lines=[_line("Mellivora capensis", origin_country="ZA")],
    )
    assert "appendix_iii_origin" in third
    listing_party = codes(
        document_type="E",
        exporter_country="BW",
        importer_country="US",
        purpose_code="T",
        lines=[_line("Mellivora capensis", origin_country="BW")],
    )
    assert "appendix_iii_origin" not in listing_party
    wrong = codes(
        document_type="E",
        exporter_country="BZ",
        importer_country="US",
        purpose_code="T",
        lines=[_line("Dalbergia stevensonii", appendix="I")],
    )
    assert "appendix_mismatch" in wrong
    synonym = codes(
        document_type="E",
        exporter_country="KE",
        importer_country="US",
        purpose_code="Z",
        lines=[_line("Loxodonta cyclotis")],
    )
    assert "synonym_used" in synonym
    unknown = codes(
        document_type="E",
        exporter_country="KE",
        importer_country="US",
        purpose_code="Z",
        lines=[_line("Felis imaginaria")],
    )
    assert "name_not_found" in unknown


def test_a_quota_counts_every_line_of_the_trade_and_its_source(
    reference: Path, session_factory: sessionmaker[Session]
) -> None:
    def trophies(*quantities: int, source: str = "W") -> set[tuple[str, str]]:
        lines = [
            _line(
                "Loxodonta africana",
                letter=chr(ord("A") + i),
                term_code="TRO",
                source_code=source,
                quantity=Decimal(q),
                origin_country="ZA",
            )
            for i, q in enumerate(quantities)
        ]
        return set(
            _check(
                session_factory,
                document_type="E",
                exporter_country="ZA",
                importer_country="US",
                purpose_code="H",
                lines=lines,
            )
        )

    assert ("quota_exceeded", "block") not in trophies(6)
    assert ("quota_exceeded", "block") in trophies(6, 6)  # 12 against a quota of 10
    assert ("quota_exceeded", "block") not in trophies(6, 6, source="C")  # the quota is for W
