"""Every question the pages ask, as SQL over the marts and the ``insights`` schema.

Each function returns a small, aggregated DataFrame: the database does the grouping, and only the
rows a chart or table shows reach the browser. Metrics are re-aggregated from the numerators and
denominators the marts define, never redefined here. A missing table raises
:class:`~dashboard.ui.NeedsStep` naming the command that produces it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.filters import Filters, Where, where
from dashboard.ui import NeedsStep
from relance.contract import PLAN_TYPES

BUILD = "relance build"
ANALYZE = "relance analyze"
TRANSCRIBE = "relance transcribe` then `relance build"

def _table(name: str, what: str | None = None, command: str = BUILD) -> str:
    """The qualified name of a table, or :class:`NeedsStep` when the warehouse lacks it."""
    entry = data.catalog().get(name.lower())
    if entry is None:
        raise NeedsStep(what or f"`{name}`", command)
    return entry[0]


def _insight(name: str, what: str) -> str:
    return _table(f"insights.{name}", what, ANALYZE)


def _filtered(table: str, filters: Filters, date_column: str | None = None,
              alias: str = "") -> Where:
    return where(filters, data.columns(table), date_column=date_column, alias=alias)


# --- global filters -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterOptions:
    """What the sidebar offers: values that exist in this warehouse."""

    first_date: date | None = None
    last_date: date | None = None
    merchants: list[str] = field(default_factory=list)
    merchant_names: dict[str, str] = field(default_factory=dict)
    countries: list[str] = field(default_factory=list)
    plan_types: list[str] = field(default_factory=lambda: list(PLAN_TYPES))
    as_of: str | None = None
    built_at: str | None = None


def filter_options() -> FilterOptions:
    """Filter choices from the dimensions; an empty warehouse still gets a working sidebar."""
    catalog = data.catalog()
    options = FilterOptions()
    if "dim_merchants" in catalog:
        merchants = data.query(
            f"SELECT merchant_id, merchant_name FROM {catalog['dim_merchants'][0]} "
            "ORDER BY merchant_name, merchant_id"
        )
        options = FilterOptions(
            merchants=merchants["merchant_id"].tolist(),
            merchant_names=dict(zip(merchants["merchant_id"], merchants["merchant_name"],
                                    strict=True)),
        )
    countries: list[str] = []
    if "dim_customers" in catalog:
        countries = data.query(
            f"SELECT DISTINCT country FROM {catalog['dim_customers'][0]} "
            "WHERE country IS NOT NULL ORDER BY country"
        )["country"].tolist()
    first = last = None
    if "mart_kpis_daily" in catalog:
        span = data.query(f"SELECT min(date_day) AS first, max(date_day) AS last "
                          f"FROM {catalog['mart_kpis_daily'][0]}")
        if not span.empty and pd.notna(span.at[0, "first"]):
            first, last = pd.Timestamp(span.at[0, "first"]).date(), pd.Timestamp(
                span.at[0, "last"]).date()
    return FilterOptions(first_date=first, last_date=last, merchants=options.merchants,
                         merchant_names=options.merchant_names, countries=countries,
                         as_of=build_info().get("as_of_date"),
                         built_at=build_info().get("built_at"))


def build_info() -> dict[str, str]:
    """What the warehouse says about its build: ``mart_build_info`` (``as_of_date``, reporting
    currency, ...) and the build step's ``relance_build_info`` (``data_dir``, ``built_at``)."""
    info: dict[str, str] = {}
    for name in ("relance_build_info", "mart_build_info"):
        if not data.has_table(name):
            continue
        frame = data.query(f"SELECT * FROM {_table(name)} LIMIT 1")
        if not frame.empty:
            info.update({column: _text(frame.at[0, column]) for column in frame.columns})
    return info


