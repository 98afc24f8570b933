"""Overview: how are we doing (KPI tiles with deltas, trends) and where to start (root causes)."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, queries, sidebar, ui

filters = sidebar.current()
st.title("Overview")
st.caption(ui.period_caption(filters))

with ui.section("Key indicators"):
    tiles = ui.require_rows(queries.kpi_tiles(filters), "KPIs")
    ui.applied_filters(queries.kpi_filters_applied(filters))
    for start in range(0, len(tiles), 6):
        for column, tile in zip(st.columns(6), tiles.iloc[start:start + 6].itertuples(),
                                strict=False):
            column.metric(
                tile.label,
                ui.fmt_value(tile.current, tile.kind),
                ui.fmt_delta(tile.current, tile.previous, tile.kind),
                delta_color="normal" if tile.higher_is_better else "inverse",
                help=tile.definition,
                border=True,
            )

with ui.section("Trends", "Monthly by plan type over the whole history (merchant, country and "
                "plan filters apply), re-aggregated from the daily KPI mart."):
    choice = st.segmented_control(
        "Indicator", list(queries.TREND_KPIS), default="recovery_rate",
        format_func=lambda k: queries.KPI_DEFINITIONS[k].label, key="overview-trend",
    ) or "recovery_rate"
    trend = ui.require_rows(queries.kpi_trend(filters, choice), "trend data")
    definition = queries.KPI_DEFINITIONS[choice]
    ui.chart(charts.line(trend, "month", "value", color="plan_type", markers=True,
                         percent_y=definition.kind == "rate", y_title=definition.label,
                         highlight=(filters.start, filters.end)), "overview-trend")

with ui.section("Where to start: root causes ranked by money at stake",
                "Each row is a cause found by `relance analyze`, with its effect, 95 % CI and "
                "the money it costs (or would secure) per month."):
    causes = ui.require_rows(queries.root_causes(filters), "root causes")
    significant = causes[causes["significant"]]
    if significant.empty:
        st.success("Every candidate cause was tested; none is significant at a 5 % false "
                   "discovery rate.")
    else:
        ui.chart(charts.bars(significant.head(10).iloc[::-1], "title", "money_at_stake_month",
                             horizontal=True, x_title="", y_title="EUR per month"),
                 "overview-causes")
    ui.table(causes, "root causes", column_config={
        "money_at_stake_month": st.column_config.NumberColumn("EUR / month", format="€%.0f"),
        "money_ci_low": st.column_config.NumberColumn("low", format="€%.0f"),
        "money_ci_high": st.column_config.NumberColumn("high", format="€%.0f"),
    })
