"""The report's charts: plotly figures as HTML fragments that draw with the embedded plotly.js.

Each chart is interactive in the HTML file (hover for exact figures) and has a fixed height so
it prints on one A4 page at the width the PDF printer lays pages out at.
"""

from __future__ import annotations

import plotly.graph_objects as go

from reports import formatting as fmt
from reports.model import CurvePoint, ReasonShare, RootCause

YOU = "#1f4e79"
PEERS = "#9aa5b1"
CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


def _layout(fig: go.Figure, height: int, **extra: object) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 40},
        template="plotly_white",
        font={"family": "Helvetica, Arial, sans-serif", "size": 12},
        legend={"orientation": "h", "y": -0.2},
        **extra,
    )
    return fig


def _html(fig: go.Figure, div_id: str) -> str:
    return fig.to_html(
        full_html=False, include_plotlyjs=False, div_id=div_id, config=CONFIG,
        default_height=f"{fig.layout.height}px",
    )


def recovery_curve(curve: list[CurvePoint], peer_curve: list[CurvePoint]) -> str:
    """Cumulative share of the overdue amount recovered by day since the case opened."""
    fig = go.Figure()
    if peer_curve:
        fig.add_scatter(
            x=[p.day for p in peer_curve], y=[p.share for p in peer_curve],
            name="Peers (median)", line={"color": PEERS, "dash": "dash", "width": 2},
            hovertemplate="day %{x}: %{y:.1%} recovered<extra>peers</extra>",
        )
    fig.add_scatter(
        x=[p.day for p in curve], y=[p.share for p in curve], name="You",
        line={"color": YOU, "width": 3},
        hovertemplate="day %{x}: %{y:.1%} recovered<extra>you</extra>",
    )
    fig.update_xaxes(title="days since the installment became overdue")
    fig.update_yaxes(
        title="share of overdue amount recovered", tickformat=".0%", rangemode="tozero"
    )
    return _html(_layout(fig, 320), "chart-recovery")


def root_cause_bars(causes: list[RootCause], currency: str) -> str:
    """Money at stake per month for each cause, with its 95 % interval as error bars."""
    ranked = [c for c in causes if c.money_at_stake_month is not None][::-1]
    money = [c.money_at_stake_month or 0.0 for c in ranked]
    plus = [max((c.money_ci_high or m) - m, 0.0) for c, m in zip(ranked, money, strict=True)]
    minus = [max(m - (c.money_ci_low or m), 0.0) for c, m in zip(ranked, money, strict=True)]
    fig = go.Figure(
        go.Bar(
            x=money, y=[c.title for c in ranked], orientation="h", marker_color=YOU,
            error_x={"type": "data", "array": plus, "arrayminus": minus, "color": "#555"},
            text=[fmt.money(m, currency) for m in money], textposition="inside",
            insidetextanchor="start",
            hovertemplate="%{y}: %{x:,.0f} " + currency + " per month<extra></extra>",
        )
    )
    fig.update_xaxes(title=f"{currency} per month at stake (bars: 95 % interval)")
    fig.update_yaxes(automargin=True)
    return _html(_layout(fig, 90 + 45 * max(len(ranked), 1), showlegend=False), "chart-causes")


def reason_bars(reasons: list[ReasonShare]) -> str:
    """Why this merchant's customers say they did not pay, as shares of what they said."""
    ordered = reasons[::-1]
    fig = go.Figure(
        go.Bar(
            x=[r.share for r in ordered], y=[r.label for r in ordered], orientation="h",
            marker_color=YOU, text=[fmt.percent(r.share) for r in ordered],
            textposition="auto", customdata=[r.texts for r in ordered],
            hovertemplate="%{y}: %{x:.1%} (%{customdata:,} calls and comments)<extra></extra>",
        )
    )
    fig.update_xaxes(title="share of calls and comments", tickformat=".0%")
    fig.update_yaxes(automargin=True)
    return _html(_layout(fig, 80 + 32 * max(len(ordered), 1), showlegend=False), "chart-reasons")
