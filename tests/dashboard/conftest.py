"""Fixtures for the dashboard tests: a real warehouse with everything the pages read.

``dashboard_setup`` simulates a small dataset with a recorded call, transcribes and mines it with
the real Whisper model, builds the warehouse with dbt and runs the insight engine, once per
session; ``merchant_reports`` writes the merchants' HTML reports beside it. The pages are then
tested against exactly what a user gets from the pipeline.
"""

from __future__ import annotations

import os
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
    from analysis import run_all
    from simulator import simulate_dataset
    from speech.pipeline import transcribe_dataset
    from warehouse import build_warehouse

    root = tmp_path_factory.mktemp("dashboard")
    dataset = root / "raw"
    simulate_dataset(out=dataset, customers=CUSTOMERS, seed=SEED, calls=CALLS)
    transcribe_dataset(dataset)
    warehouse = root / "warehouse.duckdb"
    build_warehouse(data=dataset, warehouse=warehouse)
    run_all(warehouse)
    return DashboardSetup(dataset, warehouse, root / "reports")


@pytest.fixture(scope="session")
def merchant_reports(dashboard_setup: DashboardSetup) -> Path:
    """Every merchant's HTML report, as `relance report --all --format html` writes them."""
    from reports.writer import write_reports

    write_reports(dashboard_setup.warehouse, None, ("html",), dashboard_setup.reports)
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
