"""`ecites report`: the annual trade report, its validation and statistics."""

from __future__ import annotations

import csv
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from app.cli.common import fail, group, settings_or_exit
from app.core.config import Settings
from app.core.errors import DomainError
from app.reports.schemas import Basis, Format, View

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.reports.service import AnnualReport
    from app.reports.validation import Problem

report_cli = group("report", "The annual trade report in the CITES Trade Database format.")

PROGRESS_EVERY = 100_000  # rows between two progress lines
SHOWN = 20  # problems printed on stderr; --problems writes them all
PROBLEM_COLUMNS = ("row", "document", "line", "column", "value", "code", "message")

YearOption = Annotated[int, typer.Option("--year", help="The calendar year reported")]
ViewOption = Annotated[
    View, typer.Option("--view", help="exporter (exports, re-exports) or importer")
]
BasisOption = Annotated[
    Basis,
    typer.Option("--basis", help="actual (quantities customs recorded) or issued (permits)"),
]
ProblemsOption = Annotated[
    Path | None,
    typer.Option("--problems", help="Also write every problem to this CSV file", dir_okay=False),
]


@contextmanager
def _reading(settings: Settings) -> Iterator[Session]:
    """A read-only session (no write lock on SQLite while the report runs)."""
    from app.core.db import make_engine, make_session_factory, read_only_session

    engine = make_engine(settings.effective_database_url)
    try:
        with read_only_session(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def _report(settings: Settings, year: int, view: View, basis: Basis) -> AnnualReport:
    from app.core.clock import utcnow
    from app.reports import service

    try:
        service.check_year(year, utcnow().date())
    except DomainError as exc:
        typer.echo(f"error [{exc.code}]: {exc.message}", err=True)
        raise typer.Exit(2) from None
    return service.AnnualReport(party=settings.party, year=year, view=view, basis=basis)


def _describe(problem: Problem) -> str:
    value = "" if problem.value is None else f" {problem.value!r}"
    return (
        f"row {problem.row} ({problem.document} line {problem.line}) {problem.column}{value}: "
        f"{problem.code}: {problem.message}"
    )


class _Problems:
    """Problems as they come: the first few kept for stderr, all to the --problems file."""

    def __init__(self, handle: TextIO | None) -> None:
        self.shown: list[str] = []
        self.writer = csv.writer(handle, lineterminator="\n") if handle else None
        if self.writer is not None:
            self.writer.writerow(PROBLEM_COLUMNS)

    def __call__(self, problem: Problem) -> None:
        if len(self.shown) < SHOWN:
            self.shown.append(_describe(problem))
        if self.writer is not None:
            self.writer.writerow(
                (
                    problem.row,
                    problem.document,
                    problem.line,
                    problem.column,
                    problem.value or "",
                    problem.code,
                    problem.message,
                )
            )

    def report(self, total: int) -> None:
        for line in self.shown:
            typer.echo(f"  {line}", err=True)
        if total > len(self.shown):
            typer.echo(f"  ... and {total - len(self.shown):,} more", err=True)


@contextmanager
def _problem_file(path: Path | None) -> Iterator[TextIO | None]:
    if path is None:
        yield None
        return
    try:
        handle = path.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        typer.echo(f"error: cannot write {path}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    with handle:
        yield handle


@report_cli.command("annual")
def annual(
    year: YearOption,
    out: Annotated[Path, typer.Option("--out", help="The file to write", dir_okay=False)],
    view: ViewOption = View.EXPORTER,
    basis: BasisOption = Basis.ACTUAL,
    fmt: Annotated[Format, typer.Option("--format", help="csv (upload form) or json")] = (
        Format.CSV
    ),
    strict: Annotated[
        bool, typer.Option("--strict", help="Write no file when a row has a problem (exit 1)")
    ] = False,
    problems: ProblemsOption = None,
) -> None:
    """Write the annual trade report (one row per permit line), validating every row on the
    way. Progress and problems go to stderr. Without --strict the file is written even with
    problems (listed, exit 0); with it, a report with problems is not written (exit 1)."""
    from app.reports import service

    settings = settings_or_exit()
    report = _report(settings, year, view, basis)
    partial = out.with_name(f".{out.name}.partial")  # renamed to `out` when complete
    started, run = time.perf_counter(), service.Run()
    with _problem_file(problems) as handle:
        sink = _Problems(handle)
        try:
            with _reading(settings) as session, partial.open("w", encoding="utf-8") as target:
                mark = PROGRESS_EVERY
                for chunk in service.render(
                    session, report, fmt, max_bytes=settings.max_xml_bytes, run=run, on_problem=sink
                ):
                    target.write(chunk)
                    if run.rows >= mark:
                        typer.echo(f"{run.rows:,} rows, {run.problems:,} problems", err=True)
                        mark = (run.rows // PROGRESS_EVERY + 1) * PROGRESS_EVERY
        except OSError as exc:
            partial.unlink(missing_ok=True)
            typer.echo(f"error: cannot write {out}: {exc.strerror}", err=True)
            raise typer.Exit(2) from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    seconds = time.perf_counter() - started
    for note in run.notes:
        typer.echo(f"note: {note}", err=True)
    summary = f"{run.rows:,} rows, {run.problems:,} problems in {seconds:.1f} s"
    if run.problems:
        sink.report(run.problems)
    if strict and run.problems:
        partial.unlink(missing_ok=True)
        typer.echo(f"{summary}: not written (--strict)", err=True)
        raise typer.Exit(1)
    os.replace(partial, out)
    typer.echo(f"{summary}: written to {out}", err=True)


@report_cli.command("validate")
def validate(
    year: YearOption,
    view: ViewOption = View.EXPORTER,
    basis: BasisOption = Basis.ACTUAL,
    problems: ProblemsOption = None,
) -> None:
    """Check the annual report against the Trade Database's rules without writing it: every
    problem on stdout, one per line (row, document and line, column, code, reason); exit 1
    when there is one."""
    from app.reports import service

    settings = settings_or_exit()
    report = _report(settings, year, view, basis)
    run = service.Run()
    with _problem_file(problems) as handle:
        sink = _Problems(handle)

        def show(problem: Problem) -> None:
            typer.echo(_describe(problem))
            sink(problem)

        with _reading(settings) as session:
            for _row in service.checked_rows(
                session, report, max_bytes=settings.max_xml_bytes, run=run, on_problem=show
            ):
                pass
    for note in run.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"{run.rows:,} rows, {run.problems:,} problems", err=True)
    if run.problems:
        raise typer.Exit(1)


@report_cli.command("statistics")
def statistics(
    year: YearOption,
    view: ViewOption = View.EXPORTER,
    basis: BasisOption = Basis.ACTUAL,
) -> None:
    """Print, as JSON, the totals by taxon, term, trading partner and month (per unit) and
    the report's deadline status (the answer of GET /api/v1/reports/annual/YEAR/statistics)."""
    from app.core.clock import utcnow
    from app.reports import service

    settings = settings_or_exit()
    report = _report(settings, year, view, basis)
    try:
        with _reading(settings) as session:
            result = service.statistics(
                session, report, max_bytes=settings.max_xml_bytes, today=utcnow().date()
            )
    except DomainError as exc:
        fail(exc)
        return
    typer.echo(result.model_dump_json(indent=2))
