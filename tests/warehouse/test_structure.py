"""Structural problems stop the build before dbt, naming the file, the column and the fix.

Each test corrupts one thing in a tiny valid dataset. None runs dbt: the checks come first, so
these are fast, and the CLI test shows the previous warehouse is left byte for byte as it was.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from relance.cli import app
from tests.warehouse.tiny_dataset import tiny_tables, write_table, write_tiny_dataset
from warehouse.structure import StructuralError, inspect_dataset


@pytest.fixture(scope="module")
def csv_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_dataset(tmp_path_factory.mktemp("csv") / "raw", "csv")


@pytest.fixture(scope="module")
def parquet_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_dataset(tmp_path_factory.mktemp("parquet") / "raw", "parquet")


@pytest.fixture
def csv_copy(csv_dataset: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(csv_dataset, tmp_path / "raw"))


@pytest.fixture
def parquet_copy(parquet_dataset: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(parquet_dataset, tmp_path / "raw"))


def _problems(data: Path) -> list[str]:
    with pytest.raises(StructuralError) as caught:
        inspect_dataset(data)
    assert "previous warehouse is unchanged" in str(caught.value)
    return [str(p) for p in caught.value.problems]


def test_valid_datasets_pass_and_rows_are_counted(csv_dataset: Path,
                                                  parquet_dataset: Path) -> None:
    expected = {name: len(rows) for name, rows in tiny_tables().items()}
    for data, fmt in ((csv_dataset, "csv"), (parquet_dataset, "parquet")):
        layout = inspect_dataset(data)
        assert {n: t.rows for n, t in layout.tables.items()} == expected
        assert {t.format for t in layout.tables.values()} == {fmt}
        assert {t.format for t in layout.derived.values()} == {"absent"}


def test_absent_optional_tables_are_allowed(parquet_copy: Path) -> None:
    (parquet_copy / "experiments.parquet").unlink()
    (parquet_copy / "fx_rates.parquet").unlink()
    layout = inspect_dataset(parquet_copy)
    assert layout.raw_formats()["experiments"] == "absent"
    assert layout.raw_formats()["fx_rates"] == "absent"


def test_missing_required_table(parquet_copy: Path) -> None:
    (parquet_copy / "installments.parquet").unlink()
    (problem,) = _problems(parquet_copy)
    assert "installments.parquet" in problem
    assert "required table 'installments' is missing" in problem
    assert "Fix: export it as installments.parquet or installments.csv" in problem


def test_missing_required_column(csv_copy: Path) -> None:
    rows = [{k: v for k, v in r.items() if k != "due_date"} for r in tiny_tables()["installments"]]
    write_table(csv_copy, "installments", rows, "csv")
    (problem,) = _problems(csv_copy)
    assert "installments.csv, column 'due_date'" in problem
    assert "add a 'due_date' column (date)" in problem


def test_missing_optional_column_is_fine(parquet_copy: Path) -> None:
    rows = [{k: v for k, v in r.items() if k != "language"} for r in tiny_tables()["calls"]]
    write_table(parquet_copy, "calls", rows, "parquet")
    assert inspect_dataset(parquet_copy).tables["calls"].rows == 1


def test_unreadable_parquet_file(parquet_copy: Path) -> None:
    (parquet_copy / "plans.parquet").write_bytes(b"PAR1 this is not really parquet")
    (problem,) = _problems(parquet_copy)
    assert "plans.parquet" in problem and "not a readable Parquet file" in problem


def test_empty_required_file(csv_copy: Path) -> None:
    (csv_copy / "customers.csv").write_bytes(b"")
    (problem,) = _problems(csv_copy)
    assert "customers.csv" in problem and "empty (no header row)" in problem


def test_header_only_core_table(parquet_copy: Path) -> None:
    write_table(parquet_copy, "merchants", [], "parquet")
    assert pq.read_metadata(parquet_copy / "merchants.parquet").num_rows == 0
    (problem,) = _problems(parquet_copy)
    assert "merchants.parquet" in problem and "no rows" in problem


def test_wrong_delimiter(csv_copy: Path) -> None:
    path = csv_copy / "plans.csv"
    path.write_text(path.read_text().replace(",", ";"))
    (problem,) = _problems(csv_copy)
    assert "plans.csv" in problem and "semicolon" in problem and "','" in problem


def test_non_utf8_text_names_the_line(csv_copy: Path) -> None:
    path = csv_copy / "merchants.csv"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"Volt Store", "Volt Caf\u00e9".encode("latin-1"))
    path.write_bytes(b"\n".join(lines))
    (problem,) = _problems(csv_copy)
    assert "merchants.csv" in problem and "line 3 is not valid UTF-8" in problem
    assert "iconv" in problem


def test_ragged_csv_row(csv_copy: Path) -> None:
    with (csv_copy / "escalations.csv").open("a") as handle:
        handle.write('"e2","p5","2025-04-01T00:00:00Z","litigation","extra","fields"\n')
    (problem,) = _problems(csv_copy)
    assert "escalations.csv" in problem and "line 3 has 6 fields, the header has 4" in problem


def test_one_file_per_table(csv_copy: Path) -> None:
    write_table(csv_copy, "fx_rates", tiny_tables()["fx_rates"], "parquet")
    (problem,) = _problems(csv_copy)
    assert "both fx_rates.parquet and fx_rates.csv exist" in problem


def test_every_problem_is_listed(csv_copy: Path) -> None:
    (csv_copy / "calls.csv").unlink()
    (csv_copy / "feedback.csv").write_text("feedback_id;customer_id\n")
    problems = _problems(csv_copy)
    assert len(problems) == 2


def test_cli_stops_before_dbt_and_keeps_the_old_warehouse(csv_copy: Path, tmp_path: Path) -> None:
    (csv_copy / "plans.csv").unlink()
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(b"previous warehouse")
    result = CliRunner().invoke(
        app, ["build", "--data", str(csv_copy), "--warehouse", str(warehouse)])
    assert result.exit_code == 1
    assert "required table 'plans' is missing" in result.output
    assert warehouse.read_bytes() == b"previous warehouse"
    # nothing beside it but the (empty) build lock, which stays for the next build to take
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".warehouse.duckdb.lock", "raw", "warehouse.duckdb"]
