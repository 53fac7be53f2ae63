from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.core.clock import add_months
from app.core.config import Settings


def test_defaults_are_embedded_sqlite_under_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECITES_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ECITES_PARTY", "ke")
    settings = Settings()
    assert settings.party == "KE"
    assert settings.effective_database_url == f"sqlite:///{tmp_path.resolve()}/ecites.db"


@pytest.mark.parametrize("secret", ["change-me", "", "secret", "short-but-real"])
def test_production_refuses_placeholder_or_short_secret(secret: str) -> None:
    with pytest.raises(ValidationError, match="ECITES_SECRET_KEY"):
        Settings(profile="production", secret_key=secret)


def test_production_accepts_a_real_secret() -> None:
    settings = Settings(profile="production", secret_key="x" * 40)
    assert settings.resolved_secret_key() == "x" * 40


def test_embedded_generates_and_keeps_a_secret(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = settings.resolved_secret_key()
    assert len(first) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert Settings(data_dir=tmp_path).resolved_secret_key() == first


@pytest.mark.parametrize("party", ["C", "CHE", "1A", "", "QQ"])
def test_party_must_be_iso_alpha2(party: str) -> None:
    with pytest.raises(ValidationError, match="ISO 3166-1"):
        Settings(party=party)


@pytest.mark.parametrize(
    "template", ["{party}", "{serial:06d}{nope}", "{yy}{party}{serial:40d}", "{party}{serial:06d}"]
)
def test_bad_number_templates_are_refused(template: str) -> None:
    with pytest.raises(ValidationError):
        Settings(permit_number_format=template)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 15), 6, date(2026, 7, 15)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 11, 24), 12, date(2027, 11, 24)),
        (date(2026, 12, 31), 36, date(2029, 12, 31)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected
