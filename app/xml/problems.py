"""A problem found in an XML document: one entry of a validation report.

Every layer that looks at a document reports in this one shape: the safe parser
(``wellformed``), the lenient reader (``read``), the XSD (``schema``), the CITES business
rules (``rules``), and for received documents the signature and the trust registry. The API
serialises it with :meth:`Problem.as_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Layer = Literal["wellformed", "read", "schema", "rules", "signature", "trust"]
Severity = Literal["error", "warning"]

WELLFORMED: Layer = "wellformed"
READ: Layer = "read"
SCHEMA: Layer = "schema"
RULES: Layer = "rules"
SIGNATURE: Layer = "signature"
TRUST: Layer = "trust"


@dataclass(frozen=True, slots=True)
class Problem:
    """``code`` is stable and documented; ``message`` is for people and may change.

    ``path`` is XPath-like with local names, e.g.
    ``/CITESEPermit/SpecifiedSupplyChainConsignment/IncludedSupplyChainConsignmentItem[2]/ID``
    (``/@unitCode`` for an attribute); ``line`` and ``column`` point into the input.
    """

    layer: Layer
    code: str
    message: str
    path: str | None = None
    line: int | None = None
    severity: Severity = "error"
    column: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
        }


def has_errors(problems: list[Problem] | tuple[Problem, ...]) -> bool:
    return any(p.severity == "error" for p in problems)
