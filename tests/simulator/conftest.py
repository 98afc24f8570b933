"""Simulated datasets shared by the simulator tests: built once per session."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from relance.contract import TABLES

EFFECT_CUSTOMERS = 15_000


class Dataset:
    """A simulated dataset with its truth, queryable with SQL (one DuckDB view per table)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.truth = json.loads((path / "_truth.json").read_text())
        self.con = duckdb.connect()
        for name in TABLES:
            for ext, reader in (("parquet", "read_parquet"), ("csv", "read_csv_auto")):
                f = path / f"{name}.{ext}"
                if f.exists():
                    self.con.execute(f"create view {name} as select * from {reader}('{f}')")
        for name in ("customers", "cases", "calls"):
            f = path / "_truth" / f"{name}.parquet"
            self.con.execute(f"create view truth_{name} as select * from read_parquet('{f}')")

    def q(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def one(self, sql: str):
        return self.con.execute(sql).fetchone()


def _make(root: Path, customers: int, seed: int, null: bool) -> Dataset:
    from simulator import simulate_dataset

    return Dataset(simulate_dataset(root, customers=customers, seed=seed, calls=0, null=null))


@pytest.fixture(scope="session")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return _make(tmp_path_factory.mktemp("sim_planted"), EFFECT_CUSTOMERS, 101, null=False)


@pytest.fixture(scope="session")
def nulled(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return _make(tmp_path_factory.mktemp("sim_null"), EFFECT_CUSTOMERS, 102, null=True)


@pytest.fixture(scope="session")
def small(small_dataset: Path) -> Dataset:
    return Dataset(small_dataset)
