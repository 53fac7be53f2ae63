"""The layered validation report: well-formed -> XSD -> CITES business rules.

Each layer gives a status and its problems; a failed layer stops the later ones, which are
reported as skipped. The lenient reader's remarks (placeholders, legacy units, ...) are
reported with the business rules, where the document is interpreted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from app.xml.document import PermitDocument
from app.xml.parser import MAX_BYTES, parse_xml
from app.xml.problems import RULES, SCHEMA, WELLFORMED, Layer, Problem, has_errors
from app.xml.reader import read_permit
from app.xml.rules import check_document
from app.xml.schema import SchemaRegistry

Status = Literal["passed", "failed", "skipped"]
LAYERS: tuple[Layer, ...] = (WELLFORMED, SCHEMA, RULES)


@dataclass(frozen=True)
class LayerResult:
    layer: Layer
    status: Status
    problems: tuple[Problem, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "status": self.status,
            "problems": [p.as_dict() for p in self.problems],
        }


@dataclass(frozen=True)
class ValidationReport:
    layers: tuple[LayerResult, ...]
    document: PermitDocument | None = None

    @property
    def valid(self) -> bool:
        return all(layer.status == "passed" for layer in self.layers)

    def as_dict(self) -> dict[str, Any]:
        return {"valid": self.valid, "layers": [layer.as_dict() for layer in self.layers]}


def _result(layer: Layer, problems: list[Problem]) -> LayerResult:
    return LayerResult(layer, "failed" if has_errors(problems) else "passed", tuple(problems))


def _report(done: list[LayerResult], document: PermitDocument | None = None) -> ValidationReport:
    skipped = [LayerResult(layer, "skipped") for layer in LAYERS[len(done) :]]
    return ValidationReport(tuple(done + skipped), document)


def validate_xml(
    data: bytes, *, schema: SchemaRegistry, max_bytes: int = MAX_BYTES
) -> ValidationReport:
    """Validate untrusted bytes layer by layer. Never raises on content."""
    parsed = parse_xml(data, max_bytes=max_bytes)
    wellformed = _result(WELLFORMED, parsed.problems)
    if parsed.root is None or wellformed.status == "failed":
        return _report([wellformed])
    xsd = _result(
        SCHEMA,
        [
            Problem(
                layer=SCHEMA,
                code="schema_invalid",
                message=error.message,
                path=error.path,
                line=error.line,
            )
            for error in schema.validate(parsed.root)
        ],
    )
    if xsd.status == "failed":
        return _report([wellformed, xsd])
    read = read_permit(parsed.root)
    problems = list(read.problems)
    if read.document is not None:
        problems += check_document(read.document)
    return _report([wellformed, xsd, _result(RULES, problems)], read.document)