def _text(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() else value.strftime("%Y-%m-%d")
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def merchant_names() -> dict[str, str]:
    return filter_options().merchant_names


# --- overview -----------------------------------------------------------------------------------


def root_causes(filters: Filters, limit: int = 15) -> pd.DataFrame:
    """The ranked causes for the portfolio, or for the chosen merchants when one is selected."""
    table = _insight("root_causes", "The root-cause ranking")
    if filters.merchants:
        placeholders = ", ".join("?" for _ in filters.merchants)
        scope, params = f"scope IN ({placeholders})", list(filters.merchants)
    else:
        scope, params = "scope = 'portfolio'", []
    return data.query(
        f"""
        SELECT rank, title, category, scope, significant, effect_metric, effect_size, ci_low,
               ci_high, q_value, customers_affected, money_at_stake_month, money_ci_low,
               money_ci_high, recommended_action, evidence
        FROM {table}
        WHERE {scope}
        ORDER BY significant DESC, money_at_stake_month DESC NULLS LAST, rank
        LIMIT {int(limit)}
        """,
        params,
    )


def run_metadata() -> dict[str, str]:
    catalog = data.catalog()
    if "insights.run_metadata" not in catalog:
        return {}
    frame = data.query(f"SELECT * FROM {catalog['insights.run_metadata'][0]} LIMIT 1")
    return {c: str(frame.at[0, c]) for c in frame.columns} if not frame.empty else {}


# --- recovery -----------------------------------------------------------------------------------


def survival_segment_types() -> list[str]:
    table = _insight("survival_curves", "Time-to-cure curves")
    return data.query(f"SELECT DISTINCT segment_type FROM {table} ORDER BY segment_type")[
        "segment_type"].tolist()


def survival_curves(segment_type: str, max_groups: int = 8) -> pd.DataFrame:
    """Kaplan-Meier curves of the largest groups of a segmentation, with their 95 % bands."""
    table = _insight("survival_curves", "Time-to-cure curves")
    return data.query(
        f"""
        WITH largest AS (
            SELECT segment FROM {table}
            WHERE segment_type = ? AND day = 0
            ORDER BY at_risk DESC LIMIT {int(max_groups)}
        )
        SELECT segment, day, at_risk, survival, ci_low, ci_high, cure_share
        FROM {table} JOIN largest USING (segment)
        WHERE segment_type = ?
        ORDER BY segment, day
        """,
        [segment_type, segment_type],
    )


def survival_tests(segment_type: str) -> pd.DataFrame:
    table = _insight("survival_tests", "Log-rank tests")
    return data.query(f"SELECT groups, cases, chi2, df, p_value FROM {table} "
                      "WHERE segment_type = ?", [segment_type])


def survival_summary(segment_type: str) -> pd.DataFrame:
    table = _insight("survival_summary", "Time-to-cure summary")
    return data.query(
        f"""SELECT segment, cases, cured, median_days_to_cure, cure_share_d30,
                   cure_share_d30_low, cure_share_d30_high
            FROM {table} WHERE segment_type = ? ORDER BY cases DESC""",
        [segment_type],
    )


def cohort_checkpoints(segment_type: str = "all") -> pd.DataFrame:
    """Banded recovered share at days 5/30/60/90 per opening month (insights.cohort_recovery)."""
    table = _insight("cohort_recovery", "Cohort recovery checkpoints")
    return data.query(
        f"""SELECT segment, cohort_month, day, cases, overdue_amount, recovered_amount,
                   recovered_share, ci_low, ci_high
            FROM {table} WHERE segment_type = ? ORDER BY segment, cohort_month, day""",
        [segment_type],
    )


# --- channels -----------------------------------------------------------------------------------


def send_hour_effect() -> pd.DataFrame:
    table = _insight("send_hour_effect", "Send-hour effect")
    return data.query(
        f"""SELECT channel, local_send_hour, contacts, paid, raw_rate, adjusted_rate, ci_low,
                   ci_high, prob_best
            FROM {table} ORDER BY channel, local_send_hour"""
    )


def best_send_hour() -> pd.DataFrame:
    table = _insight("best_send_hour", "Best send hour")
    return data.query(f"SELECT * FROM {table} ORDER BY p_value")


def contact_fatigue() -> pd.DataFrame:
    table = _insight("contact_fatigue", "Contact fatigue")
    return data.query(f"SELECT * FROM {table} ORDER BY contacts_prev_7d")


def fatigue_effect() -> pd.DataFrame:
    table = _insight("fatigue_effect", "Contact fatigue threshold")
    return data.query(f"SELECT * FROM {table}")


def experiments() -> pd.DataFrame:
    table = _insight("experiments", "Champion/challenger results")
    return data.query(
        f"""SELECT experiment_id, metric, arm, control_arm, n_arm, n_control, rate_arm,
                   rate_control, lift_abs, ci_low, ci_high, lift_rel, p_value, target_lift,
                   n_required_per_arm, powered
            FROM {table} ORDER BY experiment_id, metric, arm"""
    )


# --- root causes --------------------------------------------------------------------------------


def debit_timing_failure() -> pd.DataFrame:
    table = _insight("debit_timing_failure", "Failure rate by days before funding")
    return data.query(f"SELECT * FROM {table} ORDER BY days_before_funding")


def debit_timing_effect(filters: Filters) -> pd.DataFrame:
    """Portfolio row, or the chosen merchants' rows when merchants are selected."""
    table = _insight("debit_timing_effect", "Debit-date misalignment effect")
    if filters.merchants:
        placeholders = ", ".join("?" for _ in filters.merchants)
        return data.query(f"SELECT * FROM {table} WHERE merchant_id IN ({placeholders})",
                          list(filters.merchants))
    return data.query(f"SELECT * FROM {table} WHERE scope = 'portfolio'")


def merchant_anomalies() -> pd.DataFrame:
    table = _insight("merchant_anomalies", "Merchant anomalies")
    names = _table("dim_merchants")
    return data.query(
        f"""SELECT a.merchant_id, m.merchant_name, m.sector, a.metric, a.events, a.base, a.rate,
                   a.peer_rate, a.rate_ratio, a.ci_low, a.ci_high, a.q_value, a.significant,
                   a.money_at_stake_month
            FROM {table} a LEFT JOIN {names} m USING (merchant_id)
            ORDER BY a.significant DESC, a.q_value, a.rate_ratio DESC"""
    )


def failure_waves() -> pd.DataFrame:
    table = _insight("failure_waves", "Payment-method failure waves")
    return data.query(
        f"""SELECT payment_method, failure_reason, month, attempts, failures, rate,
                   baseline_rate, rate_ratio, ci_low, ci_high, q_value, significant,
                   excess_failures, excess_amount
            FROM {table} ORDER BY payment_method, failure_reason, month"""
    )


def reason_mix(scope_type: str = "portfolio") -> pd.DataFrame:
    table = _insight("reason_mix", "Reason mix")
    return data.query(
        f"SELECT scope, reason, texts, share, ci_low, ci_high FROM {table} "
        "WHERE scope_type = ? ORDER BY scope, share DESC",
        [scope_type],
    )


# --- segments and allocation --------------------------------------------------------------------


def score_distribution(filters: Filters, bins: int = 20) -> pd.DataFrame:
    """Histogram of propensity scores per segment, binned in SQL."""
    table = _insight("customer_scores", "Propensity scores")
    condition = _filtered(table, filters)
    return data.query(
        f"""SELECT segment, least(floor(score * {bins}), {bins - 1}) / {bins} AS score_bin,
                   count(*) AS cases
            FROM {table} WHERE {condition.sql}
            GROUP BY ALL ORDER BY segment, score_bin""",
        condition.params,
    )


def segments() -> pd.DataFrame:
    return data.query(f"SELECT * FROM {_insight('segments', 'Segments')} ORDER BY segment")


def next_best_action() -> pd.DataFrame:
    table = _insight("next_best_action", "Next-best actions")
    return data.query(f"SELECT * FROM {table} ORDER BY segment")


def allocation_performance() -> pd.DataFrame:
    table = _insight("allocation_performance", "Team and agency performance")
    return data.query(f"SELECT * FROM {table} ORDER BY recovery_rate DESC")


# --- merchants ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MerchantReport:
    """A merchant's report as the Merchants page shows it, and where it came from."""

    html: str | None
    pdf: bytes | None
    source: str
    problem: str | None = None


def merchant_report(merchant_id: str) -> MerchantReport:
    """The report `relance report` wrote for this merchant, if any (HTML and PDF)."""
    folder = data.reports_dir()
    html_file, pdf_file = folder / f"{merchant_id}.html", folder / f"{merchant_id}.pdf"
    pdf = pdf_file.read_bytes() if pdf_file.is_file() else None
    if html_file.is_file():
        return MerchantReport(html_file.read_text(encoding="utf-8"), pdf,
                              f"Written by `relance report` to {folder}.")
    return MerchantReport(None, pdf, "", f"Nothing in {folder}.")


def render_report_preview(merchant_id: str) -> MerchantReport:
    """Render one merchant's report now through the reports API (on request: it takes a while)."""
    return _render_report(merchant_id, data.current_version())


@st.cache_data(show_spinner="Rendering the report…", max_entries=32)
def _render_report(merchant_id: str, version: data.WarehouseVersion) -> MerchantReport:
    from reports.writer import render_html

    try:
        html = render_html(Path(version.path), merchant_id)
    except Exception as error:  # a failed preview must not break the page
        return MerchantReport(None, None, "", f"Preview failed: {error}")
    return MerchantReport(html, None, "Rendered live from the warehouse; "
                          "`relance report --all` writes the files to send.")


# --- KPIs (mart_kpis_daily) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Kpi:
    """A KPI as ``mart_kpis_daily`` defines it: sum(numerator) / sum(denominator)."""

    label: str
    numerator: str
    denominator: str
    kind: str  # rate | days | money | count
    higher_is_better: bool
    definition: str


KPI_DEFINITIONS: dict[str, Kpi] = {
    "recovery_rate": Kpi("Recovery rate", "cases_recovered_amount", "cases_overdue_amount",
                         "rate", True, "Amount received on cases opened in the period / their "
                         "overdue amount."),
    "efficiency_dpd6": Kpi("Efficiency > 5 d", "dpd6_recovered_amount",
                           "dpd6_overdue_amount", "rate", True,
                           "Amount recovered on installments that reached 6+ days past due / "
                           "their overdue amount at day 6."),
    "cure_rate": Kpi("Cure rate", "cases_cured", "cases_opened", "rate", True,
                     "Cases that reached nothing overdue / cases opened."),
    "realization_d30": Kpi("Realized 30 d", "realized_d30_amount",
                           "realization_d30_overdue_amount", "rate", True,
                           "Share of overdue amount received within 30 days of opening (cases at "
                           "least 30 days old)."),
    "realization_d60": Kpi("Realized 60 d", "realized_d60_amount",
                           "realization_d60_overdue_amount", "rate", True,
                           "Share of overdue amount received within 60 days of opening."),
    "realization_d90": Kpi("Realized 90 d", "realized_d90_amount",
                           "realization_d90_overdue_amount", "rate", True,
                           "Share of overdue amount received within 90 days of opening."),
    "days_outstanding": Kpi("Avg days late", "late_paid_amount_days", "late_paid_amount",
                            "days", False, "Average days outstanding: amount-weighted mean "
                            "days from due date to full payment, over installments paid late."),
    "litigation_rate": Kpi("Litigation rate", "litigation_escalated_cases",
                           "litigation_observed_cases", "rate", False,
                           "Cases escalated to litigation, debt sale or write-off / cases old "
                           "enough to be observed."),
    "promise_kept_rate": Kpi("Promises kept", "promises_kept", "promises_due", "rate", True,
                             "Promises whose amount arrived by the promised date + 2 days / "
                             "promises due."),
    "contacts_per_case": Kpi("Contacts / case", "case_contacts", "cases_opened", "count", False,
                             "Contacts sent while the case was open / cases opened."),
    "right_party_rate": Kpi("RPC rate", "right_party_calls", "calls_dialled",
                            "rate", True,
                            "Right-party contact rate: calls reaching the customer / calls "
                            "dialled."),
    "cost_to_collect": Kpi("Cost to collect", "collection_cost", "cases_recovered_amount",
                           "rate", False, "Contact and allocation cost / amount recovered."),
}
TREND_KPIS = ("recovery_rate", "cure_rate", "efficiency_dpd6", "realization_d30",
              "days_outstanding", "promise_kept_rate", "contacts_per_case", "litigation_rate")


def _ratio(kpi: Kpi, condition: str = "TRUE") -> str:
    return (f"sum(CASE WHEN {condition} THEN {kpi.numerator} END) / "
            f"nullif(sum(CASE WHEN {condition} THEN {kpi.denominator} END), 0)")


def kpi_filters_applied(filters: Filters) -> tuple[str, ...]:
    return _filtered(_table("mart_kpis_daily", "Daily KPIs"), filters, "date_day").applied


def kpi_tiles(filters: Filters) -> pd.DataFrame:
    """Every KPI for the period and for the period of the same length just before it.

    One pass over the mart: each row is labelled current or previous, the numerators and
    denominators are summed per label, and each KPI is their ratio.
    """
    table = _table("mart_kpis_daily", "Daily KPIs")
    dimensions = _filtered(table, Filters(merchants=filters.merchants,
                                          countries=filters.countries,
                                          plan_types=filters.plan_types))
    columns = sorted({c for kpi in KPI_DEFINITIONS.values()
                      for c in (kpi.numerator, kpi.denominator)})
    ratios = ", ".join(f"{kpi.numerator} / nullif({kpi.denominator}, 0) AS {key}"
                       for key, kpi in KPI_DEFINITIONS.items())
    if filters.start and filters.end:
        previous = filters.previous_period()
        period = "CASE WHEN date_day >= ? THEN 'current' ELSE 'previous' END"
        params: list[object] = [filters.start, previous.start, filters.end]
        window = "date_day BETWEEN ? AND ?"
    else:
        period, params, window = "'current'", [], "TRUE"
    frame = data.query(
        f"""WITH sums AS (
                SELECT {period} AS period, {', '.join(f'sum({c}) AS {c}' for c in columns)}
                FROM {table} WHERE {window} AND {dimensions.sql}
                GROUP BY 1
            )
            SELECT period, {ratios} FROM sums""",
        params + list(dimensions.params),
    )
    by_period = {row["period"]: row for _, row in frame.iterrows()}
    return pd.DataFrame([
        {"kpi": key, "label": kpi.label, "kind": kpi.kind,
         "higher_is_better": kpi.higher_is_better, "definition": kpi.definition,
         "current": _number(by_period["current"][key]) if "current" in by_period else None,
         "previous": _number(by_period["previous"][key]) if "previous" in by_period else None}
        for key, kpi in KPI_DEFINITIONS.items()
    ])


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def kpi_trend(filters: Filters, key: str) -> pd.DataFrame:
    """Monthly value of one KPI by plan type over the whole history (dimension filters apply)."""
    table = _table("mart_kpis_daily", "Daily KPIs")
    kpi = KPI_DEFINITIONS[key]
    dimensions = _filtered(table, Filters(merchants=filters.merchants,
                                          countries=filters.countries,
                                          plan_types=filters.plan_types))
    return data.query(
        f"""SELECT date_trunc('month', date_day) AS month, plan_type, {_ratio(kpi)} AS value,
                   sum({kpi.denominator}) AS denominator
            FROM {table} WHERE {dimensions.sql}
            GROUP BY ALL HAVING sum({kpi.denominator}) > 0 ORDER BY month, plan_type""",
        dimensions.params,
    )


# --- recovery (marts) ---------------------------------------------------------------------------

COHORT_CHECKPOINTS = (5, 15, 30, 45, 60, 90, 120, 150, 180)
DPD_BUCKETS = ("current", "1-5", "6-30", "31-60", "61-90", "90+")
CASE_SEGMENTS = ("plan_type", "payment_method", "team_type", "country")
SEGMENT_LABELS = {"all": "All cases", "plan_type": "Plan type", "merchant_id": "Merchant",
                  "merchant": "Merchant", "channel_strategy": "Channel strategy",
                  "team_type": "Team type", "experiment_arm": "Experiment arm",
                  "payment_method": "Payment method", "country": "Country"}


def segment_label(segment_type: str) -> str:
    return SEGMENT_LABELS.get(segment_type, segment_type)


def _cohort_segment(filters: Filters) -> tuple[str, str, tuple[str, ...]]:
    """The cohort mart holds one segmentation at a time: use the most specific single filter."""
    if len(filters.merchants) == 1:
        return "merchant", filters.merchants[0], ("merchant",)
    if len(filters.plan_types) == 1:
        return "plan_type", filters.plan_types[0], ("plan type",)
    if len(filters.countries) == 1:
        return "country", filters.countries[0], ("country",)
    return "all", "all", ()


def cohort_filters_applied(filters: Filters) -> tuple[str, ...]:
    applied = _cohort_segment(filters)[2]
    return (("date range",) if filters.start else ()) + applied


def cohort_curves(filters: Filters) -> pd.DataFrame:
    """Cumulative recovered share by cohort month and day since opening, for the selection."""
    table = _table("mart_cohort_recovery", "Cohort recovery curves")
    segment_type, segment_value, _ = _cohort_segment(filters)
    period = Filters(start=filters.start, end=filters.end)
    dates = _filtered(table, period, "cohort_month")
    if filters.start:  # a cohort month overlaps the period if the month's first day is <= end
        dates = where(Filters(start=filters.start.replace(day=1), end=filters.end),
                      data.columns(table), date_column="cohort_month")
    return data.query(
        f"""SELECT strftime(cohort_month, '%Y-%m') AS cohort_month,
                   days_since_opened AS day, cases_observed, overdue_amount_observed,
                   recovered_amount_cumulative,
                   recovered_amount_cumulative / nullif(overdue_amount_observed, 0)
                       AS recovered_share
            FROM {table}
            WHERE segment_type = ? AND segment_value = ? AND {dates.sql}
              AND cases_observed > 0
            ORDER BY cohort_month, day""",
        [segment_type, segment_value, *dates.params],
    )


def cohort_table(curves: pd.DataFrame) -> pd.DataFrame:
    """The checkpoints of each cohort as a wide table (cohorts x days), for the CSV."""
    checkpoints = curves[curves["day"].isin(COHORT_CHECKPOINTS)]
    wide = checkpoints.pivot_table(index="cohort_month", columns="day",
                                   values="recovered_share", aggfunc="first")
    wide.columns = [f"day_{column}" for column in wide.columns]
    return wide.reset_index()


def roll_rates(filters: Filters) -> pd.DataFrame:
    table = _table("mart_roll_rates", "Roll rates")
    condition = _filtered(table, filters, "month_end")
    return data.query(
        f"""SELECT from_bucket, to_bucket, sum(from_amount) AS from_amount,
                   sum(rolled_amount) AS rolled_amount,
                   sum(rolled_amount) / nullif(sum(from_amount), 0) AS roll_rate,
                   sum(from_plans) AS from_plans, sum(rolled_plans) AS rolled_plans
            FROM {table} WHERE {condition.sql}
            GROUP BY ALL HAVING sum(from_amount) > 0""",
        condition.params,
    )


def recovery_by_segment(filters: Filters, segment: str) -> pd.DataFrame:
    """Recovery and cure rate by a case attribute (cases opened in the period)."""
    if segment not in CASE_SEGMENTS:
        raise ValueError(segment)
    table = _table("fct_collection_cases", "Collection cases")
    condition = _filtered(table, filters, "opened_date")
    return data.query(
        f"""SELECT coalesce({segment}, 'none') AS {segment}, count(*) AS cases,
                   sum(overdue_amount) AS overdue_amount,
                   sum(recovered_amount) AS recovered_amount,
                   sum(recovered_amount) / nullif(sum(overdue_amount), 0) AS recovery_rate,
                   count(*) FILTER (WHERE outcome = 'cured') / count(*) AS cure_rate
            FROM {table} WHERE {condition.sql}
            GROUP BY ALL ORDER BY cases DESC""",
        condition.params,
    )


def plan_continuity(filters: Filters) -> pd.DataFrame:
    table = _table("mart_plan_continuity", "Plan continuity")
    condition = _filtered(table, filters, "purchase_month")
    return data.query(
        f"""SELECT strftime(purchase_month, '%Y-%m') AS month, plan_type,
                   sum(plans_fully_due) AS plans_fully_due,
                   sum(continuous_plans) AS continuous_plans,
                   sum(continuous_plans) / nullif(sum(plans_fully_due), 0) AS continuity_rate
            FROM {table} WHERE {condition.sql}
            GROUP BY ALL HAVING sum(plans_fully_due) > 0 ORDER BY month, plan_type""",
        condition.params,
    )


# --- channels (mart_channel_funnel) -------------------------------------------------------------

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FUNNEL_STEPS = ("delivered", "opened", "clicked", "promised", "paid")


def _wilson(successes: str, trials: str, z: float = 1.96) -> str:
    """SQL for the Wilson score interval of successes / trials: ``ci_low, ci_high`` columns."""
    p = f"({successes}::DOUBLE / nullif({trials}, 0))"
    n = f"nullif({trials}, 0)"
    centre = f"({p} + {z * z}/(2*{n}))"
    spread = f"({z} * sqrt({p}*(1-{p})/{n} + {z * z}/(4*{n}*{n})))"
    denominator = f"(1 + {z * z}/{n})"
    return (f"greatest(({centre} - {spread}) / {denominator}, 0) AS ci_low, "
            f"least(({centre} + {spread}) / {denominator}, 1) AS ci_high")


def funnel_filters_applied(filters: Filters) -> tuple[str, ...]:
    return _filtered(_table("mart_channel_funnel", "Channel funnel"), filters,
                     "sent_month").applied


def _funnel_where(filters: Filters) -> Where:
    table = _table("mart_channel_funnel", "Channel funnel")
    if filters.start:  # the mart is monthly: keep months overlapping the period
        filters = Filters(start=filters.start.replace(day=1), end=filters.end,
                          merchants=filters.merchants, countries=filters.countries,
                          plan_types=filters.plan_types)
    return _filtered(table, filters, "sent_month")


def funnel_steps(filters: Filters, by: str) -> pd.DataFrame:
    """Share of sent contacts reaching each step per channel or template, with Wilson CIs."""
    if by not in ("channel", "template_id", "stage"):
        raise ValueError(by)
    table = _table("mart_channel_funnel", "Channel funnel")
    condition = _funnel_where(filters)
    group = "channel" if by == "channel" else f"channel || ' · ' || coalesce({by}, 'none')"
    return data.query(
        f"""WITH totals AS (
                SELECT {group} AS "group", sum(contacts_sent) AS sent,
                       {', '.join(f'sum({step}) AS {step}' for step in FUNNEL_STEPS)}
                FROM {table} WHERE {condition.sql} AND direction = 'outbound'
                GROUP BY ALL HAVING sum(contacts_sent) > 0
            ),
            steps AS (
                UNPIVOT totals ON {', '.join(FUNNEL_STEPS)} INTO NAME step VALUE reached
            )
            SELECT "group", step, sent, reached, reached / sent AS rate,
                   {_wilson('reached', 'sent')}
            FROM steps
            ORDER BY sent DESC, "group",
                     list_position({list(FUNNEL_STEPS)}, step)""",
        condition.params,
    )


def send_time_conversion(filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Paid-within-N-days rate by channel and weekday (with Wilson CIs), and by channel, hour
    and weekday, from one scan of the funnel mart (grouping sets)."""
    table = _table("mart_channel_funnel", "Channel funnel")
    condition = _funnel_where(filters)
    frame = data.query(
        f"""WITH counts AS (
                SELECT channel, local_weekday, local_send_hour,
                       grouping(local_send_hour) AS by_weekday,
                       sum(contacts_sent) AS sent, sum(paid) AS paid
                FROM {table} WHERE {condition.sql} AND direction = 'outbound'
                GROUP BY GROUPING SETS ((channel, local_weekday),
                                        (channel, local_weekday, local_send_hour))
                HAVING sum(contacts_sent) > 0
            )
            SELECT channel, local_weekday, local_send_hour, by_weekday,
                   {_weekday_name('local_weekday')} AS weekday, sent, paid,
                   paid / sent AS paid_rate, {_wilson('paid', 'sent')}
            FROM counts ORDER BY channel, local_weekday, local_send_hour""",
        condition.params,
    )
    weekly = frame[frame["by_weekday"] == 1].drop(columns=["by_weekday", "local_send_hour"])
    grid = frame[frame["by_weekday"] == 0].drop(columns="by_weekday")
    return weekly.reset_index(drop=True), grid.reset_index(drop=True)


def channels_by_volume(weekly: pd.DataFrame) -> list[str]:
    return weekly.groupby("channel")["sent"].sum().sort_values(ascending=False).index.tolist()


def _weekday_name(column: str) -> str:
    """ISO weekday (1 = Monday) to a short name; 0 is read as Sunday (DuckDB's dayofweek)."""
    return (f"CASE {column} WHEN 1 THEN 'Mon' WHEN 2 THEN 'Tue' WHEN 3 THEN 'Wed' "
            f"WHEN 4 THEN 'Thu' WHEN 5 THEN 'Fri' WHEN 6 THEN 'Sat' ELSE 'Sun' END")


# --- reasons, transcripts, flags (speech marts) -------------------------------------------------

REASON_CODES = ("payday_timing", "income_shock", "forgot_or_unaware", "payment_method_issue",
                "dispute_or_return", "fraud_or_identity", "hardship_life_event",
                "over_indebtedness", "refuses_to_pay", "other")
TRANSCRIPT_LIMIT = 50


def reason_filters_applied(filters: Filters) -> tuple[str, ...]:
    return _filtered(_table("mart_reason_mix", "Reason mix", TRANSCRIBE), filters,
                     "text_month").applied


def reason_trend(filters: Filters) -> pd.DataFrame:
    """Share of each reason among mentions, by month (several reasons per text allowed)."""
    table = _table("mart_reason_mix", "Reason mix", TRANSCRIBE)
    condition = _filtered(table, filters, "text_month")
    return data.query(
        f"""SELECT strftime(text_month, '%Y-%m') AS month, reason, sum(mentions) AS mentions,
                   sum(mentions) / sum(sum(mentions)) OVER (PARTITION BY text_month) AS share
            FROM {table} WHERE {condition.sql}
            GROUP BY text_month, reason ORDER BY month, reason""",
        condition.params,
    )


def voice_reasons(filters: Filters) -> pd.DataFrame:
    table = _table("mart_reason_mix", "Reason mix", TRANSCRIBE)
    condition = _filtered(table, filters, "text_month")
    return data.query(
        f"""SELECT reason, source, sum(mentions) AS texts,
                   sum(confidence_sum) / nullif(sum(mentions), 0) AS mean_confidence
            FROM {table} WHERE {condition.sql}
            GROUP BY ALL ORDER BY texts DESC""",
        condition.params,
    )


def transcripts(search: str, reason: str, filters: Filters) -> pd.DataFrame:
    """Successfully transcribed calls matching a search and reason (most recent first)."""
    table = _table("mart_transcripts", "Call transcripts", TRANSCRIBE)
    condition = _filtered(table, filters, "call_date")
    clauses, params = [condition.sql, "status = 'ok'"], list(condition.params)
    if search.strip():
        clauses.append("text ILIKE ?")
        params.append(f"%{search.strip()}%")
    if reason != "all":
        clauses.append("(top_reason = ? OR reasons LIKE ?)")
        params += [reason, f"%{reason}%"]
    return data.query(
        f"""SELECT call_id, call_date, duration_s, language, top_reason AS reason,
                   top_reason_confidence AS confidence, top_reason_quote AS quote, flags, text,
                   audio_path
            FROM {table} WHERE {' AND '.join(clauses)}
            ORDER BY started_at DESC LIMIT {TRANSCRIPT_LIMIT}""",
        params,
    )


def transcript_counts() -> pd.DataFrame:
    table = _table("mart_transcripts", "Call transcripts", TRANSCRIBE)
    return data.query(f"SELECT coalesce(status, 'not transcribed') AS status, count(*) AS calls "
                      f"FROM {table} GROUP BY ALL ORDER BY calls DESC")


def highlight(text: str | None, quote: str | None) -> str:
    """The transcript as Markdown, with the supporting quote highlighted (and nothing else)."""
    escaped = _escape_markdown(text if isinstance(text, str) else "")
    if isinstance(quote, str) and quote.strip():
        target = _escape_markdown(quote.strip())
        if target and target in escaped:
            return escaped.replace(target, f":orange-background[**{target}**]", 1)
    return escaped


def _escape_markdown(text: str) -> str:
    for char in "\\`*_{}[]<>()#+-.!|$~:":
        text = text.replace(char, "\\" + char)
    return text


def dataset_dir() -> Path:
    """The dataset the warehouse was built from, for the recordings' relative paths."""
    data_dir = build_info().get("data_dir")  # written by `relance build`
    return Path(data_dir) if data_dir else data.warehouse_path().parent / "raw"


def audio_file(audio_path: str | None) -> Path | None:
    """The recording on disk, if it is there (paths are relative to the dataset directory)."""
    if not audio_path:
        return None
    candidate = Path(audio_path)
    if not candidate.is_absolute():
        candidate = dataset_dir() / candidate
    return candidate if candidate.is_file() else None


def themes() -> pd.DataFrame:
    table = _table("mart_themes", "Emerging themes", TRANSCRIBE)
    return data.query(f"SELECT theme_id, top_terms, doc_count, example_quote FROM {table} "
                      "ORDER BY doc_count DESC")


def flag_counts(filters: Filters) -> pd.DataFrame:
    table = _table("mart_text_flags", "Vulnerability and tension flags", TRANSCRIBE)
    condition = _filtered(table, filters, "text_date")
    return data.query(
        f"""SELECT flag, coalesce(detail, 'unspecified') AS detail, source, count(*) AS texts
            FROM {table} WHERE {condition.sql} GROUP BY ALL ORDER BY texts DESC""",
        condition.params,
    )


def flag_examples(filters: Filters, limit: int = 200) -> pd.DataFrame:
    table = _table("mart_text_flags", "Vulnerability and tension flags", TRANSCRIBE)
    condition = _filtered(table, filters, "text_date")
    return data.query(
        f"""SELECT text_date, flag, detail, source, source_id, customer_id, merchant_id, quote
            FROM {table} WHERE {condition.sql} ORDER BY text_date DESC LIMIT {int(limit)}""",
        condition.params,
    )


# --- compliance ---------------------------------------------------------------------------------


def compliance_filters_applied(filters: Filters) -> tuple[str, ...]:
    return _filtered(_table("mart_contact_compliance", "Contact compliance"), filters,
                     "contact_date").applied


def compliance_summary(filters: Filters) -> pd.DataFrame:
    """Breaches by country and team type over the period."""
    table = _table("mart_contact_compliance", "Contact compliance")
    customers = _table("mart_contact_compliance_customers", "Compliance drill-down")
    condition = _filtered(table, filters, "contact_date")
    people = _filtered(customers, filters, "contact_date")
    return data.query(
        f"""WITH contacts AS (
                SELECT country, coalesce(team_type, 'unassigned') AS team_type,
                       sum(contacts) AS contacts, sum(calls) AS calls,
                       sum(out_of_hours_contacts) AS out_of_hours_contacts,
                       sum(calls_over_cap) AS calls_over_cap,
                       sum(calls_within_7d_after_rpc) AS calls_after_conversation,
                       any_value(max_calls_per_7d) AS call_cap,
                       any_value(earliest_local_hour) AS earliest_hour,
                       any_value(latest_local_hour) AS latest_hour
                FROM {table} WHERE {condition.sql} GROUP BY ALL
            ),
            over_cap AS (
                SELECT country, count(DISTINCT customer_id) AS over_cap_customers
                FROM {customers} WHERE {people.sql} AND calls_over_cap > 0 GROUP BY ALL
            )
            SELECT c.*, c.out_of_hours_contacts / nullif(c.contacts, 0) AS out_of_hours_share,
                   coalesce(o.over_cap_customers, 0) AS over_cap_customers_in_country
            FROM contacts c LEFT JOIN over_cap o USING (country)
            ORDER BY country, team_type""",
        [*condition.params, *people.params],
    )


def compliance_totals(summary: pd.DataFrame) -> dict[str, float]:
    """Headline counts over the rows shown (customers over the cap counted once per country)."""
    contacts = float(summary["contacts"].sum())
    return {
        "over_cap_customers": int(summary.groupby("country")["over_cap_customers_in_country"]
                                  .first().sum()),
        "calls_after_conversation": int(summary["calls_after_conversation"].sum()),
        "out_of_hours_contacts": int(summary["out_of_hours_contacts"].sum()),
        "out_of_hours_share": summary["out_of_hours_contacts"].sum() / contacts if contacts
        else 0.0,
    }


def compliance_customers(filters: Filters, country: str, team_type: str,
                         limit: int = 500) -> pd.DataFrame:
    """Pseudonymous customers with breaches in a country (and team type), worst first."""
    table = _table("mart_contact_compliance_customers", "Compliance drill-down")
    condition = _filtered(table, filters, "contact_date")
    clauses, params = [condition.sql, "country = ?"], [*condition.params, country]
    if team_type != "all":
        clauses.append("team_types LIKE ?")
        params.append(f"%{team_type}%")
    return data.query(
        f"""SELECT customer_id, count(*) AS days_with_breach,
                   sum(calls_over_cap) AS calls_over_cap,
                   sum(calls_within_7d_after_rpc) AS calls_after_conversation,
                   sum(out_of_hours_contacts) AS out_of_hours_contacts,
                   max(max_calls_rolling_7d) AS max_calls_in_7_days,
                   any_value(max_calls_per_7d) AS call_cap,
                   string_agg(DISTINCT team_types, ',') AS team_types,
                   min(contact_date) AS first_breach, max(contact_date) AS last_breach
            FROM {table} WHERE {' AND '.join(clauses)}
            GROUP BY customer_id
            ORDER BY sum(calls_over_cap) + sum(calls_within_7d_after_rpc)
                     + sum(out_of_hours_contacts) DESC, customer_id
            LIMIT {int(limit)}""",
        params,
    )


# --- segments: productivity ---------------------------------------------------------------------


def team_filters_applied(filters: Filters) -> tuple[str, ...]:
    return _filtered(_table("fct_collection_cases", "Collection cases"), filters,
                     "opened_date").applied


def team_productivity(filters: Filters) -> pd.DataFrame:
    """Per handling team: cases, right-party conversations, recovery, cost per euro recovered.

    Aggregated from the case mart (cases carry the team that held them); the contact-level
    table is too large to scan at page load.
    """
    table = _table("fct_collection_cases", "Collection cases")
    condition = _filtered(table, filters, "opened_date")
    return data.query(
        f"""SELECT coalesce(team_id, 'unassigned') AS team_id,
                   coalesce(team_type, 'unassigned') AS team_type, count(*) AS cases,
                   sum(contacts) AS contacts, sum(right_party_contacts) AS right_party_contacts,
                   sum(right_party_contacts) / nullif(sum(contacts), 0) AS right_party_share,
                   count(*) FILTER (WHERE outcome = 'cured') AS cured_cases,
                   sum(recovered_amount) AS recovered_amount,
                   sum(recovered_amount) / nullif(sum(overdue_amount), 0) AS recovery_rate,
                   sum(collection_cost) / nullif(sum(recovered_amount), 0) AS cost_to_collect
            FROM {table} WHERE {condition.sql}
            GROUP BY ALL ORDER BY recovered_amount DESC""",
        condition.params,
    )


def _agent_where(filters: Filters) -> Where:
    table = _table("mart_agent_productivity", "Agent productivity")
    if filters.start:  # the mart is monthly: keep months overlapping the period
        filters = Filters(start=filters.start.replace(day=1), end=filters.end,
                          merchants=filters.merchants, countries=filters.countries,
                          plan_types=filters.plan_types)
    return _filtered(table, filters, "sent_month")


def agent_filters_applied(filters: Filters) -> tuple[str, ...]:
    return _agent_where(filters).applied


def agent_productivity(filters: Filters) -> pd.DataFrame:
    """Per agent: contacts, right-party conversations, promises and payments that followed, cost.

    From the monthly agent mart, so it runs at page load however many contacts there are.
    """
    table = _table("mart_agent_productivity", "Agent productivity")
    condition = _agent_where(filters)
    return data.query(
        f"""SELECT agent_id, any_value(team_id) AS team_id, any_value(team_type) AS team_type,
                   sum(contacts) AS contacts, sum(calls) AS calls,
                   sum(right_party_contacts) AS right_party_contacts,
                   sum(promised) AS promises, sum(paid) AS paid_within_n_days,
                   sum(paid)::DOUBLE / nullif(sum(contacts), 0) AS paid_per_contact,
                   sum(paid_amount) AS paid_amount_within_n_days, sum(cost) AS cost
            FROM {table} WHERE {condition.sql}
            GROUP BY agent_id ORDER BY paid_amount_within_n_days DESC NULLS LAST, agent_id""",
        condition.params,
    )


def propensity_quality() -> pd.DataFrame:
    if not data.has_table("insights.propensity_model"):
        return pd.DataFrame()
    return data.query(f"SELECT * FROM {_table('insights.propensity_model')}")
