"""Nothing lost: every raw row is staged or quarantined, checked outside dbt too.

dbt's `reconciliation` model counts raw rows by re-reading each source and its rows_reconcile
test requires raw = staged + quarantined. This module checks the same from the other side:
the raw counts must equal what the structural checks counted in the files themselves
(Parquet metadata, a CSV parse), so a source that read fewer rows than the file holds fails too.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse.structure import DatasetLayout


@dataclass(frozen=True)
class TableCounts:
    table: str
    file_rows: int
    raw_rows: int
    staged_rows: int
    quarantined_rows: int

    @property
    def balanced(self) -> bool:
        return self.file_rows == self.raw_rows == self.staged_rows + self.quarantined_rows


class ReconciliationError(Exception):
    """Rows are unaccounted for; the build is rejected."""


def reconcile(con: duckdb.DuckDBPyConnection, layout: DatasetLayout) -> list[TableCounts]:
    """Counts per contract table; raise `ReconciliationError` if any does not balance."""
    rows = con.execute(
        "select table_name, raw_rows, staged_rows, quarantined_rows from main.reconciliation"
    ).fetchall()
    by_table = {r[0]: r for r in rows}
    counts, problems = [], []
    for name, found in layout.tables.items():
        if name not in by_table:
            problems.append(f"{name}: missing from the reconciliation model")
            continue
        _, raw, staged, quarantined = by_table[name]
        c = TableCounts(name, found.rows, int(raw), int(staged), int(quarantined))
        counts.append(c)
        if not c.balanced:
            problems.append(
                f"{name}: file {c.file_rows} rows, read {c.raw_rows}, staged {c.staged_rows} "
                f"+ quarantined {c.quarantined_rows}")
    if problems:
        raise ReconciliationError("rows unaccounted for:\n  " + "\n  ".join(problems))
    return counts


def read_quarantine(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str | None, int]]:
    """(table, reason, column, rows) for every kind of quarantined row, largest first."""
    return [
        (t, r, c, int(n)) for t, r, c, n in con.execute(
            "select table_name, quarantine_reason, quarantine_column, quarantined_rows "
            "from main.quarantine_summary order by quarantined_rows desc, table_name, "
            "quarantine_reason, quarantine_column").fetchall()
    ]
