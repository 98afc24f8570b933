"""Root causes beyond timing: anomalous merchants, payment-method failure waves, reason mix.

Peers differ for ordinary reasons (sector, ticket size), so a merchant is compared to the spread
of its peers, not only to their pooled rate: the between-merchant variance is estimated robustly
(median / MAD of log-odds) and added to each merchant's sampling variance. Likewise a month is
compared to the other months of the same payment method and reason with an overdispersion factor
estimated from those months. Both keep ordinary variation from being reported as a finding.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from analysis.db import Filters, MissingInput, columns, find_table, read, require, where
from analysis.recovery import months_between
from analysis.stats import Z95, bh, wilson

MIN_MERCHANT_BASE = 100
MIN_MONTH_ATTEMPTS = 200
FAILURE_REASONS = ("insufficient_funds", "card_expired", "card_declined", "authentication_failed",
                   "technical_error", "account_closed", "mandate_revoked", "disputed")


def peer_test(events: np.ndarray, base: np.ndarray) -> pd.DataFrame:
    """Each unit's rate against its peers' distribution: z on log-odds with robust heterogeneity.

    Returns rate, peer_rate (pooled others), z, two-sided p_value. Units are assumed a minority
    of outliers among comparable peers (the median and MAD ignore a few extreme ones).
    """
    k = np.asarray(events, dtype=float)
    n = np.asarray(base, dtype=float)
    rate = k / n
    peer_rate = (k.sum() - k) / (n.sum() - n)
    adj = (k + 0.5) / (n + 1.0)                     # keeps log-odds finite at 0 or n events
    theta = np.log(adj / (1 - adj))
    variance = 1 / (k + 0.5) + 1 / (n - k + 0.5)
    centre = np.median(theta)
    mad = 1.4826 * np.median(np.abs(theta - centre))
    tau2 = max(0.0, mad**2 - np.median(variance))
    z = (theta - centre) / np.sqrt(variance + tau2)
    return pd.DataFrame({"rate": rate, "peer_rate": peer_rate, "z": z,
                         "p_value": 2 * stats.norm.sf(np.abs(z))})


def _dispute_counts(con: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[pd.DataFrame, str]:
    """Per merchant: texts or failures saying dispute_or_return, their base, and the source."""
    reasons = find_table(con, "mart_default_reasons")
    if reasons is not None:
        clause, params = where(filters, columns(con, "mart_default_reasons"), "text_date")
        frame = con.execute(
            f"""select merchant_id, count(distinct source || source_id) filter (
                    where reason = 'dispute_or_return') as events,
                    count(distinct source || source_id) as base
                from {reasons} {clause} group by merchant_id having merchant_id is not null
                order by merchant_id""",
            params).df()
        if frame["base"].sum() >= 200:
            return frame, "mined reasons (calls and comments)"
    feedback = find_table(con, "stg_feedback")
    plans = find_table(con, "stg_plans")
    if feedback is not None and plans is not None and "reason_code" in columns(con, "stg_feedback"):
        frame = con.execute(
            f"""select p.merchant_id, count(*) filter (where f.reason_code = 'dispute_or_return')
                    as events, count(*) as base
                from {feedback} f join {plans} p using (plan_id)
                where f.reason_code is not null group by p.merchant_id
                order by p.merchant_id""").df()
        if filters.merchant_id is not None:
            frame = frame[frame["merchant_id"] == filters.merchant_id]
        if frame["base"].sum() >= 200:
            return frame, "customer-picked feedback reasons"
    failures = require(con, "mart_payment_failures", ["merchant_id", "failed_disputed",
                                                       "failed_first_attempts"])
    clause, params = where(filters, columns(con, "mart_payment_failures"), "due_month")
    frame = con.execute(
        f"""select merchant_id, sum(failed_disputed) as events, sum(failed_first_attempts) as base
            from {failures} {clause} group by merchant_id order by merchant_id""", params).df()
    return frame, "first-debit failures for reason disputed"


def merchant_anomalies(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Merchants whose default rate or dispute_or_return share stands out from their peers."""
    table = require(con, "fct_installments", ["merchant_id", "is_due", "was_delinquent",
                                              "overdue_amount", "due_date"])
    clause, params = where(Filters(country=filters.country, plan_type=filters.plan_type,
                                   date_from=filters.date_from, date_to=filters.date_to),
                           columns(con, "fct_installments"), "due_date")
    clause = f"{clause} and (is_due)" if clause else "where is_due"
    # Counted in DuckDB: one row per merchant reaches pandas, not every installment due.
    per_merchant = con.execute(
        f"""select merchant_id, count(*) as base,
                   cast(coalesce(sum(cast(was_delinquent as integer)), 0) as bigint) as events,
                   coalesce(sum(overdue_amount), 0) as overdue,
                   min(due_date) as first_due, max(due_date) as last_due
            from {table} {clause} group by merchant_id""", params).df()
    if per_merchant.empty:
        raise MissingInput("no installments due")
    months = months_between(pd.to_datetime(per_merchant["first_due"]).min().date(),
                            pd.to_datetime(per_merchant["last_due"]).max().date())
    per_merchant = (per_merchant.dropna(subset=["merchant_id"]).sort_values("merchant_id")
                    .set_index("merchant_id")[["base", "events", "overdue"]])
    per_merchant["amount_per_default"] = (per_merchant["overdue"]
                                          / per_merchant["events"].clip(lower=1))
    frames = []
    default = per_merchant[per_merchant["base"] >= MIN_MERCHANT_BASE].reset_index()
    if len(default) >= 5:
        tested = pd.concat([default, peer_test(default["events"], default["base"])], axis=1)
        tested["metric"] = "default_rate"
        tested["source"] = "installments due"
        tested["excess_defaults"] = tested["events"] - tested["base"] * tested["peer_rate"]
        frames.append(tested)
    plans = con.execute(
        # plans with an installment due, and those among them with a first debit disputed
        # (grouped per plan first: cheaper in DuckDB than two count(distinct ...))
        f"""select merchant_id, count(plan_id) filter (where disputed) as events,
                   count(plan_id) as base
            from (select merchant_id, plan_id,
                         bool_or(first_attempt_failure_reason = 'disputed') as disputed
                  from {require(con, 'fct_installments',
                                ['plan_id', 'first_attempt_failure_reason'])}
                  {where(Filters(country=filters.country, plan_type=filters.plan_type,
                                 date_from=filters.date_from, date_to=filters.date_to),
                         columns(con, "fct_installments"), "due_date")[0] or "where true"}
                    and is_due group by merchant_id, plan_id)
            group by merchant_id order by merchant_id""",
        where(Filters(country=filters.country, plan_type=filters.plan_type,
                      date_from=filters.date_from, date_to=filters.date_to),
              columns(con, "fct_installments"), "due_date")[1]).df()
    plans = plans[plans["base"] >= MIN_MERCHANT_BASE].reset_index(drop=True)
    if len(plans) >= 5 and plans["events"].sum() > 0:
        tested = pd.concat([plans, peer_test(plans["events"], plans["base"])], axis=1)
        tested["metric"] = "disputed_plan_share"
        tested["source"] = "plans with a first debit failed for reason disputed"
        defaults = tested["merchant_id"].map(per_merchant["events"]).fillna(0)
        excess_plans = tested["events"] - tested["base"] * tested["peer_rate"]
        # A disputed plan defaults on its remaining installments: count them as excess defaults.
        per_plan = defaults / tested["events"].clip(lower=1)
        tested["excess_defaults"] = excess_plans * per_plan.clip(upper=4)
        frames.append(tested)
    disputes, source = _dispute_counts(con, Filters(country=filters.country,
                                                    plan_type=filters.plan_type,
                                                    date_from=filters.date_from,
                                                    date_to=filters.date_to))
    disputes = disputes[disputes["base"] >= 30].reset_index(drop=True)
    if len(disputes) >= 5:
        tested = pd.concat([disputes, peer_test(disputes["events"], disputes["base"])], axis=1)
        tested["metric"] = "dispute_share"
        tested["source"] = source
        defaults = tested["merchant_id"].map(per_merchant["events"]).fillna(0)
        # Defaults that a peer-level dispute share would not have produced.
        tested["excess_defaults"] = defaults * (tested["rate"] - tested["peer_rate"])
        frames.append(tested)
    if not frames:
        raise MissingInput("fewer than 5 merchants with enough data to compare")
    out = pd.concat(frames, ignore_index=True)
    low, high = wilson(out["events"], out["base"])
    out["rate_ratio"] = out["rate"] / out["peer_rate"]
    out["ci_low"], out["ci_high"] = low / out["peer_rate"], high / out["peer_rate"]
    out["q_value"] = bh(out["p_value"])
    out["significant"] = out["q_value"] < 0.05
    out["excess_events_month"] = out["excess_defaults"] / months
    out["money_at_stake_month"] = (out["excess_events_month"]
                                   * out["merchant_id"].map(per_merchant["amount_per_default"]))
    if filters.merchant_id is not None:
        out = out[out["merchant_id"] == filters.merchant_id]
    return out[["merchant_id", "metric", "source", "events", "base", "rate", "peer_rate",
                "rate_ratio", "ci_low", "ci_high", "z", "p_value", "q_value", "significant",
                "excess_events_month", "money_at_stake_month"]].reset_index(drop=True)


