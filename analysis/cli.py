"""Command-line entry for `relance analyze`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from relance.options import DEFAULT_DB, WarehousePath


def analyze(warehouse: WarehousePath = DEFAULT_DB) -> None:
    """Find and size root causes; persist every insight table in the warehouse's insights schema."""
    from analysis.runner import STEPS, run_all

    console = Console()
    if not Path(warehouse).exists():
        console.print(f"[bold red]No warehouse at {warehouse}[/]: run `relance build` first.")
        raise typer.Exit(code=1)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/"
                  "{task.total}"), TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("analyze", total=len(STEPS))
        summary = run_all(Path(warehouse), on_step=lambda name: progress.update(
            task, advance=1, description=f"analyze: {name}"))
    log = Table(title=f"relance analyze (as of {summary.as_of_date}, {summary.seconds:.1f} s)")
    for column in ("analysis", "status", "rows", "seconds", "note"):
        log.add_column(column)
    for r in summary.results:
        colour = {"ok": "green", "skipped": "yellow", "failed": "red"}[r.status]
        log.add_row(r.analysis, f"[{colour}]{r.status}[/]", str(r.rows), f"{r.seconds:.1f}",
                    r.message.splitlines()[0] if r.message else "")
    console.print(log)
    causes = summary.root_causes
    if len(causes):
        top = causes[(causes["scope"] == "portfolio") & causes["significant"]].head(10)
        console.print(f"{int(causes['significant'].sum())} significant root-cause rows "
                      f"(FDR 5 %); top portfolio causes:")
        for r in top.itertuples():
            console.print(f"  {r.rank}. {r.title}: {r.money_at_stake_month:,.0f} EUR/month")
    if summary.failed:
        raise typer.Exit(code=1)
