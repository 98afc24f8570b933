"""Tiny hand-built marts for method tests: only the columns each analysis reads."""

from __future__ import annotations

import duckdb
import pandas as pd


def warehouse(**tables: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with each DataFrame as a table of that name in ``main``."""
    con = duckdb.connect()
    for name, frame in tables.items():
        con.register("_frame", frame)
        con.execute(f"create table {name} as select * from _frame")
        con.unregister("_frame")
    return con
