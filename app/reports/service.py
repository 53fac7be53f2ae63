"""The annual report's use cases: the report itself (CSV or JSON, streamed), its validation
report and the officers' statistics. Each reads in the caller's session and writes nothing;
for a consistent report on SQLite, give it a read-only session (``read_only_session``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from app.core.errors import Conflict, InvalidInput
from app.reports import output, sources
from app.reports.listings import ListingLookup
from app.reports.rows import TradeRow
from app.reports.schemas import (
    Basis,
    Format,
    ProblemRead,
    Statistics,
    ValidationReport,
    View,
)
from app.reports.statistics import Tally, deadline
from app.reports.validation import Problem, Validator

FIRST_YEAR = 1975  # the Convention entered into force on 1 July 1975
NO_SPECIES_DATA = (
    "no species reference data is loaded (ecites species import): SpeciesName and Appendix "
    "were not checked against the CITES listings"
)


@dataclass(frozen=True)
class AnnualReport:
    """Which report: this Party's, for a year, in a view, on a basis."""

    party: str
    year: int
    view: View
    basis: Basis


def check_year(year: int, today: date) -> None:
    """A report covers a calendar year from 1975 to the current one (still open)."""
    if not FIRST_YEAR <= year <= today.year:
        raise InvalidInput(
            f"the report year must be from {FIRST_YEAR} to {today.year}, not {year}",
            code="invalid_report_year",
            details={"year": year, "first": FIRST_YEAR, "last": today.year},
        )


@dataclass
class Run:
    """What a pass over the report saw: rows, problems, and what could not be checked."""

    rows: int = 0
    problems: int = 0
    notes: list[str] = field(default_factory=list)


ProblemSink = Callable[[Problem], None]


def checked_rows(
    session: Session,
    report: AnnualReport,
    *,
    max_bytes: int,
    run: Run,
    on_problem: ProblemSink | None = None,
) -> Iterator[TradeRow]:
    """The report's rows, streamed, each validated on the way (``run`` counts them; each
    problem goes to ``on_problem``)."""
    lookup = ListingLookup(session, year=report.year)
    if not lookup.available:
        run.notes.append(NO_SPECIES_DATA)
    validator = Validator(
        party=report.party,
        year=report.year,
        view=report.view,
        listed=lookup if lookup.available else None,
    )
    for row in sources.trade_rows(
        session,
        party=report.party,
        year=report.year,
        view=report.view,
        basis=report.basis,
        max_bytes=max_bytes,
    ):
        run.rows += 1
        problems = validator.check(run.rows, row)
        if problems:
            run.problems += len(problems)
            if on_problem is not None:
                for problem in problems:
                    on_problem(problem)
        yield row


def render(
    session: Session,
    report: AnnualReport,
    fmt: Format,
    *,
    max_bytes: int,
    run: Run,
    on_problem: ProblemSink | None = None,
) -> Iterator[str]:
    """The report's text in chunks (CSV in the Trade Database's upload form, or JSON)."""
    rows = checked_rows(session, report, max_bytes=max_bytes, run=run, on_problem=on_problem)
    if fmt is Format.CSV:
        return output.csv_chunks(rows, report.view)
    return output.json_chunks(
        rows, party=report.party, year=report.year, view=report.view, basis=report.basis
    )


def problem_read(problem: Problem) -> ProblemRead:
    return ProblemRead(
        row=problem.row,
        document=problem.document,
        line=problem.line,
        column=problem.column,
        value=problem.value,
        code=problem.code,
        message=problem.message,
    )


def validate(
    session: Session, report: AnnualReport, *, max_bytes: int, limit: int, offset: int
) -> ValidationReport:
    """The report's problems in row order: ``limit`` of them from ``offset``, and how many
    there are in all (only that page is kept in memory)."""
    page: list[ProblemRead] = []
    seen = 0

    def keep(problem: Problem) -> None:
        nonlocal seen
        if offset <= seen < offset + limit:
            page.append(problem_read(problem))
        seen += 1

    run = Run()
    for _row in checked_rows(session, report, max_bytes=max_bytes, run=run, on_problem=keep):
        pass
    return ValidationReport(
        party=report.party,
        year=report.year,
        view=report.view,
        basis=report.basis,
        rows=run.rows,
        valid=run.problems == 0,
        notes=run.notes,
        items=page,
        total=run.problems,
        limit=limit,
        offset=offset,
    )


def require_valid(
    session: Session, report: AnnualReport, *, max_bytes: int, sample: int = 20
) -> Run:
    """Validate the whole report first; raise ``report_has_problems`` (with the first
    ``sample`` problems) when a row has one. For producing a report only when it is valid."""
    first: list[ProblemRead] = []

    def keep(problem: Problem) -> None:
        if len(first) < sample:
            first.append(problem_read(problem))

    run = Run()
    for _row in checked_rows(session, report, max_bytes=max_bytes, run=run, on_problem=keep):
        pass
    if run.problems:
        raise Conflict(
            f"the report has {run.problems} problem(s) in {run.rows} row(s); nothing was "
            "produced (see its validation report)",
            code="report_has_problems",
            details={
                "rows": run.rows,
                "problems": run.problems,
                "first": [p.model_dump() for p in first],
            },
        )
    return run


def statistics(
    session: Session, report: AnnualReport, *, max_bytes: int, today: date
) -> Statistics:
    """Totals by taxon, term, trading partner and month (per unit), and the deadline."""
    run, tally = Run(), Tally()
    for row in checked_rows(session, report, max_bytes=max_bytes, run=run):
        tally.add(row)
    return Statistics(
        party=report.party,
        year=report.year,
        view=report.view,
        basis=report.basis,
        rows=tally.rows,
        documents=tally.documents,
        problems=run.problems,
        notes=run.notes,
        by_taxon=tally.totals("taxon"),
        by_term=tally.totals("term"),
        by_partner=tally.totals("partner"),
        by_month=tally.totals("month"),
        deadline=deadline(report.year, today),
    )
