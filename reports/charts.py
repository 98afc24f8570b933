"""The report's charts: plotly.js figures drawn in the page by the embedded library.

Figures are plain plotly.js specifications (data, layout, config) serialised to JSON; building
them with plotly.py's validated objects cost a third of a second per report, which the 2 s per
merchant budget cannot afford. Each chart is interactive in the HTML file (hover for exact
figures) and has a fixed height so it prints on A4 at the width the PDF printer lays out.
"""

from __future__ import annotations

import json
from typing import Any

from reports import formatting as fmt
from reports.model import CurvePoint, ReasonShare, RootCause

YOU = "#1f4e79"
PEERS = "#9aa5b1"
GRID = "#e5e9ef"
CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


def _axis(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": {"text": title}, "gridcolor": GRID, "zerolinecolor": GRID,
            "automargin": True, **extra}


def _figure(div_id: str, data: list[dict[str, Any]], layout: dict[str, Any]) -> str:
    """An HTML fragment: a sized div and the script that draws the figure into it."""
    layout = {
        "margin": {"l": 10, "r": 10, "t": 20, "b": 40},
        "font": {"family": "Helvetica, Arial, sans-serif", "size": 12, "color": "#1d2733"},
        "legend": {"orientation": "h", "y": -0.25},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        **layout,
    }
    spec = json.dumps([data, layout, CONFIG], ensure_ascii=False).replace("</", "<\\/")
    return (
        f'<div id="{div_id}" class="plotly-graph-div" '
        f'style="height:{layout["height"]}px; width:100%;"></div>\n'
        f'<script>(function () {{ const spec = {spec}; '
        f'Plotly.newPlot("{div_id}", spec[0], spec[1], spec[2]); }})();</script>'
    )


def recovery_curve(curve: list[CurvePoint], peer_curve: list[CurvePoint]) -> str:
    """Cumulative share of the overdue amount recovered by day since the case opened."""
    data = []
    if peer_curve:
        data.append({
            "type": "scatter", "mode": "lines", "name": "Peers (median)",
            "x": [p.day for p in peer_curve], "y": [round(p.share, 5) for p in peer_curve],
            "line": {"color": PEERS, "dash": "dash", "width": 2},
            "hovertemplate": "day %{x}: %{y:.1%} recovered<extra>peers</extra>",
        })
    data.append({
        "type": "scatter", "mode": "lines", "name": "You",
        "x": [p.day for p in curve], "y": [round(p.share, 5) for p in curve],
        "line": {"color": YOU, "width": 3},
        "hovertemplate": "day %{x}: %{y:.1%} recovered<extra>you</extra>",
    })
    layout = {
        "height": 320,
        "xaxis": _axis("days since the installment became overdue"),
        "yaxis": _axis("share of overdue amount recovered", tickformat=".0%",
                       rangemode="tozero"),
    }
    return _figure("chart-recovery", data, layout)


def root_cause_bars(causes: list[RootCause], currency: str) -> str:
    """Money at stake per month for each cause, with its 95 % interval as error bars."""
    ranked = [c for c in causes if c.money_at_stake_month is not None][::-1]
    money = [c.money_at_stake_month or 0.0 for c in ranked]
    plus = [max((c.money_ci_high or m) - m, 0.0) for c, m in zip(ranked, money, strict=True)]
    minus = [max(m - (c.money_ci_low or m), 0.0) for c, m in zip(ranked, money, strict=True)]
    data = [{
        "type": "bar", "orientation": "h", "x": money, "y": [c.title for c in ranked],
        "marker": {"color": YOU},
        "error_x": {"type": "data", "array": plus, "arrayminus": minus, "color": "#555"},
        "text": [fmt.money(m, currency) for m in money], "textposition": "inside",
        "insidetextanchor": "start", "textfont": {"color": "white"},
        "hovertemplate": "%{y}: %{x:,.0f} " + currency + " per month<extra></extra>",
    }]
    layout = {
        "height": 90 + 45 * max(len(ranked), 1),
        "showlegend": False,
        "xaxis": _axis(f"{currency} per month at stake (bars: 95 % interval)",
                       rangemode="tozero"),
        "yaxis": {"automargin": True},
    }
    return _figure("chart-causes", data, layout)


def reason_bars(reasons: list[ReasonShare]) -> str:
    """Why this merchant's customers say they did not pay, as shares of what they said."""
    ordered = reasons[::-1]
    data = [{
        "type": "bar", "orientation": "h", "x": [round(r.share, 5) for r in ordered],
        "y": [r.label for r in ordered], "marker": {"color": YOU},
        "text": [fmt.percent(r.share) for r in ordered], "textposition": "auto",
        "customdata": [r.texts for r in ordered],
        "hovertemplate": "%{y}: %{x:.1%} (%{customdata:,} mentions)<extra></extra>",
    }]
    layout = {
        "height": 80 + 32 * max(len(ordered), 1),
        "showlegend": False,
        "xaxis": _axis("share of reasons given", tickformat=".0%", rangemode="tozero"),
        "yaxis": {"automargin": True},
    }
    return _figure("chart-reasons", data, layout)
