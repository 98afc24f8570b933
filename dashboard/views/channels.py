"""Channels: funnels, timing (hour and weekday), contact fatigue, champion/challenger tests."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, queries, sidebar, ui

filters = sidebar.current()
st.title("Channels")

with ui.section("Funnels",
                "Share of outbound contacts reaching each step (promised and paid = within N "
                "days of the contact), with 95 % Wilson intervals."):
    by = st.segmented_control("Per", ["channel", "template_id", "stage"], default="channel",
                              format_func=lambda d: d.replace("_id", "").capitalize(),
                              key="channels-funnel-by") or "channel"
    steps = ui.require_rows(queries.funnel_steps(filters, by), "contacts")
    ui.applied_filters(queries.funnel_filters_applied(filters))
    largest = steps["group"].drop_duplicates().head(8)
    ui.chart(charts.points_with_intervals(steps[steps["group"].isin(largest)], "step", "rate",
                                          "ci_low", "ci_high", group="group", x_title="",
                                          y_title="share of contacts sent"), "channels-funnel")
    ui.table(steps, f"funnel by {by}")

with ui.section("Conversion by local send hour",
                "Payment within N days by the hour the customer received the contact, adjusted "
                "for stage, days past due and amount (95 % intervals)."):
    hours = ui.require_rows(queries.send_hour_effect(), "send-hour estimates")
    ui.chart(charts.points_with_intervals(hours, "local_send_hour", "adjusted_rate", "ci_low",
                                          "ci_high", group="channel", x_title="local hour",
                                          y_title="paid within N days"), "channels-hour")
    ui.table(queries.best_send_hour(), "best send hour per channel")

with ui.section("Conversion by weekday and hour",
                "Raw paid-within-N-days rate from the funnel mart, with 95 % Wilson intervals."):
    weekday, grid = queries.send_time_conversion(filters)
    ui.require_rows(weekday, "contacts")
    ui.chart(charts.points_with_intervals(weekday, "weekday", "paid_rate", "ci_low", "ci_high",
                                          group="channel", x_title="local weekday",
                                          y_title="paid within N days"), "channels-weekday")
    channel = st.selectbox("Channel for the hour x weekday grid",
                           queries.channels_by_volume(weekday), key="channels-grid-channel")
    ui.chart(charts.heatmap(grid[(grid["channel"] == channel) & (grid["sent"] >= 20)],
                            "local_send_hour", "weekday", "paid_rate", y_order=queries.WEEKDAYS,
                            x_title="local hour", y_title=""), "channels-hour-weekday")
    ui.table(weekday, "conversion by weekday")

with ui.section("Contact fatigue",
                "Conversion and complaints by the number of contacts in the previous 7 days."):
    fatigue = ui.require_rows(queries.contact_fatigue(), "fatigue data")
    left, right = st.columns(2)
    with left:
        ui.chart(charts.points_with_intervals(fatigue, "contacts_prev_7d", "paid_rate",
                                              "paid_ci_low", "paid_ci_high",
                                              x_title="contacts in previous 7 days",
                                              y_title="paid within N days"), "channels-fatigue")
    with right:
        ui.chart(charts.points_with_intervals(fatigue, "contacts_prev_7d", "complaint_rate",
                                              "complaint_ci_low", "complaint_ci_high",
                                              x_title="contacts in previous 7 days",
                                              y_title="complaint rate"), "channels-complaints")
    effect = queries.fatigue_effect()
    if not effect.empty:
        row = effect.iloc[0]
        st.markdown(
            f"From **{int(row['threshold'])}** contacts in 7 days, the odds of a click are "
            f"**x{row['odds_ratio']:.2f}** (95 % CI {row['ci_low']:.2f}-{row['ci_high']:.2f}, "
            f"p = {row['p_value']:.2g}) compared with fewer contacts; "
            f"{int(row['contacts_above']):,} contacts were sent at or above that count."
        )
    ui.table(fatigue, "contact fatigue")

with ui.section("Champion / challenger",
                "Lift of each arm against the control, with 95 % CI and the sample size needed "
                "to detect the target lift."):
    tests = ui.require_rows(queries.experiments(), "experiments")
    tests = tests.assign(label=tests["experiment_id"] + " · " + tests["arm"] + " vs "
                         + tests["control_arm"])
    ui.chart(charts.points_with_intervals(tests, "label", "lift_abs", "ci_low", "ci_high",
                                          group="metric", mode="markers",
                                          x_title="", y_title="lift (points)"),
             "channels-experiments")
    ui.table(tests.drop(columns="label"), "experiments")
