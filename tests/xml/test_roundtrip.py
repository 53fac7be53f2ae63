"""write -> XSD-valid -> read -> equal, for every sample and for generated permits."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from app.xml.document import PermitDocument
from app.xml.problems import has_errors
from app.xml.reader import read_permit_bytes
from app.xml.schema import SchemaRegistry
from app.xml.writer import to_bytes
from tests.xml.strategies import permit_documents

SAMPLES = sorted((Path(__file__).parent.parent / "samples").glob("*.xml"))


@cache
def _registry() -> SchemaRegistry:
    return SchemaRegistry.load()


@pytest.fixture
def registry() -> SchemaRegistry:
    return _registry()


def _round_trip(document: PermitDocument, registry: SchemaRegistry) -> PermitDocument:
    data = to_bytes(document, registry)  # raises unless XSD-valid
    result = read_permit_bytes(data)
    assert result.document is not None
    assert not has_errors(result.problems), result.problems
    return result.document


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_every_sample_round_trips(sample: Path, registry: SchemaRegistry) -> None:
    read = read_permit_bytes(sample.read_bytes())
    assert read.document is not None, read.problems
    assert _round_trip(read.document, registry) == read.document


def test_there_are_samples_of_both_kinds() -> None:
    names = {s.name.split("-")[0] for s in SAMPLES}
    assert names == {"ours", "foreign"}


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(permit_documents())
def test_generated_permits_round_trip(document: PermitDocument) -> None:
    assert _round_trip(document, _registry()) == document
