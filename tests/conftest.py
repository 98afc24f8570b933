"""Session fixtures shared across the suite: simulated datasets and warehouses built once.

Each is built into pytest's session temp dir through the same Python APIs the CLI uses, so the
tests exercise the real simulator, the real dbt build and a real DuckDB file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SMALL_CUSTOMERS = 3_000
VALIDATION_CUSTOMERS = 40_000


def _simulate(root: Path, name: str, customers: int, seed: int, null: bool = False) -> Path:
    from simulator import simulate_dataset

    out = root / name
    simulate_dataset(out=out, customers=customers, seed=seed, calls=0, null=null)
    return out


def _build(dataset: Path, root: Path, name: str) -> Path:
    from warehouse import build_warehouse

    target = root / f"{name}.duckdb"
    build_warehouse(data=dataset, warehouse=target)
    return target


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _simulate(tmp_path_factory.mktemp("small"), "raw", SMALL_CUSTOMERS, seed=11)


@pytest.fixture(scope="session")
def small_warehouse(small_dataset: Path) -> Path:
    return _build(small_dataset, small_dataset.parent, "warehouse")


@pytest.fixture(scope="session")
def validation_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _simulate(tmp_path_factory.mktemp("validation"), "raw", VALIDATION_CUSTOMERS, seed=2024)


@pytest.fixture(scope="session")
def validation_warehouse(validation_dataset: Path) -> Path:
    return _build(validation_dataset, validation_dataset.parent, "warehouse")


@pytest.fixture(scope="session")
def null_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _simulate(
        tmp_path_factory.mktemp("null"), "raw", VALIDATION_CUSTOMERS, seed=2025, null=True
    )


@pytest.fixture(scope="session")
def null_warehouse(null_dataset: Path) -> Path:
    return _build(null_dataset, null_dataset.parent, "warehouse")
