"""Command-line entry for `relance build`: progress while dbt runs, then every row accounted for."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from relance.options import DEFAULT_DATA, DEFAULT_DB, DataDir, WarehousePath
from warehouse.build import BuildInProgressError, BuildSummary, build_warehouse
from warehouse.dbt import DbtBuildError
from warehouse.reconcile import ReconciliationError
from warehouse.structure import StructuralError

console = Console()


def build(data: DataDir = DEFAULT_DATA, warehouse: WarehousePath = DEFAULT_DB) -> None:
    """Check the dataset, run dbt (models and tests) into a new file, then swap it into place."""
    err = Console(stderr=True)
    try:
        with Progress(
            TextColumn("[bold]dbt build"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("checking the dataset", total=None)

            def advance(node: str, total: int) -> None:
                progress.update(task, advance=1, total=total or None, description=node)

            summary = build_warehouse(data=Path(data), warehouse=Path(warehouse),
                                      on_progress=advance)
    except StructuralError as exc:
        err.print(f"[bold red]Dataset {exc.data_dir} is not in the contract[/] "
                  "(build stopped before dbt; the previous warehouse is unchanged):")
        for problem in exc.problems:
            err.print(f"  [red]-[/] {problem}", highlight=False)
        raise typer.Exit(code=1) from exc
    except (DbtBuildError, ReconciliationError, BuildInProgressError) as exc:
        err.print(f"[bold red]Build failed:[/] {exc}", highlight=False)
        raise typer.Exit(code=1) from exc
    print_summary(summary, console)


def print_summary(summary: BuildSummary, out: Console) -> None:
    """Rows per table (file, staged, quarantined) and the quarantine reasons."""
    table = Table(title=f"Warehouse {summary.warehouse}", title_justify="left")
    table.add_column("table")
    for name in ("raw rows", "staged", "quarantined"):
        table.add_column(name, justify="right")
    for t in summary.tables:
        style = "yellow" if t.quarantined_rows else None
        table.add_row(t.table, f"{t.raw_rows:,}", f"{t.staged_rows:,}",
                      f"{t.quarantined_rows:,}", style=style)
    table.add_row("total", f"{summary.raw_rows:,}",
                  f"{summary.raw_rows - summary.quarantined_rows:,}",
                  f"{summary.quarantined_rows:,}", style="bold")
    out.print(table)
    if summary.quarantine:
        reasons = Table(title="Quarantined rows by reason (see quarantine_<table>)",
                        title_justify="left")
        for name in ("table", "reason", "column"):
            reasons.add_column(name)
        reasons.add_column("rows", justify="right")
        for q in summary.quarantine:
            reasons.add_row(q.table, q.reason, q.column or "", f"{q.rows:,}")
        out.print(reasons)
    out.print(
        f"[green]Built[/] {summary.warehouse} from {summary.data_dir} in {summary.seconds:.1f} s "
        f"({summary.models} models, {summary.tests} tests passed; dbt {summary.dbt_version}); "
        f"amounts in {summary.reporting_currency}.", highlight=False)
