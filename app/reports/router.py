"""The annual trade report for officers: the report itself (streamed CSV or JSON), its
validation report and the statistics with the deadline."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import StreamingResponse

from app.api.deps import (
    Limit,
    Offset,
    SessionDep,
    SessionFactoryDep,
    SettingsDep,
    app_state,
    require_role,
)
from app.api.errors import ERROR_RESPONSES
from app.core.actor import Actor, Role
from app.core.config import Settings
from app.core.db import read_only_session
from app.reports import service
from app.reports.schemas import Basis, Format, Statistics, ValidationReport, View

router = APIRouter(prefix="/reports", tags=["reports"], responses=ERROR_RESPONSES)
Reader = Annotated[Actor, Depends(require_role(Role.OFFICER, Role.ADMIN))]
ClockDep = Annotated[Callable[[], datetime], Depends(app_state("clock"))]
Year = Annotated[int, Path(description="The calendar year reported, 1975 to the current one")]
ViewQuery = Annotated[
    View, Query(description="exporter: exports and re-exports; importer: imports")
]
BasisQuery = Annotated[
    Basis,
    Query(description="actual: quantities customs recorded; issued: permits issued in the year"),
]
MEDIA_TYPES = {Format.CSV: "text/csv", Format.JSON: "application/json"}


def _report(
    year: int, view: View, basis: Basis, settings: Settings, clock: Callable[[], datetime]
) -> service.AnnualReport:
    service.check_year(year, clock().date())
    return service.AnnualReport(party=settings.party, year=year, view=view, basis=basis)


@router.get(
    "/annual/{year}",
    response_class=StreamingResponse,
    summary="The annual trade report in the CITES Trade Database format (officer, admin)",
    description="One row per permit line, streamed: CSV in the Trade Database's upload form "
    "(UTF-8, header row) or JSON. `strict=true` validates the whole report first and answers "
    "`409 report_has_problems` (with the first problems) instead of a report with problems; "
    "without it, the report is produced as it is and its problems are at "
    "`/reports/annual/{year}/problems`.",
    responses={
        200: {
            "content": {"text/csv": {}, "application/json": {}},
            "description": "The report (a file attachment)",
        }
    },
)
def annual_report(
    year: Year,
    _actor: Reader,
    factory: SessionFactoryDep,
    settings: SettingsDep,
    clock: ClockDep,
    view: ViewQuery = View.EXPORTER,
    basis: BasisQuery = Basis.ACTUAL,
    fmt: Annotated[Format, Query(alias="format", description="csv or json")] = Format.CSV,
    strict: Annotated[
        bool, Query(description="Refuse (409) to produce a report that has problems")
    ] = False,
) -> StreamingResponse:
    report = _report(year, view, basis, settings, clock)
    if strict:
        with read_only_session(factory) as session:
            service.require_valid(session, report, max_bytes=settings.max_xml_bytes)

    def chunks() -> Iterator[str]:  # its own session: the response outlives the request's
        with read_only_session(factory) as session:
            yield from service.render(
                session, report, fmt, max_bytes=settings.max_xml_bytes, run=service.Run()
            )

    name = f"annual-report-{report.party}-{year}-{view}-{basis}.{fmt}"
    return StreamingResponse(
        chunks(),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/annual/{year}/problems",
    response_model=ValidationReport,
    summary="The annual report's validation report: its problems, row by row (officer, admin)",
    description="The Trade Database's rules on every row of the report with the same `view` "
    "and `basis`: required values, code lists, quantity, year, and the appendix of the taxon "
    "in that year. Problems come in row order (row 1 is the first row after the CSV header), "
    "paged; `valid` is true when there is none.",
)
def annual_report_problems(
    year: Year,
    session: SessionDep,
    _actor: Reader,
    settings: SettingsDep,
    clock: ClockDep,
    view: ViewQuery = View.EXPORTER,
    basis: BasisQuery = Basis.ACTUAL,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ValidationReport:
    report = _report(year, view, basis, settings, clock)
    return service.validate(
        session, report, max_bytes=settings.max_xml_bytes, limit=limit, offset=offset
    )


@router.get(
    "/annual/{year}/statistics",
    response_model=Statistics,
    summary="Totals by taxon, term, partner and month, and the deadline (officer, admin)",
    description="What the annual report with this `view` and `basis` adds up to, per unit, "
    "and its deadline: 31 October of the following year (`period_open` while the year runs, "
    "then `due`, then `overdue`).",
)
def annual_report_statistics(
    year: Year,
    session: SessionDep,
    _actor: Reader,
    settings: SettingsDep,
    clock: ClockDep,
    view: ViewQuery = View.EXPORTER,
    basis: BasisQuery = Basis.ACTUAL,
) -> Statistics:
    report = _report(year, view, basis, settings, clock)
    return service.statistics(
        session, report, max_bytes=settings.max_xml_bytes, today=clock().date()
    )
