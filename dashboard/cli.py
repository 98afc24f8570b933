"""Command-line entry for `relance dashboard`: serve the Streamlit app over a warehouse."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from rich.console import Console

from dashboard.settings import REPORTS_ENV, WAREHOUSE_ENV
from relance.options import DEFAULT_DB, WarehousePath

DASHBOARD_DIR = Path(__file__).resolve().parent
APP = DASHBOARD_DIR / "app.py"
HOST = "127.0.0.1"


def server_command(port: int) -> list[str]:
    """The `streamlit run` invocation: local only, headless, no telemetry, no file watcher."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.address", HOST,
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false",
        "--browser.serverAddress", HOST,
    ]


def server_environment(warehouse: Path, reports: Path | None = None) -> dict[str, str]:
    """The server's environment: the warehouse and reports folder it reads, as absolute paths."""
    env = dict(os.environ)
    env[WAREHOUSE_ENV] = str(warehouse.expanduser().resolve())
    reports = reports or warehouse.expanduser().resolve().parent / "reports"
    env[REPORTS_ENV] = str(reports.expanduser().resolve())
    return env


def dashboard(
    warehouse: WarehousePath = DEFAULT_DB,
    port: int = typer.Option(8501, "--port", help="Port to serve on (localhost only)."),
) -> None:
    """Serve the dashboard on 127.0.0.1 until interrupted.

    The process becomes the Streamlit server (exec), so signals reach it directly and stopping
    the command stops the server. It runs from the dashboard folder so Streamlit picks up the
    theme in ``dashboard/.streamlit/config.toml``.
    """
    console = Console()
    env = server_environment(warehouse)
    if not Path(env[WAREHOUSE_ENV]).exists():
        console.print(
            f"[yellow]No warehouse at {env[WAREHOUSE_ENV]} yet:[/] the dashboard will say so "
            "until you run `relance build`."
        )
    console.print(f"Relance dashboard: [bold]http://{HOST}:{port}[/] (Ctrl-C to stop)")
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(DASHBOARD_DIR)
    command = server_command(port)
    os.execve(command[0], command, env)
