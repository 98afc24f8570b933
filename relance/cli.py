"""The `relance` command: the single entry point to every step of the pipeline.

Each step lives in the package that implements it and exposes a typer command in its own
``cli`` module; this file only assembles them, so the packages stay independent.
"""

from __future__ import annotations

import typer

from analysis.cli import analyze
from dashboard.cli import dashboard
from relance.demo import demo
from reports.cli import report
from simulator.cli import simulate
from speech.cli import transcribe
from warehouse.cli import build

app = typer.Typer(
    name="relance",
    help="Offline analytics and root-cause insight for BNPL debt recovery.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command(help="Simulate a realistic BNPL dataset with planted root causes.")(simulate)
app.command(help="Build the dbt/DuckDB warehouse from a contract dataset.")(build)
app.command(help="Transcribe call recordings offline and mine default reasons.")(transcribe)
app.command(help="Find and size root causes; persist them in the warehouse.")(analyze)
app.command(help="Write merchant recommendation reports (HTML, PDF).")(report)
app.command(help="Serve the Streamlit dashboard over the warehouse.")(dashboard)
app.command(help="Run every step on the default dataset, then serve the dashboard.")(demo)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
