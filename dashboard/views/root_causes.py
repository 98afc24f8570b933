"""Root causes: debit-date misalignment, merchant anomalies, failure waves, reasons over time."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, queries, sidebar, ui

filters = sidebar.current()
st.title("Root causes")

with ui.section("Debit-date misalignment",
                "First-attempt failure rate by days between the debit and the customer's next "
                "funding day (inferred from when money arrives), with 95 % intervals."):
    effect = ui.require_rows(queries.debit_timing_effect(filters), "timing estimates")
    row = effect.iloc[0]
    tiles = st.columns(4)
    tiles[0].metric("Failures attributable to timing", f"{row['attributable_share']:.1%}",
                    help=f"95 % CI {row['share_ci_low']:.1%} to {row['share_ci_high']:.1%}",
                    border=True)
    tiles[1].metric("Odds ratio, before vs after funding", f"{row['odds_ratio']:.2f}",
                    help=f"95 % CI {row['ci_low']:.2f} to {row['ci_high']:.2f}", border=True)
    tiles[2].metric("Customers to move", f"{int(row['customers_to_move']):,}", border=True)
    tiles[3].metric("Secured per month by moving them", f"€{row['amount_secured_month']:,.0f}",
                    help=f"95 % CI €{row['amount_ci_low']:,.0f} to €{row['amount_ci_high']:,.0f}; "
                    f"{row['failures_avoided_month']:,.0f} failed debits avoided a month",
                    border=True)
    curve = ui.require_rows(queries.debit_timing_failure(), "timing data")
    ui.chart(charts.points_with_intervals(curve, "days_before_funding", "failure_rate", "ci_low",
                                          "ci_high", x_title="days from debit to next funding "
                                          "day", y_title="first-attempt failure rate"),
             "causes-timing")
    ui.table(effect, "debit timing effect")

with ui.section("Merchant anomalies",
                "Merchants whose default rate or dispute share stands out against their peers "
                "(Benjamini-Hochberg controlled)."):
    anomalies = ui.require_rows(queries.merchant_anomalies(), "merchant tests")
    flagged = anomalies[anomalies["significant"]]
    if flagged.empty:
        st.success("No merchant stands out from its peers.")
    else:
        ui.chart(charts.points_with_intervals(
            flagged.assign(label=flagged["merchant_name"] + " · " + flagged["metric"]),
            "label", "rate_ratio", "ci_low", "ci_high", mode="markers", percent_y=False,
            x_title="", y_title="rate ratio vs peers"), "causes-merchants")
    ui.table(anomalies, "merchant anomalies")

with ui.section("Payment-method failure waves",
                "Monthly failure rate per payment method and reason against its other months."):
    waves = ui.require_rows(queries.failure_waves(), "failure waves")
    flagged = waves[waves["significant"]]
    reasons = sorted(waves["failure_reason"].unique())
    default = flagged["failure_reason"].iloc[0] if not flagged.empty else reasons[0]
    reason = st.selectbox("Failure reason", reasons, index=reasons.index(default),
                          key="causes-wave-reason")
    chosen = waves[waves["failure_reason"] == reason]
    ui.chart(charts.points_with_intervals(chosen, "month", "rate", "ci_low", "ci_high",
                                          group="payment_method", x_title="",
                                          y_title=f"{reason} failure rate"), "causes-waves")
    ui.table(flagged if not flagged.empty else chosen, "failure waves")

with ui.section("Reason mix over time",
                "Top default reason per call and comment, by month (text mining)."):
    mix = ui.require_rows(queries.reason_trend(filters), "mined reasons")
    ui.applied_filters(queries.reason_filters_applied(filters))
    ui.chart(charts.bars(mix, "month", "share", color="reason", percent_y=True,
                         barmode="stack", x_title="", y_title="share of texts"),
             "causes-reasons")
    ui.table(mix, "reason mix by month")
