"""Debit-date misalignment: when does each customer's money arrive, and what do early debits cost?

Method (general, no assumption about which paydays exist):
1. Funding signals: a failed attempt for insufficient funds followed by a successful retry,
   customer-initiated or agent-assisted payment on the same installment means money arrived in
   between. Each such interval votes for every day of month it covers, weighted 1/length, so short
   intervals (precise) count most. A date that is the last day of its month also votes for the
   later day numbers (a pay day "on the 31st" lands on the 30th in April).
2. The funding day is the day of month with the most votes (ties go to the middle of a plateau).
3. Each first scheduled debit is classified by the days until the next funding day; to avoid
   circularity, an installment that produced a signal is classified with the funding day inferred
   from the customer's *other* signals (leave-one-out).
4. A logistic regression of first-attempt failure on before/after with controls (plan type,
   payment method, log amount, sequence), cluster-robust by customer, gives the odds ratio; the
   counterfactual moves every "before" debit to just after the funding day.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from analysis.db import Filters, MissingInput, columns, require, where
from analysis.recovery import months_between
from analysis.stats import coefficient_draws, design, expit, logit, odds_ratio, wilson

MAX_SIGNAL_DAYS = 10      # longer failure-to-success gaps say little about the pay day
SELF_PAYMENT_LAG = 2      # customers short of money pay within this many days of its arrival
BEFORE_WINDOW = 15        # a debit 1..15 days before the next funding day is "before" it
MODEL_SAMPLE = 400_000    # installments used to fit the regression (sampled by customer)
DRAW_SAMPLE = 50_000      # before-debits used to propagate coefficient uncertainty
DRAWS = 500
MIN_MERCHANT_BEFORE = 50  # per-merchant rows need this many misaligned debits
DAYS = 31


def funding_votes(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Votes (customer_id, plan_id, installment_id, day 1..31, weight) from every signal."""
    table = require(con, "fct_payment_attempts",
                    ["installment_id", "plan_id", "customer_id", "attempted_at", "kind",
                     "status", "failure_reason"])
    clause, params = where(filters, columns(con, "fct_payment_attempts"), "attempted_at")
    return con.execute(
        f"""
        with candidates as (
            select * from {table} {clause}
        ), rescued as (
            select installment_id from candidates
            where status = 'failed' and failure_reason = 'insufficient_funds'
            group by installment_id
        ), ordered as (
            select a.customer_id, a.plan_id, a.installment_id, a.kind, a.status,
                   cast(a.attempted_at as date) as day,
                   lag(a.status) over w as previous_status,
                   lag(a.failure_reason) over w as previous_reason,
                   lag(cast(a.attempted_at as date)) over w as previous_day
            from candidates a semi join rescued r on a.installment_id = r.installment_id
            window w as (partition by a.installment_id order by a.attempted_at, a.attempt_id)
        ), signals as (
            -- a retry that succeeds after an insufficient-funds failure: money arrived in
            -- between; a payment the customer makes after one: money arrived in the days before.
            select customer_id, plan_id, installment_id,
                   case when kind = 'retry' then previous_day + 1
                        else day - {SELF_PAYMENT_LAG} end as first_day,
                   day as last_day
            from ordered
            where status = 'succeeded' and previous_status = 'failed'
              and (kind in ('customer_initiated', 'agent_assisted')
                   or (kind = 'retry' and previous_reason = 'insufficient_funds'
                       and datediff('day', previous_day, day) between 1 and {MAX_SIGNAL_DAYS}))
        ), covered as (
            select customer_id, plan_id, installment_id,
                   datediff('day', first_day, last_day) + 1 as length,
                   cast(unnest(generate_series(first_day, last_day, interval 1 day)) as date) as d
            from signals
        ), days as (
            select customer_id, plan_id, installment_id, 1.0 / length as weight,
                   day(d) as dom, day(last_day(d)) as month_days
            from covered
        )
        select customer_id, plan_id, installment_id, c.day, sum(weight) as weight
        from days, (select unnest(range(1, 32)) as day) c
        where c.day = dom or (dom = month_days and c.day > dom)
        group by all
        """,
        params,
    ).df()


