"""The only code in the dashboard that opens DuckDB.

Every query runs on a short-lived, read-only connection inside ``st.cache_data``. The cache key
includes the warehouse file's identity (inode, size, mtime), so when ``relance build`` swaps a
rebuilt warehouse into place with ``os.replace`` the next rerun reads the new file instead of
serving stale results.

The file is attached to a fresh in-memory database rather than opened with
``duckdb.connect(path)``: DuckDB caches database instances per path inside a process, and a
cached instance would keep showing the replaced file to a concurrent session.

Pages never query installment-level tables at page load (they are the largest tables and the
marts already aggregate them); :func:`query` refuses such SQL so the rule holds by construction,
and every executed query is recorded so the benchmark can prove it.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard.settings import REPORTS_ENV, WAREHOUSE_ENV
from relance.paths import DEFAULT_WAREHOUSE

INSTALLMENT_LEVEL_TABLES = frozenset({"fct_installments", "fct_payment_attempts", "fct_contacts"})
INSIGHTS_SCHEMA = "insights"


class WarehouseMissing(RuntimeError):
    """No warehouse file at the configured path: the user has to run ``relance build``."""


class WarehouseUnreadable(RuntimeError):
    """The file exists but DuckDB cannot read it (not a warehouse, or a different version)."""


class DetailTableQuery(ValueError):
    """A page tried to read an installment-level table, which is too large for page load."""


@dataclass(frozen=True)
class WarehouseVersion:
    """Identity of the warehouse file at one moment; part of every cache key."""

    path: str
    inode: int
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class ExecutedQuery:
    """One query that actually reached DuckDB (a cache miss), for the benchmark's audit."""

    sql: str
    params: tuple
    seconds: float


_log_lock = threading.Lock()
_query_log: list[ExecutedQuery] = []


def warehouse_path() -> Path:
    """The warehouse this server reads: ``$RELANCE_WAREHOUSE`` or ``data/warehouse.duckdb``."""
    return Path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE).expanduser().resolve()


