"""Plotly figures in one consistent style, built from small aggregated frames.

Figures are assembled from plain trace dictionaries and left unvalidated: Plotly's per-property
validation (and Plotly Express's grouping machinery) cost ten times more than the DuckDB queries
behind a page, and every trace here is built from known-good keys. Styling (palette, fonts,
margins, percent axes, interval bands) lives here so every page looks the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go

PALETTE = ["#0f6e6e", "#e07a1f", "#3a5a98", "#b8336a", "#6a994e", "#8d6a9f", "#c9a227",
           "#4d908e", "#7f7f7f"]
COLORSCALES = {"Teal": [[0, "#eef6f6"], [0.5, "#5fa8a8"], [1, "#0b4f4f"]],
               "Oranges": [[0, "#fff4ea"], [0.5, "#f0a35e"], [1, "#a9441a"]]}
FONT = {"family": "Inter, Segoe UI, Helvetica, Arial, sans-serif", "size": 13,
        "color": "#1c2430"}


def _values(series: pd.Series) -> list:
    """JSON-friendly values (dates as ISO strings, missing as None)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return [None if pd.isna(v) else v.isoformat() for v in series]
    return [None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in series]


def _groups(frame: pd.DataFrame, group: str | None) -> Iterable[tuple[str, pd.DataFrame]]:
    if group is None:
        return [("all", frame)]
    return ((str(name), rows) for name, rows in frame.groupby(group, sort=False))


