"""The dbt sources and staging models say exactly what relance/contract.py says."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from relance.contract import TABLES
from relance.paths import PROJECT_ROOT
from warehouse.structure import CSV_OPTIONS

STAGING = PROJECT_ROOT / "dbt_project" / "models" / "staging"
WAREHOUSE_TYPES = {"timestamp": "timestamp", "date": "date", "money": "decimal(18,2)",
                   "number": "double", "integer": "integer"}


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def _source(name: str) -> dict:
    return next(s for s in _yaml(STAGING / "_sources.yml")["sources"] if s["name"] == name)


@pytest.mark.parametrize("source_name", ["raw", "raw_csv"])
def test_sources_match_the_contract(source_name: str) -> None:
    tables = {t["name"]: t for t in _source(source_name)["tables"]}
    assert list(tables) == list(TABLES)
    for name, contract in TABLES.items():
        table = tables[name]
        meta = table["config"]["meta"]
        assert meta["primary_key"] == list(contract.primary_key), name
        assert meta.get("optional", False) == contract.optional, name
        columns = {c["name"]: c["config"]["meta"] for c in table["columns"]}
        assert list(columns) == list(contract.column_names), name
        for column in contract.columns:
            cmeta = columns[column.name]
            where = f"{name}.{column.name}"
            assert cmeta["type"] == column.type, where
            assert cmeta.get("required", True) == column.required, where
            assert tuple(cmeta.get("enum", ())) == (column.enum or ()), where
            assert cmeta.get("references") == contract.foreign_keys.get(column.name), where


def test_csv_source_reads_like_the_structural_checks() -> None:
    location = _source("raw_csv")["config"]["meta"]["external_location"]
    assert " ".join(location.split()).endswith(f"{CSV_OPTIONS})")
    assert "all_varchar = true" in CSV_OPTIONS and "skip = 0" in CSV_OPTIONS


def test_every_contract_table_has_stg_base_and_quarantine_models() -> None:
    models = PROJECT_ROOT / "dbt_project" / "models"
    for name in TABLES:
        assert (STAGING / f"stg_{name}.sql").exists()
        assert (STAGING / "base" / f"base_{name}.sql").exists()
        assert (models / "quarantine" / f"quarantine_{name}.sql").exists()


def test_staging_models_have_contract_names_and_warehouse_types() -> None:
    models = {m["name"]: m for m in _yaml(STAGING / "_staging__models.yml")["models"]}
    for name, contract in TABLES.items():
        model = models[f"stg_{name}"]
        assert model["config"]["contract"]["enforced"] is True
        declared = [(c["name"], c["data_type"]) for c in model["columns"]]
        expected = [(c.name, WAREHOUSE_TYPES.get(c.type, "varchar")) for c in contract.columns]
        assert declared == expected, name


def test_foreign_key_parents_are_declared_as_dependencies() -> None:
    # dbt sees refs made at parse time only; base_ models reach their parents through a macro
    # that runs at execution time, so each must declare them.
    for name, contract in TABLES.items():
        sql = (STAGING / "base" / f"base_{name}.sql").read_text()
        for parent in {fk.split(".")[0] for fk in contract.foreign_keys.values()}:
            assert f"depends_on: {{{{ ref('stg_{parent}') }}}}" in sql, (name, parent)
