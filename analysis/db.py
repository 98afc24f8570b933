"""Reading the warehouse: filters, mart lookups and the as-of date.

Every analysis reads marts through these helpers so the filters mean the same everywhere and a
missing mart or column gives one clear, catchable error instead of a DuckDB traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd


class MissingInput(RuntimeError):
    """A mart or column an analysis needs is not in the warehouse; the analysis is skipped."""


@dataclass(frozen=True)
class Filters:
    """Row filters applied to every mart an analysis reads (all optional).

    ``date_from``/``date_to`` apply to each mart's own event date (due date, case opening, send
    time), so "March" means installments due, cases opened or contacts sent in March.
    """

    merchant_id: str | None = None
    country: str | None = None
    plan_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None


NO_FILTERS = Filters()


def find_table(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """Qualified name of a mart, whatever schema dbt put it in (``main``, ``marts``...)."""
    rows = con.execute(
        """
        select table_schema from information_schema.tables
        where table_name = ? and table_schema <> 'insights'
        order by case when table_schema in ('main', 'marts') then 0 else 1 end, table_schema
        """,
        [name],
    ).fetchall()
    if not rows:
        return None
    return f'"{rows[0][0]}"."{name}"'


def columns(con: duckdb.DuckDBPyConnection, name: str) -> set[str]:
    """Column names of a mart (empty when the mart is absent)."""
    table = find_table(con, name)
    if table is None:
        return set()
    return {r[0] for r in con.execute(f"select * from {table} limit 0").description}


def require(
    con: duckdb.DuckDBPyConnection, name: str, needed: list[str] | tuple[str, ...] = ()
) -> str:
    """The mart's qualified name, or MissingInput naming what is absent."""
    table = find_table(con, name)
    if table is None:
        raise MissingInput(f"mart {name} is not in the warehouse")
    missing = sorted(set(needed) - columns(con, name))
    if missing:
        raise MissingInput(f"mart {name} lacks column(s) {', '.join(missing)}")
    return table


def where(
    filters: Filters, available: set[str], date_column: str | None = None, alias: str = ""
) -> tuple[str, list[object]]:
    """A SQL ``where`` clause (with leading ``where``) and its parameters for ``filters``.

    A filter on a column the mart does not have is ignored, so one Filters object can be passed
    to every analysis.
    """
    prefix = f"{alias}." if alias else ""
    clauses: list[str] = []
    params: list[object] = []
    for column, value in (
        ("merchant_id", filters.merchant_id),
        ("country", filters.country),
        ("plan_type", filters.plan_type),
    ):
        if value is not None and column in available:
            clauses.append(f"{prefix}{column} = ?")
            params.append(value)
    if date_column is not None and date_column in available:
        if filters.date_from is not None:
            clauses.append(f"cast({prefix}{date_column} as date) >= ?")
            params.append(filters.date_from)
        if filters.date_to is not None:
            clauses.append(f"cast({prefix}{date_column} as date) <= ?")
            params.append(filters.date_to)
    if not clauses:
        return "", []
    return "where " + " and ".join(clauses), params


def read(
    con: duckdb.DuckDBPyConnection,
    mart: str,
    select: list[str],
    filters: Filters = NO_FILTERS,
    date_column: str | None = None,
    extra_where: str | None = None,
) -> pd.DataFrame:
    """Selected columns of a mart under the filters, as a DataFrame.

    ``select`` items are plain column names (checked) or SQL expressions written ``expr as name``.
    """
    plain = [s for s in select if " " not in s.strip()]
    table = require(con, mart, plain)
    clause, params = where(filters, columns(con, mart), date_column)
    if extra_where:
        clause = f"{clause} and ({extra_where})" if clause else f"where {extra_where}"
    sql = f"select {', '.join(select)} from {table} {clause}"
    return con.execute(sql, params).df()


def attribution_window_days(con: duckdb.DuckDBPyConnection, default: int = 3) -> int:
    """The warehouse's attribution window (dbt var ``attribution_window_days``, recorded in
    mart_build_info), so an analysis never restates it; ``default`` (dbt's) without that mart."""
    info = find_table(con, "mart_build_info")
    if info is None or "attribution_window_days" not in columns(con, "mart_build_info"):
        return default
    value = con.execute(f"select max(attribution_window_days) from {info}").fetchall()[0][0]
    return default if value is None else int(value)


def as_of_date(con: duckdb.DuckDBPyConnection) -> date:
    """The warehouse's "today" (mart_build_info), else the last date with data; never the clock."""
    info = find_table(con, "mart_build_info")
    if info is not None:
        value = con.execute(f"select max(as_of_date) from {info}").fetchone()[0]
        if value is not None:
            return value
    for mart, column in (
        ("fct_payment_attempts", "attempted_at"),
        ("fct_installments", "due_date"),
        ("fct_collection_cases", "opened_date"),
    ):
        table = find_table(con, mart)
        if table is not None and column in columns(con, mart):
            value = con.execute(f"select max(cast({column} as date)) from {table}").fetchone()[0]
            if value is not None:
                return value
    return date.today()