def _figure(traces: list[dict], *, title: str | None = None, height: int = 360,
            percent_y: bool = False, x_title: str = "", y_title: str = "",
            x_category: bool = False, extra_layout: dict | None = None) -> go.Figure:
    layout = {
        "height": height, "font": FONT, "colorway": PALETTE,
        "margin": {"l": 10, "r": 10, "t": 40 if title else 30, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "xaxis": {"title": {"text": x_title}, "automargin": True},
        "yaxis": {"title": {"text": y_title}, "automargin": True, "rangemode": "tozero"},
        "hovermode": "closest",
    }
    if title:
        layout["title"] = {"text": title, "font": {"size": 15}}
    if percent_y:
        layout["yaxis"]["tickformat"] = ".0%"
    if x_category:
        layout["xaxis"]["type"] = "category"
    layout.update(extra_layout or {})
    return go.Figure(data=traces, layout=layout, _validate=False)


def _rgba(hex_color: str, alpha: float) -> str:
    red, green, blue = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def lines_with_band(frame: pd.DataFrame, x: str, y: str, group: str | None, low: str, high: str,
                    *, title: str | None = None, percent_y: bool = True, x_title: str = "",
                    y_title: str = "", step: bool = False) -> go.Figure:
    """One line per group with its confidence band as a shaded area."""
    traces = []
    shape = "hv" if step else "linear"
    for index, (name, rows) in enumerate(_groups(frame, group)):
        color = PALETTE[index % len(PALETTE)]
        xs = _values(rows[x])
        traces.append({"type": "scatter", "x": xs + xs[::-1],
                       "y": _values(rows[high]) + _values(rows[low])[::-1], "fill": "toself",
                       "fillcolor": _rgba(color, 0.15), "line": {"width": 0, "shape": shape},
                       "hoverinfo": "skip", "showlegend": False, "legendgroup": name})
        traces.append({"type": "scatter", "mode": "lines", "x": xs, "y": _values(rows[y]),
                       "name": name, "legendgroup": name,
                       "line": {"color": color, "width": 2, "shape": shape}})
    return _figure(traces, title=title, percent_y=percent_y, x_title=x_title, y_title=y_title)


def points_with_intervals(frame: pd.DataFrame, x: str, y: str, low: str, high: str,
                          *, group: str | None = None, title: str | None = None,
                          percent_y: bool = True, x_title: str = "", y_title: str = "",
                          mode: str = "lines+markers") -> go.Figure:
    """Point estimates with 95 % error bars (per group)."""
    traces = []
    for index, (name, rows) in enumerate(_groups(frame, group)):
        color = PALETTE[index % len(PALETTE)]
        estimate = rows[y].astype(float)
        traces.append({
            "type": "scatter", "mode": mode, "x": _values(rows[x]), "y": _values(estimate),
            "name": name, "line": {"color": color}, "marker": {"color": color, "size": 7},
            "error_y": {"type": "data", "symmetric": False,
                        "array": _values(rows[high].astype(float) - estimate),
                        "arrayminus": _values(estimate - rows[low].astype(float)),
                        "color": _rgba(color, 0.6)},
        })
    return _figure(traces, title=title, percent_y=percent_y, x_title=x_title, y_title=y_title,
                   x_category=frame[x].dtype == object)


def bars(frame: pd.DataFrame, x: str, y: str, *, color: str | None = None,
         title: str | None = None, percent_y: bool = False, horizontal: bool = False,
         barmode: str = "group", x_title: str | None = None,
         y_title: str | None = None) -> go.Figure:
    """Bars of ``y`` per ``x`` category (one series per ``color``); horizontal for rankings."""
    traces = []
    for index, (name, rows) in enumerate(_groups(frame, color)):
        categories, values = _values(rows[x]), _values(rows[y])
        trace = {"type": "bar", "name": name, "marker": {"color": PALETTE[index % len(PALETTE)]},
                 "showlegend": color is not None}
        if horizontal:
            trace.update(x=values, y=categories, orientation="h")
        else:
            trace.update(x=categories, y=values)
        traces.append(trace)
    category_title = x_title if x_title is not None else x
    value_title = y_title if y_title is not None else y
    layout = {"barmode": barmode}
    if horizontal:
        figure = _figure(traces, title=title, x_title=value_title, y_title=category_title,
                         extra_layout=layout, height=max(300, 34 * frame[x].nunique() + 80))
        figure.update_xaxes(tickformat=".0%" if percent_y else None)
        figure.update_yaxes(type="category", rangemode=None)
        return figure
    return _figure(traces, title=title, percent_y=percent_y, x_title=category_title,
                   y_title=value_title, x_category=True, extra_layout=layout)


def line(frame: pd.DataFrame, x: str, y: str, *, color: str | None = None,
         title: str | None = None, percent_y: bool = False, x_title: str = "",
         y_title: str = "", markers: bool = False, highlight: tuple | None = None) -> go.Figure:
    """Lines per group; ``highlight`` = (start, end) shades the selected period."""
    traces = [{"type": "scatter", "mode": "lines+markers" if markers else "lines",
               "x": _values(rows[x]), "y": _values(rows[y]), "name": name,
               "line": {"color": PALETTE[index % len(PALETTE)], "width": 2}}
              for index, (name, rows) in enumerate(_groups(frame, color))]
    extra = {}
    if highlight and all(highlight):
        extra["shapes"] = [{"type": "rect", "xref": "x", "yref": "paper",
                            "x0": str(highlight[0]), "x1": str(highlight[1]), "y0": 0, "y1": 1,
                            "fillcolor": PALETTE[0], "opacity": 0.08, "line": {"width": 0},
                            "layer": "below"}]
        extra["annotations"] = [{"x": str(highlight[0]), "y": 1, "xref": "x", "yref": "paper",
                                 "text": "selected period", "showarrow": False,
                                 "xanchor": "left", "yanchor": "bottom",
                                 "font": {"size": 11, "color": "#5b6573"}}]
    return _figure(traces, title=title, percent_y=percent_y, x_title=x_title, y_title=y_title,
                   extra_layout=extra)


def heatmap(frame: pd.DataFrame, x: str, y: str, z: str, *, title: str | None = None,
            percent: bool = True, x_title: str = "", y_title: str = "",
            x_order: Sequence | None = None, y_order: Sequence | None = None,
            colorscale: str = "Teal") -> go.Figure:
    """A matrix (cohort x day, bucket x bucket, hour x weekday) with values written in cells."""
    grid = frame.pivot_table(index=y, columns=x, values=z, aggfunc="first")
    if x_order is not None:
        grid = grid.reindex(columns=[c for c in x_order if c in grid.columns])
    if y_order is not None:
        grid = grid.reindex(index=[r for r in y_order if r in grid.index])
    cells = [[None if pd.isna(v) else float(v) for v in row] for row in grid.to_numpy()]
    trace = {"type": "heatmap", "x": [str(c) for c in grid.columns],
             "y": [str(r) for r in grid.index], "z": cells, "colorscale": COLORSCALES[colorscale],
             "texttemplate": "%{z:.0%}" if percent else "%{z:,.2f}",
             "colorbar": {"tickformat": ".0%" if percent else None, "title": {"text": ""}},
             "hovertemplate": f"{x_title or x}: %{{x}}<br>{y_title or y}: %{{y}}<br>"
                              f"{z}: %{{z:{'.1%' if percent else ',.2f'}}}<extra></extra>"}
    figure = _figure([trace], title=title, x_title=x_title, y_title=y_title, x_category=True,
                     height=max(300, 26 * len(grid.index) + 120))
    figure.update_yaxes(type="category", autorange="reversed", rangemode=None)
    return figure


def histogram_bins(frame: pd.DataFrame, x: str, y: str, *, color: str | None = None,
                   title: str | None = None, x_title: str = "", y_title: str = "") -> go.Figure:
    """Pre-binned counts drawn as a histogram (the binning happened in SQL)."""
    traces = [{"type": "bar", "x": _values(rows[x]), "y": _values(rows[y]), "name": name,
               "marker": {"color": PALETTE[index % len(PALETTE)], "line": {"width": 0}}}
              for index, (name, rows) in enumerate(_groups(frame, color))]
    return _figure(traces, title=title, x_title=x_title, y_title=y_title,
                   extra_layout={"barmode": "stack", "bargap": 0.05})
