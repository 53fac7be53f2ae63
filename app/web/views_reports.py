"""The annual trade report for officers and administrators: a year's statistics (totals by
taxon, term, trading partner and month, the deadline) and the problems that keep records from
being reported as they are, with the report's downloads (CSV, JSON). The same use cases as
``/api/v1/reports/annual/{year}``, ``.../problems`` and ``.../statistics``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session, sessionmaker

from app.core.actor import Role
from app.core.config import Settings
from app.core.db import read_only_session
from app.core.errors import DomainError
from app.reports import service as reports_service
from app.reports.schemas import Basis, Format, Total, View
from app.web.context import VisitDep, WebRoute, signed_in
from app.web.forms import FieldError
from app.web.i18n import N_
from app.web.views_lists import PAGE_SIZE, PageNumber, Pager

router = APIRouter(route_class=WebRoute, include_in_schema=False)
READERS = (Role.OFFICER, Role.ADMIN)  # as /api/v1/reports
MEDIA_TYPES = {Format.CSV: "text/csv", Format.JSON: "application/json"}
YEAR_ERROR = N_("Enter a year from 1975 (the Convention's first) to the current year.")
YearText = Annotated[str, Query(max_length=10)]
# What each problem of the Trade Database's rules means (the service's own message, with the
# values concerned, is shown under it).
PROBLEMS = {
    "missing_value": N_("A required value is missing."),
    "unknown_code": N_("The value is not in the CITES code list."),
    "invalid_quantity": N_("The quantity must be a number above zero."),
    "invalid_year": N_("The year must have four digits."),
    "trading_partner_is_reporter": N_("The trading partner is this Party itself."),
    "species_unknown": N_("The name is not in the species reference data."),
    "appendix_not_valid_for_taxon": N_("The taxon was not in this appendix during the year."),
}
VIEWS = {
    View.EXPORTER: N_("Exports and re-exports"),
    View.IMPORTER: N_("Imports"),
}
BASES = {
    Basis.ACTUAL: N_("Actual trade (the quantities customs recorded)"),
    Basis.ISSUED: N_("Permits issued in the year"),
}
TABLES = (
    ("by_taxon", N_("By taxon"), N_("Taxon")),
    ("by_term", N_("By term"), N_("Term")),
    ("by_partner", N_("By trading partner"), N_("Trading partner")),
    ("by_month", N_("By month"), N_("Month")),
)


@dataclass(frozen=True)
class Line:
    """One total as shown: its key (a name, code or month), unit, quantity and rows."""

    key: str
    unit: str
    quantity: str
    rows: int


def _year(text: str, today: date, errors: list[FieldError]) -> int | None:
    """The year asked (by default the last one), or None with the error."""
    text = text.strip()
    if not text:
        return today.year - 1
    try:
        year = int(text)
        reports_service.check_year(year, today)
    except (ValueError, DomainError):
        errors.append(FieldError("year", YEAR_ERROR))
        return None
    return year


def _quantity(text: str, locale: Locale) -> str:
    """The exact sum, written the language's way (never rounded)."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    return format_decimal(value, locale=locale, decimal_quantization=False)


def _key(table: str, key: str, locale: Locale) -> str:
    if table == "by_month":  # YYYY-MM: the month's name in the language
        try:
            month = date.fromisoformat(f"{key}-01")
        except ValueError:
            return key
        return format_date(month, "LLLL y", locale=locale)
    return key


def _lines(table: str, totals: list[Total], locale: Locale) -> list[Line]:
    return [
        Line(_key(table, t.key, locale), t.unit, _quantity(t.quantity, locale), t.rows)
        for t in totals
    ]


def _choices() -> dict[str, object]:
    """The form's options and the problems' explanations."""
    return {
        "views": [(v.value, text) for v, text in VIEWS.items()],
        "bases": [(b.value, text) for b, text in BASES.items()],
        "problem_texts": PROBLEMS,
    }


@router.get("/officer/reports")
def reports(
    visit: VisitDep,
    year: YearText = "",
    view: View = View.EXPORTER,
    basis: Basis = Basis.ACTUAL,
    page: PageNumber = 1,
) -> Response:
    settings: Settings = visit.request.app.state.settings
    today = visit.now.date()
    with signed_in(visit, *READERS) as (session, _actor):
        errors: list[FieldError] = []
        chosen = _year(year, today, errors)
        form = {"year": year.strip() or str(chosen), "view": view.value, "basis": basis.value}
        if chosen is None:
            return visit.page(
                "reports.html", 400, errors=errors, form=form, statistics=None, **_choices()
            )
        report = reports_service.AnnualReport(
            party=settings.party, year=chosen, view=view, basis=basis
        )
        statistics = reports_service.statistics(
            session, report, max_bytes=settings.max_xml_bytes, today=today
        )
        problems = reports_service.validate(
            session,
            report,
            max_bytes=settings.max_xml_bytes,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        locale = visit.language.locale
        tables = [
            (name, title, heading, _lines(name, getattr(statistics, name), locale))
            for name, title, heading in TABLES
        ]
        return visit.page(
            "reports.html",
            errors=[],
            form=form,
            year=chosen,
            statistics=statistics,
            tables=tables,
            problems=problems,
            pager=Pager(page, problems.total),
            **_choices(),
        )


@router.get("/officer/reports/{year}.{fmt}")
def download(
    visit: VisitDep,
    year: Annotated[int, Path()],
    fmt: Format,
    view: View = View.EXPORTER,
    basis: Basis = Basis.ACTUAL,
) -> Response:
    """The report as a file, streamed (as ``GET /api/v1/reports/annual/{year}``)."""
    state = visit.request.app.state
    settings: Settings = state.settings
    with signed_in(visit, *READERS):
        reports_service.check_year(year, visit.now.date())
    report = reports_service.AnnualReport(party=settings.party, year=year, view=view, basis=basis)
    factory: sessionmaker[Session] = state.session_factory

    def chunks() -> Iterator[str]:  # its own session: the response outlives the request's
        with read_only_session(factory) as session:
            yield from reports_service.render(
                session, report, fmt, max_bytes=settings.max_xml_bytes, run=reports_service.Run()
            )

    name = f"annual-report-{report.party}-{year}-{view}-{basis}.{fmt}"
    return visit.finish(
        StreamingResponse(
            chunks(),
            media_type=MEDIA_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    )
