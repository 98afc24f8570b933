"""Plotly figures in one consistent style, built from small aggregated frames.

Functions take the frame a query returned and say what to plot; styling (palette, fonts,
margins, percent axes, interval bands) lives here so every page looks the same.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio

PALETTE = ["#0f6e6e", "#e07a1f", "#3a5a98", "#b8336a", "#6a994e", "#8d6a9f", "#c9a227",
           "#4d908e", "#7f7f7f"]
TEMPLATE = go.layout.Template(pio.templates["plotly_white"])
TEMPLATE.layout.colorway = PALETTE
TEMPLATE.layout.font = {"family": "Inter, Segoe UI, Helvetica, Arial, sans-serif", "size": 13,
                        "color": "#1c2430"}
TEMPLATE.layout.margin = {"l": 10, "r": 10, "t": 40, "b": 10}
TEMPLATE.layout.legend = {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}
TEMPLATE.layout.hoverlabel = {"font_size": 12}


def _style(figure: go.Figure, title: str | None = None, height: int = 360,
           percent_y: bool = False) -> go.Figure:
    figure.update_layout(template=TEMPLATE, height=height, title=title,
                         title_font={"size": 15})
    if percent_y:
        figure.update_yaxes(tickformat=".0%")
    return figure


def _rgba(hex_color: str, alpha: float) -> str:
    red, green, blue = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def lines_with_band(frame: pd.DataFrame, x: str, y: str, group: str | None, low: str, high: str,
                    *, title: str | None = None, percent_y: bool = True, x_title: str = "",
                    y_title: str = "", step: bool = False) -> go.Figure:
    """One line per group with its confidence band as a shaded area."""
    figure = go.Figure()
    groups = [(None, frame)] if group is None else list(frame.groupby(group, sort=False))
    shape = "hv" if step else "linear"
    for index, (name, rows) in enumerate(groups):
        color = PALETTE[index % len(PALETTE)]
        label = "all" if name is None else str(name)
        figure.add_trace(go.Scatter(
            x=pd.concat([rows[x], rows[x][::-1]]), y=pd.concat([rows[high], rows[low][::-1]]),
            fill="toself", fillcolor=_rgba(color, 0.15), line={"width": 0, "shape": shape},
            hoverinfo="skip", showlegend=False, legendgroup=label))
        figure.add_trace(go.Scatter(x=rows[x], y=rows[y], mode="lines", name=label,
                                    line={"color": color, "width": 2, "shape": shape},
                                    legendgroup=label))
    figure.update_xaxes(title=x_title)
    figure.update_yaxes(title=y_title)
    return _style(figure, title, percent_y=percent_y)


def points_with_intervals(frame: pd.DataFrame, x: str, y: str, low: str, high: str,
                          *, group: str | None = None, title: str | None = None,
                          percent_y: bool = True, x_title: str = "", y_title: str = "",
                          mode: str = "lines+markers") -> go.Figure:
    """Point estimates with 95 % error bars (per group)."""
    figure = go.Figure()
    groups = [(None, frame)] if group is None else list(frame.groupby(group, sort=False))
    for index, (name, rows) in enumerate(groups):
        color = PALETTE[index % len(PALETTE)]
        figure.add_trace(go.Scatter(
            x=rows[x], y=rows[y], mode=mode, name="all" if name is None else str(name),
            line={"color": color}, marker={"color": color, "size": 7},
            error_y={"type": "data", "symmetric": False, "array": rows[high] - rows[y],
                     "arrayminus": rows[y] - rows[low], "color": _rgba(color, 0.6)},
        ))
    figure.update_xaxes(title=x_title)
    figure.update_yaxes(title=y_title)
    return _style(figure, title, percent_y=percent_y)


def bars(frame: pd.DataFrame, x: str, y: str, *, color: str | None = None,
         title: str | None = None, percent_y: bool = False, horizontal: bool = False,
         barmode: str = "group", x_title: str | None = None,
         y_title: str | None = None) -> go.Figure:
    if horizontal:
        figure = px.bar(frame, x=y, y=x, color=color, orientation="h", barmode=barmode,
                        color_discrete_sequence=PALETTE)
        if percent_y:
            figure.update_xaxes(tickformat=".0%")
    else:
        figure = px.bar(frame, x=x, y=y, color=color, barmode=barmode,
                        color_discrete_sequence=PALETTE)
    category_title = x_title if x_title is not None else x
    value_title = y_title if y_title is not None else y
    figure.update_xaxes(title=value_title if horizontal else category_title)
    figure.update_yaxes(title=category_title if horizontal else value_title)
    return _style(figure, title, percent_y=percent_y and not horizontal)


def line(frame: pd.DataFrame, x: str, y: str, *, color: str | None = None,
         title: str | None = None, percent_y: bool = False, x_title: str = "",
         y_title: str = "", markers: bool = False, highlight: tuple | None = None) -> go.Figure:
    """Lines per group; ``highlight`` = (start, end) shades the selected period."""
    figure = px.line(frame, x=x, y=y, color=color, markers=markers,
                     color_discrete_sequence=PALETTE)
    if highlight and all(highlight):
        figure.add_vrect(x0=highlight[0], x1=highlight[1], fillcolor=PALETTE[0], opacity=0.08,
                         line_width=0, annotation_text="selected period",
                         annotation_position="top left")
    figure.update_xaxes(title=x_title)
    figure.update_yaxes(title=y_title)
    return _style(figure, title, percent_y=percent_y)


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
    text_format = ".0%" if percent else ",.2f"
    figure = px.imshow(grid, color_continuous_scale=colorscale, aspect="auto",
                       text_auto=text_format, labels={"color": z})
    figure.update_xaxes(title=x_title, type="category")
    figure.update_yaxes(title=y_title, type="category")
    if percent:
        figure.update_coloraxes(colorbar_tickformat=".0%")
    return _style(figure, title, height=max(300, 26 * len(grid.index) + 120))


def funnel(frame: pd.DataFrame, stage: str, value: str, *, color: str | None = None,
           title: str | None = None) -> go.Figure:
    figure = px.funnel(frame, x=value, y=stage, color=color, color_discrete_sequence=PALETTE)
    return _style(figure, title, height=380)


def histogram_bins(frame: pd.DataFrame, x: str, y: str, *, color: str | None = None,
                   title: str | None = None, x_title: str = "", y_title: str = "") -> go.Figure:
    """Pre-binned counts drawn as a histogram (the binning happened in SQL)."""
    figure = px.bar(frame, x=x, y=y, color=color, barmode="stack",
                    color_discrete_sequence=PALETTE)
    figure.update_traces(marker_line_width=0)
    figure.update_layout(bargap=0.05)
    figure.update_xaxes(title=x_title)
    figure.update_yaxes(title=y_title)
    return _style(figure, title)
