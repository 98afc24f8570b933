"""Command-line entry for `relance simulate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from relance.paths import DEFAULT_DATA_DIR

STEPS = ("portfolio", "collections", "tables", "calls", "truth")


def simulate(
    customers: Annotated[int, typer.Option("--customers", min=1,
                                           help="Customers to simulate.")] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same files.")] = 7,
    out: Annotated[Path, typer.Option("--out", help="Dataset directory to write.")]
    = DEFAULT_DATA_DIR,
    fmt: Annotated[str, typer.Option("--format", help="parquet or csv.")] = "parquet",
    calls: Annotated[int, typer.Option("--calls", min=0,
                                       help="Call recordings to synthesize.")] = 24,
    null: Annotated[bool, typer.Option("--null", help="Plant no root cause (for "
                                                      "false-discovery checks).")] = False,
    call_languages: Annotated[str, typer.Option(
        "--call-languages", help="Languages of the recorded calls, comma-separated (en, fr); "
                                 "the default Whisper model is English-only.")] = "en",
) -> None:
    """Simulate a BNPL portfolio in the raw data contract, with planted root causes.

    Options are Annotated, so ``relance demo`` can call this as a plain function."""
    from simulator import simulate_dataset
    from simulator.core import FORMATS

    console = Console()
    if fmt not in FORMATS:
        console.print(f"[red]--format must be one of {', '.join(FORMATS)}, not {fmt!r}[/]")
        raise typer.Exit(code=2)
    languages = tuple(x.strip() for x in call_languages.split(",") if x.strip())
    if not languages or set(languages) - {"en", "fr"}:
        console.print(f"[red]--call-languages takes en and/or fr, not {call_languages!r}[/]")
        raise typer.Exit(code=2)
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}"
                  "/{task.total}"), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("simulate", total=len(STEPS) + calls)

        def tick(step: str, n: int) -> None:
            bar.update(task, advance=n, description=f"simulate: {step}")

        simulate_dataset(out=out, customers=customers, seed=seed, calls=calls, fmt=fmt,
                         null=null, progress=tick, call_languages=languages)
    summary = Table(title=f"{out} ({'null: nothing planted' if null else 'planted effects'})")
    summary.add_column("table")
    summary.add_column("rows", justify="right")
    import json

    counts = json.loads((out / "_truth.json").read_text())["row_counts"]
    for name, rows in counts.items():
        summary.add_row(name, f"{rows:,}")
    console.print(summary)
