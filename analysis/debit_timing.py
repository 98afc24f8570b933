"""Debit-date misalignment: when does each customer's money arrive, and what do early debits cost?

Method (general, no assumption about which paydays exist):
1. Funding observations, on installments that failed for insufficient funds: each later retry
   (succeeded or failed again, with the days since the previous attempt) and each payment the
   customer or an agent made. Each is placed, for every candidate day of month d, at its lag:
   days since the latest day d on or before it (a "31st" is the last day of shorter months).
2. A likelihood per customer and candidate day: a payment's lag follows a distribution h (money
   is paid soon after it arrives); a retry succeeds with probability p_in when a day d fell since
   the previous attempt, p_out otherwise. h, p_in and p_out are learned from the whole portfolio
   by expectation-maximisation (the customers' funding days are the missing data), so nothing
   about how soon people pay, or how retries behave, is assumed.
3. The funding day is the day whose ±1-day neighbourhood holds the most posterior probability.
4. Each first scheduled debit is classified by the days until the next funding day; to avoid
   circularity, a plan that produced observations is classified with the funding day inferred
   from the customer's *other* plans (leave-one-out), so whether a debit is classified never
   depends on its own outcome.
5. The failure rate is modelled day by day: a logistic regression of first-attempt failure on
   one indicator per day 0..14 before the funding day, with controls (plan type, payment method,
   log amount, sequence), the reference being debits further away (just after the previous
   funding day). No window is assumed: a day with no effect contributes zero on average. Each
   debit's attributable excess is p(its day) - p(reference); the share of failures they explain
   within the classified debits is carried over to the scope's failures (the classified debits
   stand for the others). CIs from draws of the cluster-robust coefficients.
6. For the odds ratio and its test, a misalignment window W (1..14 days) is chosen on one half of
   the customers by the likelihood of a step model and tested on the other half.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd
from scipy import sparse

from analysis.db import Filters, MissingInput, columns, require, where
from analysis.recovery import months_between
from analysis.stats import (
    coefficient_draws,
    design,
    expit,
    logit,
    logit_llf,
    odds_ratio,
    split_halves,
    wilson,
)

MAX_SIGNAL_DAYS = 10      # retries longer after the previous attempt say little about the day
HORIZON = 14              # days before the funding day examined one by one: half a month
MODEL_SAMPLE = 400_000    # installments used to fit the regression (sampled by customer)
DRAW_SAMPLE = 50_000      # before-debits used to propagate coefficient uncertainty
DRAWS = 500
MIN_MERCHANT_BEFORE = 50  # per-merchant rows need this many misaligned debits
DAYS = 31
EM_ITERATIONS = 25
# Prior on retries, worth this many observations: one made after a funding day succeeds 80 % of
# the time, one without 10 %. Negligible on a real portfolio (thousands of retries); it keeps a
# small one whose retries all succeed from the flat solution where success says nothing.
RETRY_PRIOR = 200
RETRY_PRIOR_IN, RETRY_PRIOR_OUT = 0.8, 0.1


def funding_signals(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Observations on installments short of money, one row each: ``customer_id, plan_id,
    installment_id, day, kind, success, gap`` (days since the previous attempt). Retries count
    after an insufficient-funds failure; payments (any kind other than a scheduled debit or a
    retry: by the customer, an agent, an agency) after any failure of such an installment."""
    table = require(con, "fct_payment_attempts",
                    ["installment_id", "plan_id", "customer_id", "attempted_at", "kind",
                     "status", "failure_reason"])
    clause, params = where(filters, columns(con, "fct_payment_attempts"), "attempted_at")
    return con.execute(
        f"""
        with candidates as (
            select * from {table} {clause}
        ), short as (
            select installment_id from candidates
            where status = 'failed' and failure_reason = 'insufficient_funds'
            group by installment_id
        ), ordered as (
            select a.customer_id, a.plan_id, a.installment_id, a.kind, a.status,
                   cast(a.attempted_at as date) as day,
                   lag(a.status) over w as previous_status,
                   lag(a.failure_reason) over w as previous_reason,
                   lag(cast(a.attempted_at as date)) over w as previous_day
            from candidates a semi join short s on a.installment_id = s.installment_id
            window w as (partition by a.installment_id order by a.attempted_at, a.attempt_id)
        )
        select customer_id, plan_id, installment_id, day,
               kind,
               status = 'succeeded' as success,
               datediff('day', previous_day, day) as gap
        from ordered
        where previous_status = 'failed'
          and ((kind = 'retry' and previous_reason = 'insufficient_funds'
                and datediff('day', previous_day, day) between 1 and {MAX_SIGNAL_DAYS})
               or (kind not in ('retry', 'scheduled') and status = 'succeeded'))
        order by customer_id, installment_id, day, kind, success, gap
        """,
        params,
    ).df()


