"""Fixtures for the dashboard tests: a real warehouse with everything the pages read.

``dashboard_setup`` runs `relance demo --no-serve` once per session on a small dataset with a
recorded call: simulation, real Whisper transcription and mining, dbt build, the insight engine
and every merchant's report. The pages are then tested against exactly what a user gets.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dashboard.settings import REPORTS_ENV, WAREHOUSE_ENV

CUSTOMERS = 2_500
CALLS = 1
SEED = 23


@dataclass(frozen=True)
class DashboardSetup:
    dataset: Path
    warehouse: Path
    reports: Path


@pytest.fixture(scope="session")
def dashboard_setup(tmp_path_factory: pytest.TempPathFactory) -> DashboardSetup:
    """What `relance demo` leaves behind, made by running the real command (without serving).

    This is also the end-to-end test of `make demo`: every step in order through the CLI, with
    the default relative paths, from a fresh working directory.
    """
    root = tmp_path_factory.mktemp("dashboard")
    command = [
        sys.executable, "-m", "relance.cli", "demo", "--no-serve",
        "--customers", str(CUSTOMERS), "--calls", str(CALLS), "--seed", str(SEED),
    ]
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    data = root / "data"
    return DashboardSetup(data / "raw", data / "warehouse.duckdb", data / "reports")


@pytest.fixture(scope="session")
def merchant_reports(dashboard_setup: DashboardSetup) -> Path:
    """Every merchant's report, as the demo's `relance report --all` wrote them."""
    assert sorted(dashboard_setup.reports.glob("*.html")), "the demo wrote no report"
    return dashboard_setup.reports


@pytest.fixture
def serve_warehouse() -> Iterator[callable]:
    """Point the app (run in this process by AppTest) at a warehouse and reports folder."""
    saved = {key: os.environ.get(key) for key in (WAREHOUSE_ENV, REPORTS_ENV)}

    def point(warehouse: Path, reports: Path | None = None) -> None:
        os.environ[WAREHOUSE_ENV] = str(warehouse)
        os.environ[REPORTS_ENV] = str(reports or warehouse.parent / "no-reports")

    yield point
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
