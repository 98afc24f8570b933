"""Segments and allocation: scores, segments, next-best action, teams, agents."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, queries, sidebar, ui

filters = sidebar.current()
st.title("Segments and allocation")

with ui.section("Propensity to pay",
                "Calibrated probability that a case is cured within 30 days, for open and "
                "recent cases."):
    scores = ui.require_rows(queries.score_distribution(filters), "scored cases")
    ui.chart(charts.histogram_bins(scores, "score_bin", "cases", color="segment",
                                   x_title="score", y_title="cases"), "segments-scores")
    quality = queries.propensity_quality()
    if not quality.empty:
        ui.table(quality, "propensity model quality")

with ui.section("Segments by capacity and willingness to pay"):
    ui.table(ui.require_rows(queries.segments(), "segments"), "segments")

with ui.section("Next-best action per segment"):
    ui.table(ui.require_rows(queries.next_best_action(), "actions"), "next best action")

with ui.section("Team and agency performance",
                "Recovery rate per team type with 95 % CI, and lift against in-house adjusted "
                "for amount, plan type and country."):
    teams = ui.require_rows(queries.allocation_performance(), "allocation results")
    ui.chart(charts.points_with_intervals(teams, "team_type", "recovery_rate", "rr_ci_low",
                                          "rr_ci_high", mode="markers", x_title="",
                                          y_title="recovery rate"), "segments-teams")
    ui.table(teams, "team performance")

with ui.section("Productivity per team",
                "Cases held, right-party conversations, cures and money recovered per handling "
                "team (team or agency id), from the case mart."):
    teams = ui.require_rows(queries.team_productivity(filters), "cases")
    ui.applied_filters(queries.team_filters_applied(filters))
    ui.chart(charts.bars(teams.head(25), "team_id", "recovered_amount", color="team_type",
                         x_title="", y_title="recovered (EUR)"), "segments-team-productivity")
    ui.table(teams, "team productivity")

with ui.section("Agent productivity",
                "Per agent: contacts handled, right-party conversations, and the promises and "
                "payments that followed within N days; the chart shows the 25 with the most paid."):
    agents = ui.require_rows(queries.agent_productivity(filters), "agent contacts")
    ui.applied_filters(queries.agent_filters_applied(filters))
    ui.chart(charts.bars(agents.head(25), "agent_id", "paid_amount_within_n_days",
                         color="team_type", x_title="agent",
                         y_title="paid within N days (EUR)"), "segments-agents")
    ui.table(agents, "agent productivity")
