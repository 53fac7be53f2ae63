"""The fixture year (tests/reports/fixture_year.py), built once per test on its backend."""

from __future__ import annotations

import pytest

from tests.factories import Api
from tests.reports.fixture_year import FixtureYear


@pytest.fixture
def year_data(api: Api, monkeypatch: pytest.MonkeyPatch) -> FixtureYear:
    return FixtureYear(api, monkeypatch).build()
