"""The data-access module: read-only, cached per warehouse version, no detail tables, filters."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dashboard import data
from dashboard.filters import Filters, where


def make_warehouse(path: Path, value: int) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute(f"CREATE TABLE mart_kpis_daily AS SELECT {value} AS cases_opened")
        con.execute("CREATE TABLE fct_contacts AS SELECT 1 AS contact_id")
    return path


def test_a_swapped_in_warehouse_is_read_at_once(tmp_path: Path, serve_warehouse) -> None:
    """`relance build` replaces the file with os.replace: the next query sees the new data
    even though the old result is cached, and even while another connection is open."""
    target = make_warehouse(tmp_path / "warehouse.duckdb", 1)
    serve_warehouse(target)
    sql = "SELECT cases_opened FROM mart_kpis_daily"
    assert data.query(sql).iat[0, 0] == 1
    with data.connection_per_run():  # a concurrent page run holding the old file open
        assert data.query(sql + " WHERE TRUE").iat[0, 0] == 1
        make_warehouse(tmp_path / "next.duckdb", 2)
        os.replace(tmp_path / "next.duckdb", target)
        assert data.query(sql).iat[0, 0] == 2
    assert data.query(sql).iat[0, 0] == 2


def test_connections_are_read_only(tmp_path: Path, serve_warehouse) -> None:
    serve_warehouse(make_warehouse(tmp_path / "warehouse.duckdb", 1))
    with pytest.raises(duckdb.Error, match="read-only"):
        data.query("CREATE TABLE intruder AS SELECT 1")


def test_pages_cannot_scan_installment_level_tables(tmp_path: Path, serve_warehouse) -> None:
    serve_warehouse(make_warehouse(tmp_path / "warehouse.duckdb", 1))
    with pytest.raises(data.DetailTableQuery, match="fct_contacts"):
        data.query("SELECT count(*) FROM FCT_CONTACTS")
    assert data.scanned_tables("SELECT contact_id FROM fct_contacts") == {"fct_contacts"}


def test_missing_and_unreadable_warehouses(tmp_path: Path, serve_warehouse) -> None:
    serve_warehouse(tmp_path / "absent.duckdb")
    with pytest.raises(data.WarehouseMissing):
        data.query("SELECT 1")
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"this is not a database" * 100)
    serve_warehouse(garbage)
    with pytest.raises(data.WarehouseUnreadable):
        data.query("SELECT 1")


def test_catalog_lists_tables_and_columns(tmp_path: Path, serve_warehouse) -> None:
    target = make_warehouse(tmp_path / "warehouse.duckdb", 1)
    with duckdb.connect(str(target)) as con:
        con.execute("CREATE SCHEMA insights")
        con.execute("CREATE TABLE insights.root_causes AS SELECT 'x' AS cause_id")
    serve_warehouse(target)
    assert data.has_table("mart_kpis_daily") and data.has_table("insights.root_causes")
    assert data.columns("insights.root_causes") == ("cause_id",)
    assert not data.has_table("mart_channel_funnel")


def test_where_applies_only_the_filters_a_table_has() -> None:
    filters = Filters(start=date(2026, 1, 1), end=date(2026, 1, 31), merchants=("M1", "M2"),
                      countries=("FR",), plan_types=("pay_in_3",))
    clause = where(filters, ["date_day", "merchant_id", "plan_type"], date_column="date_day")
    assert clause.applied == ("date range", "merchant", "plan type")
    assert clause.params == (date(2026, 1, 1), date(2026, 1, 31), "M1", "M2", "pay_in_3")
    with duckdb.connect() as con:
        con.execute("CREATE TABLE t AS SELECT * FROM (VALUES "
                    "(DATE '2026-01-05', 'M1', 'pay_in_3'), (DATE '2026-02-05', 'M1', 'pay_in_3'),"
                    "(DATE '2026-01-05', 'M3', 'pay_in_3'), (DATE '2026-01-05', 'M2', 'pay_in_4')"
                    ") v(date_day, merchant_id, plan_type)")
        kept = con.execute(f"SELECT count(*) FROM t WHERE {clause.sql}",
                           list(clause.params)).fetchone()[0]
    assert kept == 1
    assert where(Filters(), ["date_day"], date_column="date_day").sql == "TRUE"


def test_previous_period_has_the_same_length() -> None:
    current = Filters(start=date(2026, 3, 1), end=date(2026, 3, 31))
    previous = current.previous_period()
    assert (previous.start, previous.end) == (date(2026, 1, 29), date(2026, 2, 28))
