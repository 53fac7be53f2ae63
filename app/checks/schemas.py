"""An intended trade for the dry run, and its results."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field, model_validator

from app.codelists import lists
from app.core.errors import InvalidInput
from app.core.schemas import InputModel


class IntendedLineIn(InputModel):
    scientific_name: str = Field(min_length=1, max_length=200)
    source_code: str = Field(min_length=1, max_length=1)
    term_code: str = Field(min_length=1, max_length=3)
    quantity: Decimal = Field(ge=0, max_digits=18, decimal_places=3)
    unit: str = Field("", max_length=3, description='UN/ECE unit; "" or NAR: specimens')
    origin_country: str | None = Field(None, pattern="^[A-Z]{2}$")
    appendix: str | None = Field(None, pattern="^(I|II|III)$", description="As declared")


class IntendedTradeIn(InputModel):
    document_type: str = Field(pattern="^[ERIO]$")
    exporter_country: str = Field(pattern="^[A-Z]{2}$")
    importer_country: str = Field(pattern="^[A-Z]{2}$")
    purpose_code: str = Field(min_length=1, max_length=1)
    lines: list[IntendedLineIn] = Field(min_length=1, max_length=50)
    on: date | None = Field(None, description="The date to check at (default: today)")
    import_permit_referenced: bool = Field(
        False,
        description="The importing Party's import permit is at hand (Appendix I), without "
        "naming it; prefer import_permit_party and import_permit_number",
    )
    import_permit_party: str | None = Field(
        None,
        pattern="^[A-Z]{2}$",
        description="For E and R: the importing Party that granted the import permit the "
        "trade relies on; given with import_permit_number (as on an application)",
    )
    import_permit_number: str | None = Field(None, min_length=1, max_length=35)
    valid_until: date | None = Field(
        None, description="The last day of validity asked for (checked against the limit)"
    )
    other_subtype: str | None = Field(
        None,
        max_length=40,
        description="For O: which certificate (its validity limit); default: origin",
    )

    @model_validator(mode="after")
    def _references(self) -> IntendedTradeIn:
        if (self.import_permit_party is None) != (self.import_permit_number is None):
            raise InvalidInput(
                "import_permit_party and import_permit_number are given together or not at all",
                code="import_permit_reference_incomplete",
                details={
                    "missing": "import_permit_party"
                    if self.import_permit_party is None
                    else "import_permit_number"
                },
            )
        if self.import_permit_party is not None and self.document_type not in ("E", "R"):
            raise InvalidInput(
                "import_permit_party and import_permit_number are only for an export permit or "
                "a re-export certificate (document_type E or R)",
                code="import_permit_reference_not_allowed",
                details={"document_type": self.document_type},
            )
        if self.import_permit_party not in (None, self.importer_country):
            raise InvalidInput(
                f"import_permit_party: the import permit is granted by the country of import "
                f"({self.importer_country}), not {self.import_permit_party}",
                code="import_permit_party_mismatch",
                details={
                    "import_permit_party": self.import_permit_party,
                    "importer_country": self.importer_country,
                },
            )
        if self.other_subtype is not None:
            if self.document_type != "O":
                raise InvalidInput(
                    "other_subtype is only for document_type O",
                    code="other_subtype_not_allowed",
                    details={"document_type": self.document_type},
                )
            self.other_subtype = lists.other_subtype(self.other_subtype)
        return self


class CheckResult(BaseModel):
    code: str
    severity: str = Field(description="block or warn")
    message: str
    line: str | None = Field(description="The line (A, B, ...), or null for the whole trade")


class CheckResults(BaseModel):
    results: list[CheckResult]
    snapshot_id: int | None = Field(description="The reference data the results used")
    blocked: bool