def _occurrence(month_start: np.ndarray, month_length: np.ndarray, day: np.ndarray,
                weekend_rule: bool) -> np.ndarray:
    """Date (days since 1970) of day-of-month ``day`` in a month; a day beyond the month's
    length is its last day; with ``weekend_rule`` a Saturday or Sunday moves to the Friday."""
    date_ = month_start + np.minimum(day, month_length) - 1
    if weekend_rule:
        weekday = (date_ + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
        date_ = date_ - np.where(weekday == 5, 1, np.where(weekday == 6, 2, 0))
    return date_


def days_since_funding(days: pd.Series, weekend_rule: bool = False) -> np.ndarray:
    """(rows, 31): days from the latest occurrence of each day of month 1..31 on or before each
    date to that date (0 = that very day). A day beyond a month's length is its last day; with
    ``weekend_rule``, a day falling on a weekend is paid the Friday before (as most payrolls)."""
    x = pd.to_datetime(pd.Series(days)).dt.normalize().reset_index(drop=True)
    day_number = (x - pd.Timestamp("1970-01-01")).dt.days.to_numpy()[:, None]
    start = day_number - (x.dt.day.to_numpy()[:, None] - 1)
    length = x.dt.days_in_month.to_numpy()[:, None]
    previous_length = (x - pd.to_timedelta(x.dt.day, unit="D")).dt.day.to_numpy()[:, None]
    candidate = np.arange(1, DAYS + 1)[None, :]
    next_length = (x + pd.offsets.MonthBegin(1)).dt.days_in_month.to_numpy()[:, None]
    this_month = _occurrence(start, length, candidate, weekend_rule)
    last_month = _occurrence(start - previous_length, previous_length, candidate, weekend_rule)
    # with the weekend rule, next month's 1st can be paid on this month's last Friday
    next_month = _occurrence(start + length, next_length, candidate, weekend_rule)
    latest = np.where(next_month <= day_number, next_month,
                      np.where(this_month <= day_number, this_month, last_month))
    return day_number - latest


def _posterior(score: np.ndarray) -> np.ndarray:
    """Row-wise softmax of log scores, computed in place (``score`` is overwritten): the
    same numbers without allocating three customers x hypotheses temporaries per EM step."""
    score -= score.max(axis=1, keepdims=True)
    np.exp(score, out=score)
    score /= score.sum(axis=1, keepdims=True)
    return score


def _by_day(probability: np.ndarray) -> np.ndarray:
    """Posterior per day of month 1..31, summed over the pay conventions."""
    return probability.reshape(len(probability), -1, DAYS).sum(axis=1)


def _neighbourhood(probability: np.ndarray) -> np.ndarray:
    """Probability that the funding day is within ±1 day of each candidate (circular)."""
    return probability + np.roll(probability, 1, axis=1) + np.roll(probability, -1, axis=1)


def _mode_day(probability: np.ndarray) -> np.ndarray:
    """Day (1..31) whose ±1-day neighbourhood holds the most probability per row; a tie
    resolves to the day with more probability of its own."""
    return (_neighbourhood(probability) + 1e-6 * probability).argmax(axis=1) + 1


class _FundingModel:
    """How funding observations depend on the funding day; parameters learned by EM.

    Hypotheses are (day of month, pay convention): the day as it is, or moved to the Friday
    before when it falls on a weekend. Observations are grouped into types (date, kind,
    outcome, gap), so the work grows with the distinct types, not with the rows.
    """

    def __init__(self, types: pd.DataFrame) -> None:
        self.lags = np.hstack([days_since_funding(types["day"], rule) for rule in (False, True)])
        self.payment = (types["kind"] != "retry").to_numpy()
        # each way of paying has its own lag: an agent's promise for pay day is sharper than
        # a payment prompted by a message
        self.route, routes = pd.factorize(types["kind"].where(self.payment, ""))
        self.routes = len(routes)
        self.success = types["success"].to_numpy(dtype=bool)
        inside = self.lags < types["gap"].to_numpy(dtype=int)[:, None]
        retry = ~self.payment[:, None]
        self.inside, self.outside = inside & retry, ~inside & retry
        # start: money is paid soon after it arrives; retries as the prior says
        self.h = np.tile(np.exp(-np.arange(self.lags.max() + 1) / 3.0), (self.routes, 1))
        self.h /= self.h.sum(axis=1, keepdims=True)
        self.p_in, self.p_out = RETRY_PRIOR_IN, RETRY_PRIOR_OUT

    def log_likelihood(self) -> np.ndarray:
        """Per type and hypothesis: log-likelihood of one observation of that type."""
        hit = self.success[:, None]
        retry = np.where(self.inside, np.where(hit, np.log(self.p_in), np.log1p(-self.p_in)),
                         np.where(hit, np.log(self.p_out), np.log1p(-self.p_out)))
        return np.where(self.payment[:, None], np.log(self.h)[self.route[:, None], self.lags],
                        retry)

    def update(self, weight: np.ndarray) -> None:
        """M step from the posterior weight of each type under each hypothesis."""
        width = self.h.shape[1]
        cell = (self.route[:, None] * width + self.lags)[self.payment]
        h = np.bincount(cell.ravel(), weights=weight[self.payment].ravel(),
                        minlength=self.routes * width).reshape(self.routes, width) + 1.0
        self.h = h / h.sum(axis=1, keepdims=True)
        hit = self.success[:, None]
        self.p_in = (((weight * (self.inside & hit)).sum() + RETRY_PRIOR * RETRY_PRIOR_IN)
                     / ((weight * self.inside).sum() + RETRY_PRIOR))
        self.p_out = (((weight * (self.outside & hit)).sum() + RETRY_PRIOR * RETRY_PRIOR_OUT)
                      / ((weight * self.outside).sum() + RETRY_PRIOR))


def infer_funding_days(signals: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-customer funding day, and per-plan leave-one-out funding day.

    Returns (customers: customer_id, funding_day, signals, support) for customers with at least
    one success after a shortfall (``signals``: the days with one), and (loo: plan_id,
    loo_funding_day): the funding day from the customer's observations on *other* plans (a
    plan's installments share a day of month, so its own observations would tie the funding
    day to that plan's debit day); NaN when the customer has none. ``support`` = posterior
    probability of the funding day ±1 day.
    """
    rescued = signals.loc[signals["success"].astype(bool), ["customer_id", "day"]]
    if rescued.empty:
        return (pd.DataFrame(columns=["customer_id", "funding_day", "signals", "support"]),
                pd.DataFrame(columns=["plan_id", "loo_funding_day"]))
    rescued_customer = (signals["success"].astype(bool)
                        .groupby(signals["customer_id"], sort=False, dropna=False)
                        .transform("any"))
    signals = signals[rescued_customer.to_numpy(dtype=bool)]
    signals = signals.assign(gap=signals["gap"].where(signals["kind"] == "retry", 0).fillna(0)
                             .astype(int), success=signals["success"].astype(bool))
    keys = ["day", "kind", "success", "gap"]
    # observation types numbered in order of first appearance (as pd.factorize would), without
    # building a tuple per row
    type_codes = signals.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    types = signals[keys].drop_duplicates().reset_index(drop=True)
    model = _FundingModel(types)
    customer_codes, customers = pd.factorize(signals["customer_id"])
    counts = sparse.csr_matrix((np.ones(len(signals)), (customer_codes, type_codes)),
                               shape=(len(customers), len(types)))
    for _ in range(EM_ITERATIONS):
        posterior = _posterior(counts @ model.log_likelihood())
        model.update(np.asarray(counts.T @ posterior))
    log_likelihood = model.log_likelihood()
    score = counts @ log_likelihood
    by_day = _by_day(_posterior(score.copy()))
    funding = _mode_day(by_day)
    support = np.take_along_axis(_neighbourhood(by_day), funding[:, None] - 1, axis=1)[:, 0]
    rescues = rescued.groupby("customer_id")["day"].nunique()  # one signal per rescue day
    table = pd.DataFrame({"customer_id": customers, "funding_day": funding, "support": support})
    table["signals"] = table["customer_id"].map(rescues).astype(int)

    plan_codes, plans = pd.factorize(signals["plan_id"])
    own = sparse.csr_matrix((np.ones(len(signals)), (plan_codes, type_codes)),
                            shape=(len(plans), len(types)))
    owner = np.zeros(len(plans), dtype=int)
    owner[plan_codes] = customer_codes
    has_rest = (np.bincount(customer_codes, minlength=len(customers))[owner]
                > np.bincount(plan_codes, minlength=len(plans)))
    rest = _by_day(_posterior(score[owner] - own @ log_likelihood))
    loo = np.where(has_rest, _mode_day(rest), np.nan)
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


def _classified_installments(
    con: duckdb.DuckDBPyConnection, filters: Filters, customers: pd.DataFrame, loo: pd.DataFrame
) -> tuple[pd.DataFrame, int, float, pd.Series]:
    """First scheduled debits that can be classified against a funding day, and the totals.

    Returns (data, failed first attempts, months spanned, failed first attempts per merchant).
    ``data`` holds the debits of customers with a funding day, each with its ``classify_day``:
    the leave-one-out funding day when its plan produced signals, else the customer's. The join
    and the totals run in DuckDB, so only classified debits reach pandas, by installment id.
    """
    needed = ["installment_id", "plan_id", "customer_id", "merchant_id", "plan_type",
              "payment_method", "sequence", "due_date", "amount", "first_attempt_status"]
    table = require(con, "fct_installments", needed)
    clause, params = where(filters, columns(con, "fct_installments"), "due_date", "i")
    extra = "i.first_attempt_status is not null"
    clause = f"{clause} and {extra}" if clause else f"where {extra}"
    totals = con.execute(
        f"""select i.merchant_id, count(*) filter (where i.first_attempt_status = 'failed')
                   as failed, min(i.due_date) as first_due, max(i.due_date) as last_due
            from {table} i {clause} group by i.merchant_id""", params).df()
    if totals.empty:
        raise MissingInput("no first scheduled debit with an outcome")
    months = months_between(pd.to_datetime(totals["first_due"]).min().date(),
                            pd.to_datetime(totals["last_due"]).max().date())
    by_merchant = totals.dropna(subset=["merchant_id"]).set_index("merchant_id")["failed"]
    con.register("_funding_days", customers[["customer_id", "funding_day"]])
    con.register("_loo_funding_days", loo[["plan_id", "loo_funding_day"]])
    try:
        data = con.execute(
            f"""select i.customer_id, i.merchant_id, i.plan_type, i.payment_method, i.sequence,
                       i.due_date, i.amount,
                       cast(i.first_attempt_status = 'failed' as bigint) as failed,
                       case when l.plan_id is not null then l.loo_funding_day
                            else f.funding_day end as classify_day
                from {table} i
                join _funding_days f on f.customer_id = i.customer_id
                left join _loo_funding_days l on l.plan_id = i.plan_id
                {clause} and classify_day is not null
                order by i.installment_id""", params).df()   # same order in every build
    finally:
        con.unregister("_funding_days")
        con.unregister("_loo_funding_days")
    return data, int(totals["failed"].sum()), months, by_merchant


def debit_timing(
    con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date
) -> dict[str, pd.DataFrame]:
    """Funding days, failure rate by days-to-funding, the timing effect and its counterfactual."""
    customers, loo = infer_funding_days(funding_signals(con, filters))
    if len(customers) < 20:
        raise MissingInput(f"only {len(customers)} customers with a funding signal")
    data, total_failures, months, failures_by_merchant = _classified_installments(
        con, filters, customers, loo)
    data["days_before_funding"] = days_before_funding(
        data["due_date"], data["classify_day"]).astype(int)

    curve = data.groupby("days_before_funding")["failed"].agg(installments="size", failed="sum")
    curve["failure_rate"] = curve["failed"] / curve["installments"]
    curve["ci_low"], curve["ci_high"] = wilson(curve["failed"], curve["installments"])
    curve = curve.reset_index()

    model_rows = data
    if len(data) > MODEL_SAMPLE:
        keep = data["customer_id"].drop_duplicates().sample(frac=MODEL_SAMPLE / len(data),
                                                           random_state=3)
        model_rows = data[data["customer_id"].isin(set(keep))]
    window, (ratio, low, high, p) = _window_odds_ratio(model_rows)
    data["before"] = data["days_before_funding"].between(1, window).astype(int)

    x_fit = _day_design(model_rows)
    fit = logit(model_rows["failed"], x_fit, groups=model_rows["customer_id"].to_numpy())
    beta = np.asarray(fit.params)
    data["delta"] = _delta_p(_day_design(data, x_fit.columns), beta)
    rng = np.random.default_rng(5)
    draws = coefficient_draws(fit, DRAWS, rng)
    exposed = data[data["days_before_funding"] <= HORIZON]
    sub = exposed.sample(min(len(exposed), DRAW_SAMPLE), random_state=1)
    x_sub = _day_design(sub, x_fit.columns)
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
        ("portfolio", None, data, everyone, total_failures)]
    for merchant, group in data.groupby("merchant_id"):
        if group["before"].sum() >= MIN_MERCHANT_BEFORE:
            scopes.append((str(merchant), str(merchant), group,
                           (sub["merchant_id"] == merchant).to_numpy(),
                           int(failures_by_merchant.get(merchant, 0))))
    for scope, merchant, group, mask, failures in scopes:
        # the classified debits stand for all of the scope's: scale by its failures
        classified_failures = int(group["failed"].sum())
        scale = failures / classified_failures if classified_failures else np.nan
        avoided = float(group["delta"].sum()) * scale
        secured = float((group["delta"] * group["amount"]).sum()) * scale
        f_low, f_high = scaled(avoided, mask, ones)
        a_low, a_high = scaled(secured, mask, amounts)
        before, after = group[group["before"] == 1], group[group["before"] == 0]
        rows.append({
            "scope": scope, "merchant_id": merchant,
            "installments_before": len(before), "installments_after": len(after),
            "failure_rate_before": float(before["failed"].mean()) if len(before) else np.nan,
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
            "customers_to_move": int(before["customer_id"].nunique()),
        })

    per_customer = _customer_table(data, customers)
    return {
        "funding_days": per_customer,
        "debit_timing_failure": curve,
        "debit_timing_effect": pd.DataFrame(rows),
    }


def _controls(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.assign(log_amount=np.log1p(frame["amount"].astype(float)),
                         sequence_capped=frame["sequence"].clip(upper=4).astype(str))
    return design(frame, ["plan_type", "payment_method", "sequence_capped"], ["log_amount"])


def _day_design(frame: pd.DataFrame, columns_like: pd.Index | None = None) -> pd.DataFrame:
    """Controls plus one indicator per day 0..HORIZON before the funding day; debits further
    from it (the days just after the funding day) are the reference. Days without debits get
    no column, so the fit stays identified on a small portfolio."""
    x = _controls(frame)
    days = frame["days_before_funding"].to_numpy()
    for day in range(HORIZON + 1):
        x[f"day_{day}"] = (days == day).astype(float)
    if columns_like is None:
        empty = [c for c in x.columns if c.startswith("day_") and not x[c].any()]
        return x.drop(columns=empty)
    return x.reindex(columns=columns_like, fill_value=0.0)


def _window_odds_ratio(rows: pd.DataFrame) -> tuple[int, tuple[float, float, float, float]]:
    """The misalignment window, chosen by the data, and its odds ratio.

    On one half of the customers, the window W (1..HORIZON days before the funding day) whose
    step model (debits 1..W days before vs all others, with the controls) fits best; on the
    other half, the odds ratio of that step, cluster-robust by customer. Choosing and testing
    on different customers keeps the p-value honest (no winner's curse over the 14 windows).
    """
    half = split_halves(rows["customer_id"], seed=7)
    choose, test = rows[half], rows[~half]
    x_choose = _controls(choose)
    days = choose["days_before_funding"].to_numpy()
    best, best_fit = 1, -np.inf
    for window in range(1, HORIZON + 1):
        x = x_choose.assign(before=((days >= 1) & (days <= window)).astype(float))
        llf = logit_llf(choose["failed"], x)
        if llf > best_fit + 1e-9:
            best, best_fit = window, llf
    x_test = _controls(test).assign(
        before=test["days_before_funding"].between(1, best).astype(float).to_numpy())
    fit = logit(test["failed"], x_test, groups=test["customer_id"].to_numpy())
    return best, odds_ratio(fit, "before")


def _delta_p(x: pd.DataFrame, betas: np.ndarray) -> np.ndarray:
    """p(failure | debit where it is) - p(failure | debit just after the funding day), per row
    (x draws): the day indicators switched off give the reference."""
    matrix = x.to_numpy(dtype=float)
    days = [i for i, c in enumerate(x.columns) if c.startswith("day_")]
    betas = np.atleast_2d(betas)
    linear = matrix @ betas.T
    # the reference's linear predictor: the day terms taken out (no second design matrix)
    result = expit(linear) - expit(linear - matrix[:, days] @ betas[:, days].T)
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