def _mode_day(votes: np.ndarray) -> np.ndarray:
    """Day (1..31) with the most votes per row; a plateau resolves to its middle."""
    smoothed = votes + 1e-3 * (np.roll(votes, 1, axis=1) + np.roll(votes, -1, axis=1))
    return smoothed.argmax(axis=1) + 1


def infer_funding_days(votes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-customer funding day, and per-installment leave-one-out funding day.

    Returns (customers: customer_id, funding_day, signals, support) and
    (loo: plan_id, loo_funding_day) for plans that produced a signal: the funding day from the
    customer's signals on *other* plans. A plan's installments share a day of month, so a
    signal from one of them would tie the funding day to that plan's own debit day; NaN means
    the customer has no signal on another plan.
    """
    if votes.empty:
        empty = pd.DataFrame(columns=["customer_id", "funding_day", "signals", "support"])
        return empty, pd.DataFrame(columns=["plan_id", "loo_funding_day"])
    customer_codes, customers = pd.factorize(votes["customer_id"])
    matrix = np.zeros((len(customers), DAYS))
    np.add.at(matrix, (customer_codes, votes["day"].to_numpy() - 1), votes["weight"].to_numpy())
    funding = _mode_day(matrix)
    around = np.stack([(funding - 1 + k) % DAYS for k in (-1, 0, 1)], axis=1)
    support = np.take_along_axis(matrix, around, axis=1).sum(axis=1) / matrix.sum(axis=1)
    signals = votes.groupby("customer_id")["installment_id"].nunique()  # one signal per rescue
    table = pd.DataFrame({"customer_id": customers, "funding_day": funding, "support": support})
    table["signals"] = table["customer_id"].map(signals).astype(int)

    plan_codes, plans = pd.factorize(votes["plan_id"])
    own = np.zeros((len(plans), DAYS))
    np.add.at(own, (plan_codes, votes["day"].to_numpy() - 1), votes["weight"].to_numpy())
    owner = np.zeros(len(plans), dtype=int)
    owner[plan_codes] = customer_codes
    rest = matrix[owner] - own
    has_rest = rest.max(axis=1) > 1e-9
    loo = np.where(has_rest, _mode_day(np.clip(rest, 0, None)), np.nan)
    return table, pd.DataFrame({"plan_id": plans, "loo_funding_day": loo})


def days_before_funding(due: pd.Series, funding_day: pd.Series) -> np.ndarray:
    """Days from each debit date to the next occurrence of the funding day (0 = same day)."""
    due = pd.to_datetime(due)
    c = funding_day.to_numpy(dtype=float)
    dom = due.dt.day.to_numpy()
    month_days = due.dt.days_in_month.to_numpy()
    next_month_days = (due + pd.offsets.MonthBegin(1)).dt.days_in_month.to_numpy()
    this_month = np.minimum(c, month_days)
    return np.where(dom <= this_month, this_month - dom,
                    month_days - dom + np.minimum(c, next_month_days))


def recommended_debit_day(funding_day: np.ndarray) -> np.ndarray:
    """The day after the funding day, kept within 1..28 so it exists in every month."""
    following = np.asarray(funding_day, dtype=int) + 1
    return np.where(following > 28, 1, following)


def _installments(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    needed = ["installment_id", "plan_id", "customer_id", "merchant_id", "plan_type",
              "payment_method",
              "sequence", "due_date", "amount", "first_attempt_status"]
    table = require(con, "fct_installments", needed)
    clause, params = where(filters, columns(con, "fct_installments"), "due_date")
    extra = "first_attempt_status is not null"
    clause = f"{clause} and {extra}" if clause else f"where {extra}"
    return con.execute(f"select {', '.join(needed)} from {table} {clause}", params).df()


def debit_timing(
    con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date
) -> dict[str, pd.DataFrame]:
    """Funding days, failure rate by days-to-funding, the timing effect and its counterfactual."""
    votes = funding_votes(con, filters)
    customers, loo = infer_funding_days(votes)
    if len(customers) < 20:
        raise MissingInput(f"only {len(customers)} customers with a funding signal")
    installments = _installments(con, filters)
    installments["failed"] = (installments["first_attempt_status"] == "failed").astype(int)
    total_failures = int(installments["failed"].sum())
    months = months_between(pd.to_datetime(installments["due_date"]).min().date(),
                            pd.to_datetime(installments["due_date"]).max().date())
    data = installments.merge(customers[["customer_id", "funding_day"]], on="customer_id")
    data = data.merge(loo, on="plan_id", how="left")
    own_signal = data["plan_id"].isin(set(loo["plan_id"]))
    data["classify_day"] = np.where(own_signal, data["loo_funding_day"], data["funding_day"])
    data = data.dropna(subset=["classify_day"])
    data["days_before_funding"] = days_before_funding(
        data["due_date"], data["classify_day"]).astype(int)
    data["before"] = data["days_before_funding"].between(1, BEFORE_WINDOW).astype(int)

    curve = data.groupby("days_before_funding")["failed"].agg(installments="size", failed="sum")
    curve["failure_rate"] = curve["failed"] / curve["installments"]
    curve["ci_low"], curve["ci_high"] = wilson(curve["failed"], curve["installments"])
    curve = curve.reset_index()

    model_rows = data
    if len(data) > MODEL_SAMPLE:
        keep = data["customer_id"].drop_duplicates().sample(frac=MODEL_SAMPLE / len(data),
                                                           random_state=3)
        model_rows = data[data["customer_id"].isin(set(keep))]
    x_fit = _timing_design(model_rows)
    fit = logit(model_rows["failed"], x_fit, groups=model_rows["customer_id"].to_numpy())
    ratio, low, high, p = odds_ratio(fit, "before")

    before = data[data["before"] == 1].copy()
    x_before = _timing_design(before, x_fit.columns)
    beta = np.asarray(fit.params)
    delta = _delta_p(x_before, beta)
    before["delta"] = delta
    rng = np.random.default_rng(5)
    draws = coefficient_draws(fit, DRAWS, rng)
    sub = before.sample(min(len(before), DRAW_SAMPLE), random_state=1)
    x_sub = _timing_design(sub, x_fit.columns)
    sub_delta_draws = _delta_p(x_sub, draws)                     # rows x draws
    sub_point = _delta_p(x_sub, beta)

    def scaled(point_total: float, mask: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
        base = float((sub_point[mask] * weights[mask]).sum())
        if base == 0 or not mask.any():
            return np.nan, np.nan
        ratio_draws = (sub_delta_draws[mask] * weights[mask, None]).sum(axis=0) / base
        return (point_total * float(np.quantile(ratio_draws, 0.025)),
                point_total * float(np.quantile(ratio_draws, 0.975)))

    ones = np.ones(len(sub))
    amounts = sub["amount"].to_numpy(dtype=float)
    everyone = np.ones(len(sub), dtype=bool)
    rows = []
    scopes: list[tuple[str, str | None, pd.DataFrame, np.ndarray, int]] = [
        ("portfolio", None, before, everyone, total_failures)]
    failures_by_merchant = installments.groupby("merchant_id")["failed"].sum()
    for merchant, group in before.groupby("merchant_id"):
        if len(group) >= MIN_MERCHANT_BEFORE:
            scopes.append((str(merchant), str(merchant), group,
                           (sub["merchant_id"] == merchant).to_numpy(),
                           int(failures_by_merchant.get(merchant, 0))))
    for scope, merchant, group, mask, failures in scopes:
        in_scope = data if merchant is None else data[data["merchant_id"] == merchant]
        avoided = float(group["delta"].sum())
        secured = float((group["delta"] * group["amount"]).sum())
        f_low, f_high = scaled(avoided, mask, ones)
        a_low, a_high = scaled(secured, mask, amounts)
        after = in_scope[in_scope["before"] == 0]
        rows.append({
            "scope": scope, "merchant_id": merchant,
            "installments_before": len(group), "installments_after": len(after),
            "failure_rate_before": float(group["failed"].mean()),
            "failure_rate_after": float(after["failed"].mean()) if len(after) else np.nan,
            "odds_ratio": ratio, "ci_low": low, "ci_high": high, "p_value": p,
            "attributable_failures": avoided, "total_failures": failures,
            "attributable_share": avoided / failures if failures else np.nan,
            "share_ci_low": f_low / failures if failures else np.nan,
            "share_ci_high": f_high / failures if failures else np.nan,
            "failures_avoided_month": avoided / months,
            "failures_ci_low": f_low / months, "failures_ci_high": f_high / months,
            "amount_secured_month": secured / months,
            "amount_ci_low": a_low / months, "amount_ci_high": a_high / months,
            "customers_to_move": int(group["customer_id"].nunique()),
        })

    per_customer = _customer_table(data, customers)
    return {
        "funding_days": per_customer,
        "debit_timing_failure": curve,
        "debit_timing_effect": pd.DataFrame(rows),
    }


def _timing_design(frame: pd.DataFrame, columns_like: pd.Index | None = None) -> pd.DataFrame:
    frame = frame.assign(log_amount=np.log1p(frame["amount"].astype(float)),
                         sequence_capped=frame["sequence"].clip(upper=4).astype(str))
    x = design(frame, ["plan_type", "payment_method", "sequence_capped"], ["log_amount"])
    x["before"] = frame["before"].astype(float).to_numpy()
    if columns_like is not None:
        x = x.reindex(columns=columns_like, fill_value=0.0)
    return x


def _delta_p(x: pd.DataFrame, betas: np.ndarray) -> np.ndarray:
    """p(failure | debit before funding) - p(failure | debit after), per row (x draws)."""
    matrix = x.to_numpy(dtype=float)
    col = list(x.columns).index("before")
    with_before, without = matrix.copy(), matrix.copy()
    with_before[:, col], without[:, col] = 1.0, 0.0
    betas = np.atleast_2d(betas)
    result = expit(with_before @ betas.T) - expit(without @ betas.T)
    return result[:, 0] if betas.shape[0] == 1 else result


def _customer_table(data: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """One row per customer with a funding day: where they are debited and where they should be."""
    data = data.assign(due_day=pd.to_datetime(data["due_date"]).dt.day)
    grouped = data.groupby("customer_id")
    summary = pd.DataFrame({
        "merchant_id": _mode(data, "merchant_id"),
        "typical_debit_day": _mode(data, "due_day"),
        "days_before_funding": grouped["days_before_funding"].median(),
        "misaligned": grouped["before"].mean() > 0.5,
    }).rename_axis("customer_id").reset_index()
    out = customers.merge(summary, on="customer_id", how="left")
    out["recommended_debit_day"] = recommended_debit_day(out["funding_day"].to_numpy())
    return out[["customer_id", "merchant_id", "funding_day", "signals", "support",
                "typical_debit_day", "days_before_funding", "misaligned", "recommended_debit_day"]]


def _mode(data: pd.DataFrame, column: str) -> pd.Series:
    """Most frequent value of ``column`` per customer (vectorised; ties: smallest value)."""
    counts = data.groupby(["customer_id", column]).size().rename("n").reset_index()
    counts = counts.sort_values(["customer_id", "n", column], ascending=[True, False, True])
    return counts.drop_duplicates("customer_id").set_index("customer_id")[column]
