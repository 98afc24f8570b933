"""Layout helpers every page shares: sections with empty states, tables with CSV, charts, tiles.

Pages stay declarative: they open a :func:`section`, ask ``queries`` for a frame, and hand it to
:func:`table` or :func:`chart`. When the data a section needs has not been produced yet, the
query raises :class:`NeedsStep` and the section says which command to run, while the rest of the
page still renders.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.filters import Filters


class NeedsStep(LookupError):
    """The data behind a view does not exist yet; ``command`` is what produces it."""

    def __init__(self, what: str, command: str) -> None:
        super().__init__(f"{what} is not in the warehouse yet. Run `{command}` to produce it.")
        self.what = what
        self.command = command


class NoData(LookupError):
    """The data exists but nothing matches the current filters."""


@contextmanager
def section(title: str, caption: str | None = None) -> Iterator[None]:
    """A titled block whose missing-data and empty states are shown in place."""
    st.subheader(title)
    if caption:
        st.caption(caption)
    try:
        yield
    except NeedsStep as missing:
        st.info(str(missing), icon=":material/pending:")
    except NoData as empty:
        st.info(str(empty) or "No data for the current filters.", icon=":material/filter_alt_off:")


def require_rows(frame: pd.DataFrame, what: str = "data") -> pd.DataFrame:
    """Raise :class:`NoData` when a query returned nothing for the current filters."""
    if frame.empty:
        raise NoData(f"No {what} for the current filters: widen the date range or clear filters.")
    return frame


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def table(frame: pd.DataFrame, name: str, *, height: int | None = None,
          column_config: dict | None = None) -> None:
    """Show an aggregated table with a CSV download of exactly what is shown."""
    frame = _dates_as_dates(frame)
    st.dataframe(frame, hide_index=True, width="stretch", height=height or "auto",
                 column_config=column_config)
    st.download_button(
        f"Download {name} (CSV)",
        frame.to_csv(index=False).encode(),
        file_name=f"{_slug(name)}.csv",
        mime="text/csv",
        key=f"csv-{_slug(name)}",
        icon=":material/download:",
    )


def _dates_as_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """DuckDB DATE columns arrive as midnight timestamps; show them as plain dates."""
    converted = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values) and values.dt.tz is None and (
            values.dropna() == values.dropna().dt.normalize()
        ).all():
            converted[column] = values.dt.date
    return frame.assign(**converted) if converted else frame


def day(value: object) -> str:
    """A date or timestamp as YYYY-MM-DD (empty when missing)."""
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def chart(figure: go.Figure, key: str) -> None:
    st.plotly_chart(figure, width="stretch", key=f"chart-{key}",
                    config={"displaylogo": False})


def applied_filters(applied: tuple[str, ...] | list[str]) -> None:
    """Say which global filters a view honours, so nobody misreads an unfiltered number."""
    if applied:
        st.caption("Filtered by " + ", ".join(dict.fromkeys(applied)) + ".")
    else:
        st.caption("This view covers the whole portfolio (the global filters do not apply).")


def fmt_value(value: float | None, kind: str) -> str:
    """Format a KPI for a tile: ``rate`` as a percentage, ``days``, ``money`` or ``count``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if kind == "rate":
        return f"{value:.1%}"
    if kind == "days":
        return f"{value:.1f} d"
    if kind == "money":
        return f"€{value:,.0f}"
    return f"{value:,.2f}"


def fmt_delta(current: float | None, previous: float | None, kind: str) -> str | None:
    """The period-over-period change as a tile shows it (points for rates)."""
    if current is None or previous is None or any(
        isinstance(v, float) and math.isnan(v) for v in (current, previous)
    ):
        return None
    change = current - previous
    if kind == "rate":
        return f"{change * 100:+.1f} pts"
    if kind == "days":
        return f"{change:+.1f} d"
    if kind == "money":
        return f"€{change:+,.0f}"
    return f"{change:+,.2f}"


def period_caption(filters: Filters) -> str:
    if filters.start and filters.end:
        previous = filters.previous_period()
        return (f"{filters.start:%d %b %Y} to {filters.end:%d %b %Y}, compared with "
                f"{previous.start:%d %b %Y} to {previous.end:%d %b %Y}.")
    return "Whole history."
