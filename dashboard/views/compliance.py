"""Compliance: over-solicitation and out-of-hours contacts, down to pseudonymous customers."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, queries, sidebar, ui

filters = sidebar.current()
st.title("Compliance")
st.caption("Caps and allowed hours per country come from the warehouse's compliance seed "
           "(US Regulation F defaults: 7 calls in 7 days, 08:00-21:00 local).")

with ui.section("By country and team type"):
    summary = ui.require_rows(queries.compliance_summary(filters), "contacts")
    ui.applied_filters(queries.compliance_filters_applied(filters))
    tiles = st.columns(3)
    totals = queries.compliance_totals(summary)
    tiles[0].metric("Customers over the contact cap", f"{totals['over_cap_customers']:,}",
                    border=True)
    tiles[1].metric("Calls within 7 days of a conversation",
                    f"{totals['calls_after_conversation']:,}", border=True)
    tiles[2].metric("Out-of-hours contacts", f"{totals['out_of_hours_contacts']:,}",
                    help=f"{totals['out_of_hours_share']:.2%} of contacts", border=True)
    ui.chart(charts.bars(summary, "country", "out_of_hours_contacts", color="team_type",
                         barmode="stack", x_title="", y_title="out-of-hours contacts"),
             "compliance-hours")
    ui.chart(charts.bars(summary, "country", "calls_over_cap", color="team_type",
                         barmode="stack", x_title="", y_title="calls over the cap"),
             "compliance-cap")
    ui.table(summary, "compliance by country and team")

with ui.section("Drill down", "Pseudonymous customers behind a breach, for review."):
    countries = sorted(summary["country"].dropna().unique())
    left, right = st.columns(2)
    country = left.selectbox("Country", countries, key="compliance-country")
    teams = ["all", *sorted(summary.loc[summary["country"] == country, "team_type"]
                            .dropna().unique())]
    team = right.selectbox("Team type", teams, key="compliance-team")
    customers = ui.require_rows(queries.compliance_customers(filters, country, team),
                                "breaches")
    ui.table(customers, "customers with breaches")
