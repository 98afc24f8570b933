"""The global filters (date range, merchant, country, plan type) and their SQL.

The sidebar widgets that set them are bound to the URL query string
(``?period=2026-01-01&period=2026-03-31&merchant=m01``), so a view can be shared by copying its
address. Each mart carries only some of the dimensions, so :func:`where` applies the filters a
table can honour and reports which ones it applied; pages show that list, and never silently
pretend a filter was applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

DIMENSION_COLUMNS = {"merchants": "merchant_id", "countries": "country", "plan_types": "plan_type"}
LABELS = {"date": "date range", "merchants": "merchant", "countries": "country",
          "plan_types": "plan type"}


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the portfolio to; empty tuples mean "all"."""

    start: date | None = None
    end: date | None = None
    merchants: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    plan_types: tuple[str, ...] = ()

    def previous_period(self) -> Filters:
        """The period of the same length just before this one, for period-over-period deltas."""
        if self.start is None or self.end is None:
            return self
        length = (self.end - self.start).days + 1
        return replace(self, start=self.start - timedelta(days=length),
                       end=self.start - timedelta(days=1))


@dataclass(frozen=True)
class Where:
    """A SQL predicate with its parameters and the filters it honoured."""

    sql: str = "TRUE"
    params: tuple[object, ...] = ()
    applied: tuple[str, ...] = field(default=())


def where(
    filters: Filters,
    table_columns: Sequence[str],
    *,
    date_column: str | None = None,
    alias: str = "",
    dimensions: Sequence[str] = ("merchants", "countries", "plan_types"),
) -> Where:
    """Build the predicate for a table that has ``table_columns``.

    ``date_column`` names the column the date range applies to (for example ``opened_date`` or
    ``date``); a dimension is applied only when its column exists in the table.
    """
    prefix = f"{alias}." if alias else ""
    clauses: list[str] = []
    params: list[object] = []
    applied: list[str] = []
    available = {column.lower() for column in table_columns}
    if date_column and date_column.lower() in available and (filters.start or filters.end):
        if filters.start:
            clauses.append(f"CAST({prefix}{date_column} AS DATE) >= ?")
            params.append(filters.start)
        if filters.end:
            clauses.append(f"CAST({prefix}{date_column} AS DATE) <= ?")
            params.append(filters.end)
        applied.append(LABELS["date"])
    for name in dimensions:
        values = getattr(filters, name)
        column = DIMENSION_COLUMNS[name]
        if values and column in available:
            clauses.append(f"{prefix}{column} IN ({', '.join('?' for _ in values)})")
            params.extend(values)
            applied.append(LABELS[name])
    return Where(" AND ".join(clauses) or "TRUE", tuple(params), tuple(applied))
