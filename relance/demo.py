"""`relance demo`: every step, in order, on the default dataset in ``data/``."""

from __future__ import annotations

from collections.abc import Callable

import typer
from rich.console import Console

from relance.paths import DEFAULT_DATA_DIR, DEFAULT_WAREHOUSE

console = Console()


def _run(title: str, step: Callable[[], None]) -> bool:
    """Run one step; report a step that is not built yet instead of pretending it ran."""
    console.rule(f"[bold]{title}")
    try:
        step()
    except typer.Exit as stop:
        if stop.exit_code == 0:
            return True
        console.print(f"[yellow]{title}: skipped (exit {stop.exit_code})[/]")
        return False
    return True


def demo(
    customers: int = typer.Option(20_000, help="Customers to simulate."),
    calls: int = typer.Option(24, help="Call recordings to synthesize."),
    seed: int = typer.Option(7, help="Random seed."),
    port: int = typer.Option(8501, help="Dashboard port."),
    serve: bool = typer.Option(True, help="Start the dashboard at the end."),
) -> None:
    """Simulate, build, transcribe, analyze, report, then serve the dashboard."""
    from analysis.cli import analyze
    from dashboard.cli import dashboard
    from reports.cli import report
    from simulator.cli import simulate
    from speech.cli import transcribe
    from warehouse.cli import build

    data, warehouse = DEFAULT_DATA_DIR, DEFAULT_WAREHOUSE
    steps: list[tuple[str, Callable[[], None]]] = [
        ("simulate", lambda: simulate(customers=customers, seed=seed, out=data, calls=calls)),
        ("transcribe", lambda: transcribe(data=data)),
        ("build", lambda: build(data=data, warehouse=warehouse)),
        ("analyze", lambda: analyze(warehouse=warehouse)),
        ("report", lambda: report(all_merchants=True, warehouse=warehouse)),
    ]
    ran = [title for title, step in steps if _run(title, step)]
    console.print(f"Steps completed: {', '.join(ran) or 'none'}")
    if serve:
        _run("dashboard", lambda: dashboard(warehouse=warehouse, port=port))
