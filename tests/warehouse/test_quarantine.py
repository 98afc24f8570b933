"""Row problems never stop a build: each bad row is quarantined with its reason, nothing is lost.

One full build (models and tests) of a tiny dataset holding one row per kind of problem
(tests/warehouse/bad_rows.py), shared by the module; then a second build of the same data to
show a rebuild gives identical tables.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from relance.contract import TABLES
from tests.warehouse.bad_rows import (
    EMAIL_DOMAIN,
    EXPECTED,
    EXTRA_QUARANTINED,
    Expected,
    bad_tables,
    write_bad_dataset,
)
from warehouse import BuildSummary, build_warehouse


@pytest.fixture(scope="module")
def bad_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_bad_dataset(tmp_path_factory.mktemp("bad") / "raw")


@pytest.fixture(scope="module")
def bad_build(bad_dataset: Path) -> BuildSummary:
    return build_warehouse(data=bad_dataset, warehouse=bad_dataset.parent / "wh.duckdb")


@pytest.fixture(scope="module")
def con(bad_build: BuildSummary):
    with duckdb.connect(str(bad_build.warehouse), read_only=True) as connection:
        yield connection


def _quarantined(con, e: Expected) -> list[tuple]:
    return con.execute(
        f"select quarantine_reason, quarantine_column from quarantine_{e.table} "
        f"where {e.key} = ?", [e.value]).fetchall()


@pytest.mark.slow
@pytest.mark.parametrize("expected", EXPECTED, ids=[e.kind for e in EXPECTED])
def test_bad_row_is_quarantined_with_its_reason(con, expected: Expected) -> None:
    assert (expected.reason, expected.column) in _quarantined(con, expected)
    staged = con.execute(
        f"select count(*) from stg_{expected.table} where {expected.key} = ?",
        [expected.value]).fetchone()[0]
    if expected.reason == "duplicate_row":
        assert staged >= 1  # one copy of an exact duplicate is kept
    elif len(TABLES[expected.table].primary_key) == 1:
        assert staged == 0
    if expected.raw_column:
        raw = con.execute(
            f"select {expected.raw_column} from quarantine_{expected.table} "
            f"where {expected.key} = ? and quarantine_reason = ?",
            [expected.value, expected.reason]).fetchall()
        assert (expected.raw_value,) in raw


@pytest.mark.slow
def test_nothing_lost_and_no_valid_row_quarantined(con, bad_build: BuildSummary) -> None:
    raw = {name: len(rows) for name, rows in bad_tables().items()}
    quarantined = {name: 0 for name in TABLES}
    for e in EXPECTED:
        quarantined[e.table] += 1
    for name, extra in EXTRA_QUARANTINED.items():
        quarantined[name] += extra
    counts = {t.table: t for t in bad_build.tables}
    for name in TABLES:
        c = counts[name]
        assert (c.file_rows, c.raw_rows, c.quarantined_rows) == (
            raw[name], raw[name], quarantined[name]), name
        assert c.staged_rows + c.quarantined_rows == c.raw_rows, name
    reconciliation = con.execute(
        "select table_name, raw_rows, staged_rows, quarantined_rows from reconciliation"
    ).fetchall()
    assert {r[0]: r[1:] for r in reconciliation} == {
        t.table: (t.raw_rows, t.staged_rows, t.quarantined_rows) for t in bad_build.tables}
    assert sum(q.rows for q in bad_build.quarantine) == bad_build.quarantined_rows


@pytest.mark.slow
def test_row_problems_do_not_stop_the_marts(con) -> None:
    installments = {r[0] for r in con.execute(
        "select installment_id from fct_installments").fetchall()}
    assert "p11-i1" in installments
    assert not installments & {"p11-i2", "p11-i3", "p11-i0", "p2-x", "p7-i1"}


@pytest.mark.slow
def test_personal_data_never_reaches_the_warehouse(con) -> None:
    columns = con.execute(
        "select table_name, column_name from information_schema.columns "
        "where column_name ilike '%mail%'").fetchall()
    assert columns == []
    for (table,) in con.execute(
            "select table_name from information_schema.tables where table_type = 'BASE TABLE'"
    ).fetchall():
        text_columns = [c for c, t in con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = ?", [table]).fetchall() if t == "VARCHAR"]
        for column in text_columns:
            hits = con.execute(
                f'select count(*) from "{table}" where "{column}" like ?',
                [f"%{EMAIL_DOMAIN}"]).fetchone()[0]
            assert hits == 0, (table, column)


@pytest.mark.slow
def test_values_are_cleaned_to_warehouse_types(con) -> None:
    sent_at, = con.execute("select sent_at from stg_contacts where contact_id = 'k1'").fetchone()
    assert str(sent_at) == "2025-02-10 09:30:00"  # +02:00 offset converted to naive UTC
    types = dict(con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_name = 'stg_installments'").fetchall())
    assert types == {"installment_id": "VARCHAR", "plan_id": "VARCHAR", "sequence": "INTEGER",
                     "due_date": "DATE", "amount": "DECIMAL(18,2)"}
    # calls.csv had no language column (optional): staged as null, not an error
    assert con.execute("select language from stg_calls").fetchall() == [(None,)]


@pytest.mark.slow
def test_build_info_records_the_dataset(con, bad_build: BuildSummary) -> None:
    info = con.execute(
        "select data_dir, reporting_currency, source_format, raw_rows, quarantined_rows "
        "from relance_build_info").fetchall()
    assert info == [(str(bad_build.data_dir), "EUR", "csv+parquet", bad_build.raw_rows,
                     bad_build.quarantined_rows)]


def _table_digests(path: Path) -> dict[str, tuple]:
    """Every table's row count and an order-independent digest of its contents."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [t for (t,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'main' and table_name <> 'relance_build_info'").fetchall()]
        return {t: con.execute(
            f'select count(*), sum(hash(r)) from (select * from "{t}") as r').fetchone()
                for t in tables}


@pytest.mark.slow
def test_rebuilding_gives_identical_tables(bad_dataset: Path, bad_build: BuildSummary) -> None:
    again = build_warehouse(data=bad_dataset, warehouse=bad_dataset.parent / "again.duckdb")
    first, second = _table_digests(bad_build.warehouse), _table_digests(again.warehouse)
    assert "fct_installments" in first and "quarantine_plans" in first
    assert first == second
