from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from app.codelists import lists
from app.core.errors import InvalidInput
from app.core.schemas import InputModel

# "Genus", "Genus species", "Genus species subspecies", "Genus spp.", "Family spp.",
# optionally with a hybrid sign: "Genus x species". No authors, no trade names.
SCIENTIFIC_NAME = re.compile(
    r"^[A-Z][a-z]+(?: spp\.| (?:x )?[a-z][a-z-]+(?: (?:ssp\. |var\. )?[a-z][a-z-]+)?)?$"
)


def _scientific_name(value: str) -> str:
    value = " ".join(value.split())
    if not SCIENTIFIC_NAME.match(value):
        raise ValueError(
            "scientific_name must be a taxon name such as 'Panthera leo', "
            "'Python regius', 'Aloe spp.' or 'Crocodylus niloticus niloticus'"
        )
    return value


ScientificName = Annotated[
    str, Field(min_length=3, max_length=200), AfterValidator(_scientific_name)
]
PurposeCode = Annotated[
    str, Field(min_length=1, max_length=1, examples=["T"]), AfterValidator(lists.purpose_code)
]
SourceCode = Annotated[
    str, Field(min_length=1, max_length=1, examples=["W"]), AfterValidator(lists.source_code)
]
TermCode = Annotated[
    str, Field(min_length=3, max_length=3, examples=["LIV"]), AfterValidator(lists.term_code)
]
UnitCode = Annotated[
    str | None,
    Field(
        None,
        max_length=3,
        examples=["KGM"],
        description="UN/ECE Rec. 20; blank means number (NAR); legacy codes are mapped",
    ),
    AfterValidator(lists.unit_code),
]
Appendix = Annotated[
    str, Field(min_length=1, max_length=3, examples=["II"]), AfterValidator(lists.appendix)
]
CountryCode = Annotated[
    str, Field(min_length=2, max_length=2, examples=["FR"]), AfterValidator(lists.country_code)
]
DocumentNumber = Annotated[str, Field(min_length=1, max_length=35)]
DocumentType = Literal["E", "R", "I", "O"]


class ApplicationState(StrEnum):
    """An application's states; the moves between them are app/workflow/transitions.py's."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    ISSUED = "issued"


class Counterparty(InputModel):
    """The other side of the trade: the importer (Box 3) for E, R and O documents; the
    exporter or re-exporter (Box 4) for an import permit."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)

    name: str = Field(min_length=1, max_length=200)
    address: str = Field(min_length=1, max_length=2000)
    country: CountryCode


class ApplicationLineIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    scientific_name: ScientificName = Field(description="Box 7")
    common_name: str | None = Field(None, max_length=200, description="Box 8")
    description: str | None = Field(None, max_length=2000, description="Box 9")
    term_code: TermCode = Field(description="Box 9 term code")
    quantity: Decimal = Field(gt=0, max_digits=18, decimal_places=3, description="Box 11")
    unit_code: UnitCode = Field(None, validate_default=True)
    appendix: Appendix = Field(description="Box 10: I, II or III")
    source_code: SourceCode = Field(description="Box 10 source")
    origin_country: CountryCode | None = Field(None, description="Box 12")
    origin_permit_number: DocumentNumber | None = None
    origin_permit_date: date | None = None
    reexport_country: CountryCode | None = Field(None, description="Box 12a")
    reexport_certificate_number: DocumentNumber | None = None
    reexport_certificate_date: date | None = None
    marks: str | None = Field(None, max_length=2000, description="Box 9 marks, tags, chips")


