"""The report's parameters and the JSON bodies of its validation report and statistics."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field


class View(StrEnum):
    """Whose trade: this Party's exports and re-exports, or its imports."""

    EXPORTER = "exporter"
    IMPORTER = "importer"


class Basis(StrEnum):
    """What is counted: what customs recorded at the border, or what was permitted."""

    ACTUAL = "actual"
    ISSUED = "issued"


class Format(StrEnum):
    CSV = "csv"
    JSON = "json"


class ProblemRead(BaseModel):
    row: int = Field(description="The data row, 1 for the first row after the CSV header")
    document: str = Field(description="The permit number the row comes from")
    line: str = Field(description="The permit line (A, B, ...)")
    column: str = Field(description="The report column, e.g. Appendix")
    value: str | None = Field(description="The value in that column (null: empty)")
    code: str = Field(description="Stable problem code, e.g. missing_value")
    message: str


class ValidationReport(BaseModel):
    """The report's problems, one per row and column at fault, in row order (paged)."""

    party: str
    year: int
    view: View
    basis: Basis
    rows: int = Field(description="Rows in the report")
    valid: bool = Field(description="No row has a problem: the report can be submitted")
    notes: list[str] = Field(description="What could not be checked, e.g. no species data")
    items: list[ProblemRead]
    total: int = Field(description="Problems in all")
    limit: int
    offset: int


class Total(BaseModel):
    """What one group adds up to, in one unit (quantities in different units never add)."""

    key: str = Field(description="The taxon, term code, trading partner or month (YYYY-MM)")
    unit: str = Field(description="UN/ECE Rec. 20 unit code; NAR for a number of specimens")
    quantity: str = Field(description="The exact sum, as a decimal text (e.g. 12500, 0.012)")
    rows: int


class DeadlineStatus(StrEnum):
    PERIOD_OPEN = "period_open"  # the year is not over yet
    DUE = "due"  # the year is over, the deadline is still ahead
    OVERDUE = "overdue"  # 31 October of the following year has passed


class Deadline(BaseModel):
    due_on: date = Field(description="31 October of the following year")
    as_of: date
    status: DeadlineStatus
    days_left: int = Field(description="Days from as_of to due_on (negative: overdue)")


class Statistics(BaseModel):
    party: str
    year: int
    view: View
    basis: Basis
    rows: int
    documents: int = Field(description="Permits and certificates the rows come from")
    problems: int = Field(description="Problems the validation finds in the report")
    notes: list[str] = Field(description="What could not be checked, e.g. no species data")
    by_taxon: list[Total]
    by_term: list[Total]
    by_partner: list[Total]
    by_month: list[Total]
    deadline: Deadline
