"""The border between two real services: CH issues an export permit, FR receives it, CH customs
endorses the export, FR customs clears the import, and both Parties then show the same final
state (USED) and the same quantities."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli.parties import (
    LocalParty,
    customs_login,
    customs_view,
    declare,
    delivered,
    issue_export_permit,
    wait_for,
)
from tests.conftest import party_database

FAST = {"relay_interval_seconds": "0.2", "retry_base_seconds": "0.3"}


@pytest.fixture
def parties(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> Iterator[tuple[LocalParty, LocalParty]]:
    ch = LocalParty("CH", tmp_path / "CH", party_database(backend, request), options=FAST)
    fr = LocalParty("FR", tmp_path / "FR", party_database(backend, request), options=FAST)
    for party in (ch, fr):
        party.prepare()
    ch.trust(fr)
    fr.trust(ch)
    fr.start()
    ch.start()
    try:
        yield ch, fr
    finally:
        ch.kill()
        fr.kill()


def test_export_then_import_both_parties_agree(
    parties: tuple[LocalParty, LocalParty],
) -> None:
    ch, fr = parties
    number = issue_export_permit(ch, "FR")["number"]
    wait_for("the push", lambda: delivered(ch, number))
    assert customs_view(fr, "CH", number)["state"] == "VALID"

    ch_customs = customs_login(ch, "zoll-basel")
    exported = declare(
        ch,
        ch_customs,
        "export-endorsements",
        "CH",
        number,
        declaration_ref="CH-EXP-2026-0001",
        port="Basel-Mulhouse",
        lines=[{"line": "A", "quantity": "2", "unit": "NAR"}],
    )
    assert exported["permit"]["state"] == "EXPORTED"
    wait_for("the export news", lambda: delivered(ch, number, count=2))
    at_fr = customs_view(fr, "CH", number)
    assert at_fr["state"] == "EXPORTED"
    assert at_fr["signature"]["verified"] is True
    assert at_fr["lines"][0]["exported_quantity"] == "2"

    fr_customs = customs_login(fr, "douane-cdg")
    cleared = declare(
        fr,
        fr_customs,
        "import-clearances",
        "CH",
        number,
        declaration_ref="FR-IMP-2026-0042",
        port="Paris-Charles de Gaulle",
        lines=[{"line": "A", "quantity": "2", "unit": "NAR"}],
    )
    assert cleared["permit"]["state"] == "USED"
    wait_for("the import news", lambda: delivered(fr, number))

    final = {party.party: customs_view(party, "CH", number) for party in (ch, fr)}
    assert {code: view["state"] for code, view in final.items()} == {"CH": "USED", "FR": "USED"}
    for view in final.values():
        line = view["lines"][0]
        assert (line["exported_quantity"], line["imported_quantity"]) == ("2", "2")
        assert [(e["kind"], e["reported_by"]) for e in view["events"]] == [
            ("export", "CH"),
            ("import", "FR"),
        ]


def test_a_permit_never_pushed_is_fetched_at_the_border(
    parties: tuple[LocalParty, LocalParty],
) -> None:
    ch, fr = parties
    number = issue_export_permit(ch, "DE")["number"]  # not for FR: never pushed there
    not_asked = fr.call(
        "GET", f"/api/v1/customs/permits/CH/{number}", params={"fetch": "false"}
    ).json()
    assert not_asked["state"] == "NOT_FOUND"
    view = customs_view(fr, "CH", number)
    assert (view["state"], view["fetched"], view["signature"]["verified"]) == (
        "VALID",
        True,
        True,
    )
    assert customs_view(fr, "CH", number)["fetched"] is False  # stored now
    assert customs_view(fr, "CH", "26CH999999")["state"] == "NOT_FOUND"