class ApplicationIn(InputModel):
    """The application's content: used to create a draft and to edit it."""

    model_config = ConfigDict(extra="forbid")

    document_type: DocumentType = Field(description="Box 1: E, R, I or O")
    other_subtype: str | None = Field(
        None,
        description="For O only: origin, pre_convention, captive_breeding, "
        "artificial_propagation, introduction_from_sea, travelling_exhibition, "
        "personal_ownership, musical_instrument, scientific_exchange",
    )
    counterparty: Counterparty
    purpose_code: PurposeCode = Field(description="Box 5a")
    special_conditions: str | None = Field(None, max_length=4000, description="Box 5")
    export_permit_party: CountryCode | None = Field(
        None,
        description="For I only: the Party that issued the export permit or re-export "
        "certificate this import relies on; given with export_permit_number",
    )
    export_permit_number: DocumentNumber | None = Field(
        None,
        description="For I only: that export permit's or re-export certificate's number, "
        "as the issuing Party wrote it; given with export_permit_party",
    )
    import_permit_party: CountryCode | None = Field(
        None,
        description="For E and R only: the importing Party that granted the import permit "
        "this export relies on (Appendix I, Art. III(2)(d)); given with import_permit_number",
    )
    import_permit_number: DocumentNumber | None = Field(
        None,
        description="For E and R only: that import permit's number, as the importing Party "
        "wrote it; given with import_permit_party",
    )
    requested_valid_until: date | None = Field(
        None,
        description="Box 2: the last day of validity asked for (default: the longest the "
        "document type allows: 6 months for E and R, 12 for I; the checks report a longer one)",
    )
    lines: list[ApplicationLineIn] = Field(min_length=1, max_length=26)

    @model_validator(mode="after")
    def _subtype(self) -> ApplicationIn:
        if self.document_type == "O":
            if not self.other_subtype:
                raise ValueError("other_subtype is required when document_type is O")
            self.other_subtype = lists.other_subtype(self.other_subtype)
        elif self.other_subtype is not None:
            raise ValueError("other_subtype is only for document_type O")
        return self

    @model_validator(mode="after")
    def _export_permit_reference(self) -> ApplicationIn:
        _permit_reference(self, "export", allowed=("I",), for_what="an import permit")
        return self

    @model_validator(mode="after")
    def _import_permit_reference(self) -> ApplicationIn:
        given = _permit_reference(
            self,
            "import",
            allowed=("E", "R"),
            for_what="an export permit or a re-export certificate",
        )
        party = self.import_permit_party
        if given and party != self.counterparty.country:
            raise InvalidInput(
                f"import_permit_party: the import permit is granted by the country of import "
                f"({self.counterparty.country}), not {party}",
                code="import_permit_party_mismatch",
                details={
                    "import_permit_party": party,
                    "counterparty_country": self.counterparty.country,
                },
            )
        return self


def _permit_reference(
    application: ApplicationIn, kind: str, *, allowed: tuple[str, ...], for_what: str
) -> bool:
    """Check the reference to another Party's ``kind`` permit (``{kind}_permit_party`` and
    ``{kind}_permit_number``): both or neither, and only on the ``allowed`` document types.
    Strips the number (numbers are compared exactly). True when a reference is given."""
    party_field, number_field = f"{kind}_permit_party", f"{kind}_permit_number"
    party, number = getattr(application, party_field), getattr(application, number_field)
    if number is not None:
        number = number.strip() or None
        setattr(application, number_field, number)
    if party is None and number is None:
        return False
    if party is None or number is None:
        raise InvalidInput(
            f"{party_field} and {number_field} are given together or not at all",
            code=f"{kind}_permit_reference_incomplete",
            details={"missing": party_field if party is None else number_field},
        )
    if application.document_type not in allowed:
        raise InvalidInput(
            f"{party_field} and {number_field} are only for {for_what} "
            f"(document_type {' or '.join(allowed)})",
            code=f"{kind}_permit_reference_not_allowed",
            details={"document_type": application.document_type},
        )
    return True


class ApplicationLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    letter: str
    scientific_name: str
    common_name: str | None
    description: str | None
    term_code: str
    quantity: Decimal
    unit_code: str
    appendix: str
    source_code: str
    origin_country: str | None
    origin_permit_number: str | None
    origin_permit_date: date | None
    reexport_country: str | None
    reexport_certificate_number: str | None
    reexport_certificate_date: date | None
    marks: str | None


class ApplicationSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    status: str
    document_type: str
    organisation_id: int
    applicant_name: str
    counterparty_country: str
    purpose_code: str
    created_at: datetime
    submitted_at: datetime | None


class ApplicationRead(ApplicationSummary):
    other_subtype: str | None
    applicant_address: str
    applicant_country: str
    counterparty_name: str
    counterparty_address: str
    special_conditions: str | None
    export_permit_party: str | None
    export_permit_number: str | None
    import_permit_party: str | None
    import_permit_number: str | None
    requested_valid_until: date | None
    officer_comment: str | None
    refusal_reason: str | None
    updated_at: datetime
    decided_at: datetime | None
    lines: list[ApplicationLineRead]


class ApplicationList(BaseModel):
    items: list[ApplicationSummary]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True)
class ApplicationFilter:
    organisation_id: int | None = None
    statuses: tuple[str, ...] = ()
    document_type: str | None = None
    submitted_from: datetime | None = None
    submitted_to: datetime | None = None
    sort: str = "-created_at"
