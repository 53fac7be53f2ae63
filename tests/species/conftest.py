"""Fixtures of the species tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.species.ledger_helpers import PYTHONS, YEAR, import_quotas


@pytest.fixture
def pythons(tmp_path: Path, session_factory: sessionmaker[Session]) -> None:
    """The shipped dataset with CH's quotas of 10 live ball pythons, this year and last."""
    import_quotas(session_factory, tmp_path, PYTHONS, PYTHONS.replace(str(YEAR), str(YEAR - 1)))