def reports_dir() -> Path:
    """Reports folder: ``$RELANCE_REPORTS_DIR``, else ``reports/`` beside the warehouse."""
    configured = os.environ.get(REPORTS_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    return warehouse_path().parent / "reports"


def current_version() -> WarehouseVersion:
    """Stat the warehouse file now; raise :class:`WarehouseMissing` if it is not there."""
    path = warehouse_path()
    try:
        stat = path.stat()
    except FileNotFoundError as missing:
        raise WarehouseMissing(str(path)) from missing
    return WarehouseVersion(str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)


def referenced_tables(sql: str) -> frozenset[str]:
    """Names of the installment-level tables a statement mentions.

    A plain word match: pages only reach DuckDB through this module, tables can only be named
    in SQL, and a false alarm (the word in a string literal) is better than a slow page.
    """
    return frozenset(match.lower() for match in _DETAIL_TABLE.findall(sql))


_DETAIL_TABLE = re.compile(
    r"\b(" + "|".join(sorted(INSTALLMENT_LEVEL_TABLES)) + r")\b", re.IGNORECASE
)


def _connect(path: str) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(":memory:")
    try:
        connection.execute(f"ATTACH '{path.replace(chr(39), chr(39) * 2)}' AS wh (READ_ONLY)")
        connection.execute("USE wh")
    except duckdb.Error as error:
        connection.close()
        raise WarehouseUnreadable(f"{path}: {error}") from error
    return connection


_run_local = threading.local()


@contextmanager
def connection_per_run() -> Iterator[None]:
    """Share one connection among the cache misses of a script run, and close it at the end.

    Attaching the file costs far more than a typical mart query, so a page that misses the
    cache ten times attaches once. The connection still lives only as long as the run (about a
    second), so it never keeps `relance analyze` from writing the warehouse for long.
    """
    _run_local.connections = {}
    try:
        yield
    finally:
        for connection in _run_local.connections.values():
            connection.close()
        _run_local.connections = None


@contextmanager
def _connection(version: WarehouseVersion) -> Iterator[duckdb.DuckDBPyConnection]:
    shared = getattr(_run_local, "connections", None)
    if shared is None:  # outside a page run (CLI, tests): one connection per query
        with closing(_connect(version.path)) as connection:
            yield connection
        return
    if version not in shared:
        shared[version] = _connect(version.path)
    yield shared[version]


@st.cache_data(show_spinner=False, max_entries=2048, ttl=3600)
def _cached_query(sql: str, params: tuple, version: WarehouseVersion) -> pd.DataFrame:
    start = time.perf_counter()
    with _connection(version) as connection:
        frame = connection.execute(sql, list(params)).df()
    with _log_lock:
        _query_log.append(ExecutedQuery(sql, params, time.perf_counter() - start))
    return frame


def query(sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    """Run one read-only query against the current warehouse, cached per file version.

    Installment-level tables are refused: every page reads aggregated marts, so no page's
    speed depends on the portfolio's size.
    """
    touched = referenced_tables(sql)
    if touched:
        raise DetailTableQuery(
            f"dashboard pages must read aggregated marts, not {', '.join(sorted(touched))}"
        )
    return _cached_query(sql, tuple(params), current_version())


@st.cache_data(show_spinner=False, max_entries=16)
def _catalog_for(version: WarehouseVersion) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Table name -> (qualified name, column names) for every table and view in the file."""
    with _connection(version) as connection:
        rows = connection.execute(
            """
            SELECT schema_name, table_name, list(column_name ORDER BY column_index)
            FROM duckdb_columns()
            WHERE database_name = 'wh'
            GROUP BY schema_name, table_name
            """
        ).fetchall()
    catalog: dict[str, tuple[str, tuple[str, ...]]] = {}
    for schema, table, columns in sorted(rows, key=lambda row: _schema_priority(row[0])):
        qualified = f"{schema}.{table}"
        catalog.setdefault(qualified.lower(), (qualified, tuple(c.lower() for c in columns)))
        catalog.setdefault(table.lower(), (qualified, tuple(c.lower() for c in columns)))
    return catalog


def _schema_priority(schema: str) -> tuple[int, str]:
    """Where an unqualified name resolves first: dbt's marts, then other schemas, insights last."""
    order = {"main": 0, "marts": 1, INSIGHTS_SCHEMA: 3}
    return (order.get(schema, 2), schema)


def catalog() -> dict[str, tuple[str, tuple[str, ...]]]:
    """The current warehouse's tables and their columns (cached per file version)."""
    return _catalog_for(current_version())


def has_table(name: str) -> bool:
    """Whether ``name`` (``table`` or ``schema.table``) exists in the current warehouse."""
    return name.lower() in catalog()


def columns(name: str) -> tuple[str, ...]:
    """Column names of a table, lower-cased; empty when the table does not exist."""
    entry = catalog().get(name.lower())
    return entry[1] if entry else ()


_SCAN = re.compile(r"Table:\s*([\w.]+)")


def scanned_tables(sql: str, params: Sequence[object] = ()) -> frozenset[str]:
    """Tables DuckDB's physical plan for ``sql`` actually scans (views resolved), lower-cased.

    The benchmark's proof that no page reads an installment-level table, even through a view.
    """
    with _connection(current_version()) as connection:
        plan = "\n".join(row[-1] for row in
                         connection.execute(f"EXPLAIN {sql}", list(params)).fetchall())
    return frozenset(name.split(".")[-1].lower() for name in _SCAN.findall(plan))


def executed_queries() -> list[ExecutedQuery]:
    """Queries that reached DuckDB since the last :func:`reset_query_log` (cache misses only)."""
    with _log_lock:
        return list(_query_log)


def reset_query_log() -> None:
    with _log_lock:
        _query_log.clear()


def clear_cache() -> None:
    """Forget every cached result (the benchmark measures cold runs)."""
    _cached_query.clear()
    _catalog_for.clear()
