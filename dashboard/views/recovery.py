"""Recovery: cohort curves, time to cure, roll rates between DPD buckets, plan continuity."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, queries, sidebar, ui

filters = sidebar.current()
st.title("Recovery")

with ui.section("Cohort recovery",
                "Cumulative share of overdue amount recovered by days since the case opened, "
                "per opening-month cohort. A cohort counts at day d only once it is d days old."):
    cohorts = ui.require_rows(queries.cohort_curves(filters), "cohorts")
    ui.applied_filters(queries.cohort_filters_applied(filters))
    heat, lines = st.tabs(["Heatmap", "Curves"])
    with heat:
        checkpoints = cohorts[cohorts["day"].isin(queries.COHORT_CHECKPOINTS)]
        ui.chart(charts.heatmap(checkpoints, "day", "cohort_month", "recovered_share",
                                x_title="days since opening", y_title="cohort"),
                 "recovery-heatmap")
    with lines:
        ui.chart(charts.line(cohorts, "day", "recovered_share", color="cohort_month",
                             percent_y=True, x_title="days since opening",
                             y_title="recovered share"), "recovery-lines")
    ui.table(queries.cohort_table(cohorts), "cohort recovery")

with ui.section("Time to cure (Kaplan-Meier)",
                "Share of cases not yet cured by day since opening, with 95 % bands. Escalated, "
                "written-off and open cases are censored."):
    segment_type = st.selectbox("Split by", queries.survival_segment_types(),
                                format_func=queries.segment_label, key="recovery-km-split")
    curves = ui.require_rows(queries.survival_curves(segment_type), "survival curves")
    ui.chart(charts.lines_with_band(curves, "day", "survival", "segment", "ci_low", "ci_high",
                                    x_title="days since opening", y_title="not yet cured",
                                    step=True), "recovery-km")
    tests = queries.survival_tests(segment_type)
    if not tests.empty:
        test = tests.iloc[0]
        st.caption(f"Log-rank test across {test['groups']} groups: chi² = {test['chi2']:.1f} "
                   f"(df {int(test['df'])}), p = {test['p_value']:.3g}.")
    ui.table(queries.survival_summary(segment_type), "time to cure by segment")

with ui.section("Roll rates between DPD buckets",
                "Share of overdue amount in a bucket at one month end that sits in each bucket "
                "at the next month end."):
    rolls = ui.require_rows(queries.roll_rates(filters), "roll rates")
    ui.chart(charts.heatmap(rolls, "to_bucket", "from_bucket", "roll_rate",
                            x_order=queries.DPD_BUCKETS, y_order=queries.DPD_BUCKETS,
                            x_title="next month", y_title="this month", colorscale="Oranges"),
             "recovery-rolls")
    ui.table(rolls, "roll rates")

with ui.section("By segment", "Recovery and cure by plan type, payment method and team type."):
    by = st.segmented_control("Segment", list(queries.CASE_SEGMENTS), default="plan_type",
                              format_func=queries.segment_label,
                              key="recovery-segment") or "plan_type"
    split = ui.require_rows(queries.recovery_by_segment(filters, by), "cases")
    ui.chart(charts.bars(split.melt(id_vars=[by], value_vars=["recovery_rate", "cure_rate"],
                                    var_name="kpi", value_name="rate"),
                         by, "rate", color="kpi", percent_y=True, x_title="", y_title=""),
             "recovery-segment")
    ui.table(split, f"recovery by {by}")

with ui.section("3x/4x plan continuity",
                "Plans whose every installment was paid by due date + 5 days, among plans fully "
                "due."):
    continuity = ui.require_rows(queries.plan_continuity(filters), "plans fully due")
    ui.chart(charts.line(continuity, "month", "continuity_rate", color="plan_type",
                         percent_y=True, markers=True, y_title="continuity"),
             "recovery-continuity")
    ui.table(continuity, "plan continuity")