def failure_waves(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Months where a payment method's failures for one reason exceed that method's other months."""
    reasons = [r for r in FAILURE_REASONS if f"failed_{r}" in columns(con, "mart_payment_failures")]
    failures = read(con, "mart_payment_failures",
                    ["due_month", "payment_method", "first_attempts", "first_attempt_amount",
                     *[f"failed_{r}" for r in reasons]], filters, "due_month")
    monthly = failures.groupby(["payment_method", "due_month"]).sum(numeric_only=True).reset_index()
    monthly = monthly[monthly["first_attempts"] >= MIN_MONTH_ATTEMPTS]
    rows = []
    for (method, reason), group in (
        monthly.melt(id_vars=["payment_method", "due_month", "first_attempts",
                              "first_attempt_amount"],
                     value_vars=[f"failed_{r}" for r in reasons], var_name="reason",
                     value_name="failures")
        .assign(reason=lambda f: f["reason"].str.removeprefix("failed_"))
        .groupby(["payment_method", "reason"])
    ):
        if len(group) < 4 or group["failures"].sum() < 10:
            continue
        n = group["first_attempts"].to_numpy(float)
        k = group["failures"].to_numpy(float)
        for i in range(len(group)):
            others = np.arange(len(group)) != i
            p0 = k[others].sum() / n[others].sum()
            expected_others = n[others] * p0
            pearson = ((k[others] - expected_others) ** 2 / np.maximum(
                expected_others * (1 - p0), 1e-9)).sum()
            phi = max(1.0, pearson / max(others.sum() - 1, 1))
            expected = n[i] * p0
            sd = np.sqrt(phi * max(expected * (1 - p0), 1e-9))
            z = (k[i] - expected) / sd
            ratio = (k[i] / n[i]) / p0 if p0 > 0 else np.nan
            se_log = np.sqrt(phi / max(k[i], 0.5) + phi / max(k[others].sum(), 0.5))
            mean_amount = group["first_attempt_amount"].iloc[i] / n[i]
            rows.append({
                "payment_method": method, "failure_reason": reason,
                "month": group["due_month"].iloc[i], "attempts": int(n[i]), "failures": int(k[i]),
                "rate": k[i] / n[i], "baseline_rate": p0, "rate_ratio": ratio,
                "ci_low": ratio * np.exp(-Z95 * se_log), "ci_high": ratio * np.exp(Z95 * se_log),
                "dispersion": phi, "p_value": float(stats.norm.sf(z)),
                "excess_failures": k[i] - expected,
                "excess_amount": (k[i] - expected) * mean_amount,
            })
    out = pd.DataFrame(rows)
    if out.empty:
        raise MissingInput("fewer than four months of first debits per payment method")
    out["q_value"] = bh(out["p_value"])
    out["significant"] = out["q_value"] < 0.05
    return out


def reason_mix(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Share of each default reason by scope, from mined texts, else customer-picked reasons."""
    table = find_table(con, "mart_reason_mix")
    frame = pd.DataFrame()
    if table is not None:
        frame = read(con, "mart_reason_mix",
                     ["merchant_id", "country", "plan_type", "reason", "mentions", "text_month"],
                     filters, "text_month")
        frame["source"] = "mined reasons (calls and comments)"
    if frame.empty and find_table(con, "stg_feedback") is not None and find_table(con, "stg_plans"):
        frame = con.execute(
            f"""select p.merchant_id, c.country, p.plan_type, f.reason_code as reason,
                       count(*) as mentions
                from {find_table(con, 'stg_feedback')} f
                join {find_table(con, 'stg_plans')} p using (plan_id)
                left join {find_table(con, 'dim_customers')} c on c.customer_id = f.customer_id
                where f.reason_code is not null group by all""").df()
        for key, value in (("merchant_id", filters.merchant_id), ("country", filters.country),
                           ("plan_type", filters.plan_type)):
            if value is not None:
                frame = frame[frame[key] == value]
        frame["source"] = "customer-picked feedback reasons"
    if frame.empty:
        raise MissingInput("no default reasons in the warehouse (run relance transcribe)")
    frames = []
    frame["portfolio"] = "portfolio"
    for scope_type in ("portfolio", "merchant_id", "plan_type", "country"):
        counts = (frame.groupby([scope_type, "reason"])["mentions"].sum().rename("texts")
                  .reset_index())
        totals = counts.groupby(scope_type)["texts"].transform("sum")
        counts["share"] = counts["texts"] / totals
        counts["ci_low"], counts["ci_high"] = wilson(counts["texts"], totals)
        counts["total"] = totals
        counts = counts.rename(columns={scope_type: "scope"})
        counts["scope_type"] = scope_type
        frames.append(counts)
    out = pd.concat(frames, ignore_index=True)
    out["source"] = frame["source"].iloc[0]
    out["scope"] = out["scope"].astype(str)
    return out[["scope_type", "scope", "reason", "texts", "total", "share", "ci_low", "ci_high",
                "source"]]


