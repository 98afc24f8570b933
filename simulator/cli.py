"""Command-line entry for `relance simulate`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from relance.paths import DEFAULT_DATA_DIR

STEPS = ("portfolio", "collections", "tables", "calls", "truth")


def simulate(
    customers: int = typer.Option(20_000, "--customers", min=1, help="Customers to simulate."),
    seed: int = typer.Option(7, "--seed", help="Random seed; same seed, same files."),
    out: Path = typer.Option(DEFAULT_DATA_DIR, "--out", help="Dataset directory to write."),
    fmt: str = typer.Option("parquet", "--format", help="parquet or csv."),
    calls: int = typer.Option(24, "--calls", min=0, help="Call recordings to synthesize."),
    null: bool = typer.Option(False, "--null", help="Plant no root cause (for false-discovery "
                                                    "checks)."),
) -> None:
    """Simulate a BNPL portfolio in the raw data contract, with planted root causes."""
    from simulator import simulate_dataset
    from simulator.core import FORMATS

    console = Console()
    if fmt not in FORMATS:
        console.print(f"[red]--format must be one of {', '.join(FORMATS)}, not {fmt!r}[/]")
        raise typer.Exit(code=2)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}"
                  "/{task.total}"), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("simulate", total=len(STEPS) + calls)

        def tick(step: str, n: int) -> None:
            bar.update(task, advance=n, description=f"simulate: {step}")

        simulate_dataset(out=out, customers=customers, seed=seed, calls=calls, fmt=fmt,
                         null=null, progress=tick)
    summary = Table(title=f"{out} ({'null: nothing planted' if null else 'planted effects'})")
    summary.add_column("table")
    summary.add_column("rows", justify="right")
    import json

    counts = json.loads((out / "_truth.json").read_text())["row_counts"]
    for name, rows in counts.items():
        summary.add_row(name, f"{rows:,}")
    console.print(summary)
