"""`relance demo`: every step, in order, on the default dataset in ``data/``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from rich.console import Console

from relance.paths import DEFAULT_DATA_DIR, DEFAULT_REPORTS_DIR, DEFAULT_WAREHOUSE

console = Console()


def _run(title: str, step: Callable[[], None]) -> None:
    """Run one step; stop the demo at the first step that fails, with that step's exit code."""
    console.rule(f"[bold]relance {title}")
    try:
        step()
    except typer.Exit as stop:
        if stop.exit_code:
            console.print(f"[bold red]relance {title} failed (exit {stop.exit_code}): demo stopped")
            raise


def demo(
    customers: Annotated[int, typer.Option(help="Customers to simulate.")] = 20_000,
    calls: Annotated[int, typer.Option(help="Call recordings to synthesize.")] = 24,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
    port: Annotated[int, typer.Option(help="Dashboard port.")] = 8501,
    serve: Annotated[bool, typer.Option(help="Start the dashboard at the end.")] = True,
) -> None:
    """Simulate, transcribe, build, analyze, report, then serve the dashboard."""
    from analysis.cli import analyze
    from dashboard.cli import dashboard
    from reports.cli import report
    from simulator.cli import simulate
    from speech.cli import transcribe
    from warehouse.cli import build

    data, warehouse = DEFAULT_DATA_DIR, DEFAULT_WAREHOUSE
    _run("simulate", lambda: simulate(customers=customers, seed=seed, out=data, calls=calls))
    # Transcripts and mined reasons are a source of the warehouse, so they come before the build.
    _run("transcribe", lambda: transcribe(data=data))
    _run("build", lambda: build(data=data, warehouse=warehouse))
    _run("analyze", lambda: analyze(warehouse=warehouse))
    _run("report", lambda: report(all_merchants=True, warehouse=warehouse, out=DEFAULT_REPORTS_DIR))
    if serve:
        _run("dashboard", lambda: dashboard(warehouse=warehouse, port=port))
