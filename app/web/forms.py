"""The application form: HTML fields to ``ApplicationIn`` and back, and the validation
errors mapped onto the fields they concern (for the error summary and the inline messages)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from app.applications.models import Application
from app.applications.schemas import ApplicationIn
from app.core.errors import DomainError
from app.web import labels

MAX_LINES = 26
HEADER_FIELDS = (
    "document_type",
    "other_subtype",
    "counterparty_name",
    "counterparty_address",
    "counterparty_country",
    "purpose_code",
    "special_conditions",
    "export_permit_party",
    "export_permit_number",
    "import_permit_party",
    "import_permit_number",
    "requested_valid_until",
)
LINE_FIELDS = (
    "scientific_name",
    "common_name",
    "description",
    "term_code",
    "quantity",
    "unit_code",
    "appendix",
    "source_code",
    "origin_country",
    "origin_permit_number",
    "origin_permit_date",
    "reexport_country",
    "reexport_certificate_number",
    "reexport_certificate_date",
    "marks",
)


@dataclass
class FieldError:
    field: str  # the input's name (and, with "f-", its id)
    message: str  # English, marked for translation: translated when shown


@dataclass
class ApplicationForm:
    """What the trader typed, as text, with the errors found in it."""

    values: dict[str, str] = field(default_factory=dict)
    lines: list[dict[str, str]] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)

    def error_for(self, name: str) -> str | None:
        return next((e.message for e in self.errors if e.field == name), None)


def blank(lines: int = 1) -> ApplicationForm:
    return ApplicationForm(values={"document_type": "E"}, lines=[{} for _ in range(max(lines, 1))])


def _text(value: object) -> str:
    return "" if value is None else str(value)


def from_application(application: Application) -> ApplicationForm:
    values = {name: _text(getattr(application, name, None)) for name in HEADER_FIELDS}
    lines = [
        {name: _text(getattr(line, name)) for name in LINE_FIELDS} for line in application.lines
    ]
    for line in lines:
        if line.get("unit_code") == "NAR":
            line["unit_code"] = ""
    return ApplicationForm(values=values, lines=lines or [{}])


def from_post(form: Mapping[str, Any]) -> ApplicationForm:
    """The posted fields; lines left entirely blank or ticked for removal are dropped."""
    values = {name: _text(form.get(name)).strip() for name in HEADER_FIELDS}
    lines = []
    for index in range(MAX_LINES + 1):
        line = {name: _text(form.get(f"lines-{index}-{name}")).strip() for name in LINE_FIELDS}
        if form.get(f"lines-{index}-remove") or not any(line.values()):
            continue
        lines.append(line)
    return ApplicationForm(values=values, lines=lines)


def _none_if_blank(value: str) -> str | None:
    return value or None


def to_data(form: ApplicationForm) -> dict[str, Any]:
    v = form.values
    return {
        "document_type": v["document_type"],
        "other_subtype": _none_if_blank(v["other_subtype"]) if v["document_type"] == "O" else None,
        "counterparty": {
            "name": v["counterparty_name"],
            "address": v["counterparty_address"],
            "country": v["counterparty_country"],
        },
        "purpose_code": v["purpose_code"],
        "special_conditions": _none_if_blank(v["special_conditions"]),
        "export_permit_party": _none_if_blank(v["export_permit_party"]),
        "export_permit_number": _none_if_blank(v["export_permit_number"]),
        "import_permit_party": _none_if_blank(v["import_permit_party"]),
        "import_permit_number": _none_if_blank(v["import_permit_number"]),
        "requested_valid_until": _none_if_blank(v["requested_valid_until"]),
        # a blank field of a line is left out: a required one is then reported missing
        "lines": [
            {name: value for name, value in line.items() if value or name == "unit_code"}
            for line in form.lines
        ],
    }


def _field_name(loc: tuple[int | str, ...], cause: object) -> str:
    if not loc:  # a check across fields: the one it names, if any
        if isinstance(cause, DomainError):
            missing = cause.details.get("missing") if isinstance(cause.details, Mapping) else None
            if isinstance(missing, str):
                return missing
            return labels.ERROR_FIELDS.get(cause.code, "form")
        return "form"
    if loc[0] == "counterparty" and len(loc) > 1:
        return f"counterparty_{loc[1]}"
    if loc[0] == "lines":
        if len(loc) >= 3:
            return f"lines-{loc[1]}-{loc[2]}"
        return "lines-0-scientific_name"
    return str(loc[0])


def _message(error: Mapping[str, Any], name: str) -> str:
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, DomainError):
        return labels.ERRORS.get(cause.code, labels.GENERIC_FIELD_ERROR)
    kind = str(error.get("type"))
    text = str(error.get("msg", ""))
    if name.endswith("scientific_name") and kind == "value_error":
        return labels.SCIENTIFIC_NAME_ERROR
    if "other_subtype is required" in text:
        return labels.OTHER_SUBTYPE_REQUIRED
    if "other_subtype is only" in text:
        return labels.OTHER_SUBTYPE_NOT_ALLOWED
    return labels.FIELD_ERRORS.get(kind, labels.GENERIC_FIELD_ERROR)


def validate(form: ApplicationForm) -> ApplicationIn | None:
    """The application's content, or None with ``form.errors`` filled in."""
    if not form.lines:  # every line left blank: its required fields are reported
        form.lines = [dict.fromkeys(LINE_FIELDS, "")]
    try:
        return ApplicationIn.model_validate(to_data(form))
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error.get("loc", ()))
            name = _field_name(loc, (error.get("ctx") or {}).get("error"))
            message = _message(error, name)
            if name == "other_subtype" or "other_subtype" in str(error.get("msg", "")):
                name = "other_subtype"
            if not any(e.field == name for e in form.errors):
                form.errors.append(FieldError(name, message))
        return None
