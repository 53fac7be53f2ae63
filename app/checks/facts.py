"""The facts the compliance rules read: an intended trade, its lines, and what the reference
data says about each line's taxon. Pure data, gathered by app/checks/service.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Severity(StrEnum):
    BLOCK = "block"
    WARN = "warn"


@dataclass(frozen=True)
class Result:
    code: str
    severity: Severity
    message: str
    line: str | None = None  # the line letter, or None for the whole trade


@dataclass(frozen=True)
class SuspensionFact:
    party: str
    source_codes: frozenset[str]
    purpose_codes: frozenset[str]
    start: date
    end: date | None
    applies_to_import: bool
    taxon_name: str | None  # None: all trade with the Party
    notes: str | None


@dataclass(frozen=True)
class QuotaFact:
    party: str
    year: int
    quantity: Decimal
    unit: str
    term_code: str | None
    source_code: str | None
    used: Decimal  # already counted: the ledger (reserved, exported) and pending applications
    taxon_name: str
    id: int = 0  # the quota (two lines on the same quota add up)


@dataclass(frozen=True)
class MeasureFact:
    """A stricter domestic measure (Art. XIV(1)) of ``party`` on the line's taxon or an
    ancestor; empty code sets mean every purpose or source."""

    party: str
    taxon_name: str
    direction: str  # export | import | both
    purpose_codes: frozenset[str]
    source_codes: frozenset[str]
    start: date
    end: date | None
    reason: str


@dataclass(frozen=True)
class LineFacts:
    """One line of the trade and what the reference data says about its taxon."""

    letter: str
    scientific_name: str
    source_code: str
    term_code: str
    quantity: Decimal
    unit: str
    origin_country: str | None
    declared_appendix: str | None = None
    accepted_name: str | None = None  # None: not found in the reference data
    kingdom: str | None = None
    appendix: str | None = None  # the listing that applies, at the date, for the origin
    listed_by: str | None = None  # Appendix III
    reservations: frozenset[str] = frozenset()  # Parties with a reservation on it
    suspensions: tuple[SuspensionFact, ...] = ()
    quotas: tuple[QuotaFact, ...] = ()
    measures: tuple[MeasureFact, ...] = ()
    # a valid import permit of the importing Party received by EPIX covers this line
    import_permit_received: bool = False


@dataclass(frozen=True)
class ImportPermitFact:
    """The importing Party's import permit the trade references (Art. III(2)(d)).
    ``problem`` says why a referenced permit that was received by EPIX does not serve
    (cancelled, expired, not an import permit, ...); None when it serves or was not
    received here (a reference to a permit seen on paper serves as it is)."""

    party: str
    number: str | None  # None: at hand but not named (the dry run's older flag)
    received: bool = False
    problem: str | None = None


@dataclass(frozen=True)
class Trade:
    document_type: str
    exporter_country: str
    importer_country: str
    purpose_code: str
    on: date
    lines: tuple[LineFacts, ...]
    import_permit: ImportPermitFact | None = None
    valid_until: date | None = None  # the validity asked for (Box 2)
    validity_months: int | None = None  # the longest validity of the document type
    extra: dict[str, str] = field(default_factory=dict)
