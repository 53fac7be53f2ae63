from __future__ import annotations

import pytest

from app.core.config import Settings

BASE_URL = "https://permits.example.org/ecites"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings with a public address of their own (printed in the QR codes)."""
    return settings.model_copy(update={"public_base_url": BASE_URL})
