"""Debit-date misalignment: when does each customer's money arrive, and what do early debits cost?

Method (general, no assumption about which paydays exist):
1. Funding observations, on installments that failed for insufficient funds: each later retry
   (succeeded or failed again, with the days since the previous attempt) and each payment the
   customer or an agent made. Each is placed, for every candidate pay schedule, at its lag: days
   since the schedule's latest funding event on or before it. Schedules (:func:`schedules`):
   monthly (a day of month; a "31st" is the last day of shorter months), semi-monthly (two days
   of month 13..17 days apart) and bi-weekly (every 14 days, a phase anchored on dates), each
   day-of-month one as is or with weekend paydays paid the Friday before.
2. A likelihood per customer and schedule: a payment's lag follows a distribution per cycle and
   way of paying (money is paid soon after it arrives); a retry succeeds with probability p_in
   when a funding event fell since the previous attempt, p_out otherwise. These, and how common
   each schedule is in the portfolio (the prior, a mixing distribution over the 236 schedules),
   are learned by expectation-maximisation (the schedules are the missing data). Learning the
   prior is what makes the posteriors usable as probabilities: one payment on the 26th then
   weighs "paid on the 25th" against "every other Friday" as often as each occurs among the
   customers, not as often as each could be listed.
3. The funding day (the monthly reading) is the day of month whose ±1-day neighbourhood holds
   the most likelihood under the monthly schedules; the pay cycle the most probable cycle.
4. Each first scheduled debit gets exposures: the posterior probability that it fell k days
   before the next funding event (k = 0..14 under a monthly schedule, 0..7 under a shorter
   one). To avoid circularity the posterior comes from the customer's *other* plans (a plan
   that produced observations is left out), so whether and where a debit is placed never
   depends on its own outcome.
5. The effect: a linear probability model of an insufficient-funds first failure on those
   exposures, with controls (plan type, payment method, log amount, sequence, cycle
   probabilities), cluster-robust by customer; debits further from the next funding event are
   the reference. Linear, because with probability exposures (regression calibration) a linear
   model stays unbiased when the posteriors are calibrated, where a logit is attenuated. The
   attributable failures are the sum of each debit's fitted excess; their share of the placed
   debits' insufficient-funds failures is carried over to the scope's insufficient-funds
   failures (only a shortfall can be caused by the debit date), then divided by all failures.
6. For the odds ratio and its test, a misalignment window W (1..14 days, half that for the
   shorter cycles) is chosen on one half of the customers by the likelihood of a step model
   on the exposures and tested on the other half.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd
from scipy import sparse

from analysis.db import Filters, MissingInput, columns, require, where
from analysis.recovery import months_between
from analysis.stats import design, logit, logit_llf, odds_ratio, ols, split_halves, wilson

MAX_SIGNAL_DAYS = 10      # retries longer after the previous attempt say little about the day
HORIZON = 14              # days before a monthly funding event examined one by one: half a month
SHORT_HORIZON = 7         # the same for the shorter cycles: half of theirs
MODEL_SAMPLE = 400_000    # installments used to fit the regressions (sampled by customer)
EM_SAMPLE = 30_000        # customers whose observations fit the population parameters
MIN_MERCHANT_BEFORE = 50  # per-merchant rows need this many misaligned debits
MIN_COLUMN_MASS = 20.0    # an exposure column worth fewer debits is left to the reference
DAYS = 31
EM_ITERATIONS = 40
Z95 = 1.959963984540054
# Prior on retries, worth this many observations: one made after a funding day succeeds 80 % of
# the time, one without 10 %. Negligible on a real portfolio (thousands of retries); it keeps a
# small one whose retries all succeed from the flat solution where success says nothing.
RETRY_PRIOR = 200
RETRY_PRIOR_IN, RETRY_PRIOR_OUT = 0.8, 0.1
# Each schedule's prior starts from this many customers (24 in all): keeps every schedule
# possible, so a customer whose observations fit only a rare one is not forced elsewhere.
SCHEDULE_PRIOR = 0.1
MONTHLY, SEMI_MONTHLY, BIWEEKLY = "monthly", "semi_monthly", "biweekly"
CYCLES = (MONTHLY, SEMI_MONTHLY, BIWEEKLY)
CYCLE_LENGTH = np.array([365.25 / 12, 365.25 / 24, 14.0])  # days
SEMI_MONTHLY_GAPS = range(13, 18)
BIWEEKLY_PERIOD = 14
INSUFFICIENT_FUNDS = "insufficient_funds"


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


def days_until_funding(days: pd.Series, weekend_rule: bool = False) -> np.ndarray:
    """(rows, 31): days from each date to the next occurrence of each day of month 1..31 on or
    after it (0 = that very day); same conventions as :func:`days_since_funding`."""
    x = pd.to_datetime(pd.Series(days)).dt.normalize().reset_index(drop=True)
    day_number = (x - pd.Timestamp("1970-01-01")).dt.days.to_numpy()[:, None]
    start = day_number - (x.dt.day.to_numpy()[:, None] - 1)
    length = x.dt.days_in_month.to_numpy()[:, None]
    next_length = (x + pd.offsets.MonthBegin(1)).dt.days_in_month.to_numpy()[:, None]
    after_length = (x + pd.offsets.MonthBegin(2)).dt.days_in_month.to_numpy()[:, None]
    candidate = np.arange(1, DAYS + 1)[None, :]
    this_month = _occurrence(start, length, candidate, weekend_rule)
    next_month = _occurrence(start + length, next_length, candidate, weekend_rule)
    after = _occurrence(start + length + next_length, after_length, candidate, weekend_rule)
    upcoming = np.where(this_month >= day_number, this_month,
                        np.where(next_month >= day_number, next_month, after))
    return upcoming - day_number


def schedules() -> pd.DataFrame:
    """The pay schedules compared for each customer, one row each: ``cycle`` (monthly,
    semi_monthly, biweekly), ``weekend_rule`` (a payday on a weekend is paid the Friday
    before), ``day`` and ``second_day`` (days of month; 31 = the month's last day) and ``phase``
    (bi-weekly: a payday's days since 1970-01-01, modulo 14)."""
    rows = [(MONTHLY, rule, day, 0, -1) for rule in (False, True) for day in range(1, DAYS + 1)]
    rows += [(SEMI_MONTHLY, rule, day, day + gap, -1) for rule in (False, True)
             for day in range(1, DAYS + 1) for gap in SEMI_MONTHLY_GAPS if day + gap <= DAYS]
    rows += [(BIWEEKLY, False, 0, 0, phase) for phase in range(BIWEEKLY_PERIOD)]
    return pd.DataFrame(rows, columns=["cycle", "weekend_rule", "day", "second_day", "phase"])


def schedule_offsets(days: pd.Series, table: pd.DataFrame, since: bool) -> np.ndarray:
    """(rows, schedules): days since the latest (``since``) or until the next funding event of
    each schedule in ``table`` for each date (0 = a funding event that day)."""
    days = pd.Series(pd.to_datetime(pd.Series(days)).to_numpy())
    per_day = np.stack([(days_since_funding if since else days_until_funding)(days, rule)
                        for rule in (False, True)])            # (2, rows, 31)
    day_number = (days.dt.normalize() - pd.Timestamp("1970-01-01")).dt.days.to_numpy()
    rule = table["weekend_rule"].to_numpy(dtype=int)
    first = np.clip(table["day"].to_numpy(dtype=int), 1, DAYS) - 1
    second = np.clip(table["second_day"].to_numpy(dtype=int), 1, DAYS) - 1
    cycle = table["cycle"].to_numpy()
    out = np.zeros((len(days), len(table)), dtype=np.int64)
    by_day = (cycle == MONTHLY) | (cycle == SEMI_MONTHLY)
    out[:, by_day] = per_day[rule[by_day], :, first[by_day]].T
    semi = cycle == SEMI_MONTHLY
    out[:, semi] = np.minimum(out[:, semi], per_day[rule[semi], :, second[semi]].T)
    biweekly = cycle == BIWEEKLY
    phase = table["phase"].to_numpy(dtype=int)[biweekly][None, :]
    out[:, biweekly] = ((day_number[:, None] - phase) if since
                        else (phase - day_number[:, None])) % BIWEEKLY_PERIOD
    return out


def _posterior(score: np.ndarray) -> np.ndarray:
    """Row-wise softmax of log scores, computed in place (``score`` is overwritten): the
    same numbers without allocating three customers x hypotheses temporaries per EM step."""
    score -= score.max(axis=1, keepdims=True)
    np.exp(score, out=score)
    score /= score.sum(axis=1, keepdims=True)
    return score


def _by_day(probability: np.ndarray) -> np.ndarray:
    """Probability per day of month 1..31, summed over the two weekend conventions (the
    columns are the 62 monthly schedules in :func:`schedules` order)."""
    return probability.reshape(len(probability), -1, DAYS).sum(axis=1)


def _neighbourhood(probability: np.ndarray) -> np.ndarray:
    """Probability that the funding day is within ±1 day of each candidate (circular)."""
    return probability + np.roll(probability, 1, axis=1) + np.roll(probability, -1, axis=1)


def _mode_day(probability: np.ndarray) -> np.ndarray:
    """Day (1..31) whose ±1-day neighbourhood holds the most probability per row; a tie
    resolves to the day with more probability of its own, then to the smallest day."""
    return (_neighbourhood(probability) + 1e-6 * probability).argmax(axis=1) + 1


class _FundingModel:
    """How funding observations depend on the customer's pay schedule; parameters learned by EM.

    Hypotheses are the rows of :func:`schedules`. Observations are grouped into types (date,
    kind, outcome, gap), so the work grows with the distinct types, not with the rows. A
    payment's date has likelihood ``L h_c(lag)`` (``h_c``: the lag distribution of cycle ``c``,
    per way of paying; ``L``: the cycle's length, so that a date's probability is comparable
    between cycles: a lag distribution over 14 days is twice as peaked as one over 28 only
    because each lag comes twice as often). A retry succeeds with p_in when a funding event fell
    since the previous attempt, p_out when none did. The prior is a probability per schedule,
    learned (the share of customers on it), so the posterior of a customer with one or two
    observations leans on what the portfolio's other customers show.
    """

    def __init__(self, types: pd.DataFrame) -> None:
        self.table = schedules()
        self.cycle = pd.Categorical(self.table["cycle"], categories=CYCLES).codes
        self.lags = schedule_offsets(types["day"], self.table, since=True)
        self.payment = (types["kind"] != "retry").to_numpy()
        # each way of paying has its own lag: an agent's promise for pay day is sharper than
        # a payment prompted by a message
        self.route, routes = pd.factorize(types["kind"].where(self.payment, ""), sort=True)
        self.routes = len(routes)
        self.success = types["success"].to_numpy(dtype=bool)
        inside = self.lags < types["gap"].to_numpy(dtype=int)[:, None]
        retry = ~self.payment[:, None]
        self.inside, self.outside = inside & retry, ~inside & retry
        self.width = int(self.lags.max()) + 1
        # lags each cycle can produce (a bi-weekly lag is at most 13 days)
        self.support = np.zeros((len(CYCLES), self.width), dtype=bool)
        for c in range(len(CYCLES)):
            self.support[c, : int(self.lags[:, self.cycle == c].max(initial=0)) + 1] = True
        # start: money is paid soon after it arrives; retries as their prior says; every
        # schedule equally likely
        decay = np.exp(-np.arange(self.width) / 3.0) * self.support
        self.h = np.repeat((decay / decay.sum(axis=1, keepdims=True))[:, None, :],
                           self.routes, axis=1)                     # (cycle, route, lag)
        self.p_in, self.p_out = RETRY_PRIOR_IN, RETRY_PRIOR_OUT
        self.prior = np.full(len(self.table), 1.0 / len(self.table))

    def log_prior(self) -> np.ndarray:
        """Per hypothesis: log prior probability."""
        return np.log(self.prior)

    def log_likelihood(self) -> np.ndarray:
        """Per type and hypothesis: log-likelihood of one observation of that type."""
        hit = self.success[:, None]

        def outcome(p: float) -> np.ndarray:
            return np.where(hit, np.log(p), np.log1p(-p))

        retry = np.where(self.inside, outcome(self.p_in), outcome(self.p_out))
        with np.errstate(divide="ignore"):   # a lag a cycle cannot produce: log 0
            log_h = np.log(self.h)
        paid = (log_h[self.cycle[None, :], self.route[:, None], self.lags]
                + np.log(CYCLE_LENGTH)[self.cycle][None, :])
        return np.where(self.payment[:, None], paid, retry)

    def update(self, weight: np.ndarray, mass: np.ndarray) -> None:
        """M step from the posterior weight of each type under each hypothesis, and the total
        posterior mass of each hypothesis over customers."""
        for c in range(len(CYCLES)):
            columns_ = self.cycle == c
            cell = (self.route[:, None] * self.width + self.lags[:, columns_])[self.payment]
            h = np.bincount(cell.ravel(), weights=weight[self.payment][:, columns_].ravel(),
                            minlength=self.routes * self.width).reshape(self.routes, self.width)
            h = (h + 1.0) * self.support[c]
            self.h[c] = h / h.sum(axis=1, keepdims=True)
        hit = self.success[:, None]

        def rate(cells: np.ndarray, prior: float) -> float:
            return (((weight * (cells & hit)).sum() + RETRY_PRIOR * prior)
                    / ((weight * cells).sum() + RETRY_PRIOR))

        self.p_in = rate(self.inside, RETRY_PRIOR_IN)
        self.p_out = rate(self.outside, RETRY_PRIOR_OUT)
        prior = mass + SCHEDULE_PRIOR
        self.prior = prior / prior.sum()


@dataclass
class Funding:
    """What the observations say about each customer's pay schedule.

    ``customers``: customer_id, funding_day, support, pay_cycle, signals (customers with at
    least one success after a shortfall; ``signals`` = the days with one; ``support`` = the
    likelihood share of the funding day ±1 day among monthly schedules). ``loo``: plan_id,
    loo_funding_day, for plans with observations: the funding day from the customer's
    observations on *other* plans (NaN when there are none; a plan's installments share a day
    of month, so its own observations would tie the funding day to its debit day).
    ``posterior`` (customers x schedules) and ``loo_posterior`` (loo plans x schedules, rows of
    plans without other observations are the prior): posterior over :func:`schedules`.
    """

    customers: pd.DataFrame
    loo: pd.DataFrame
    posterior: np.ndarray
    loo_posterior: np.ndarray


def infer_funding(signals: pd.DataFrame) -> Funding:
    """Each customer's funding day, pay cycle and posterior over pay schedules (see
    :class:`Funding`), from :func:`funding_signals`' observations in any row order."""
    table = schedules()
    rescued = signals.loc[signals["success"].astype(bool), ["customer_id", "day"]]
    if rescued.empty:
        return Funding(pd.DataFrame(columns=["customer_id", "funding_day", "support",
                                             "pay_cycle", "signals"]),
                       pd.DataFrame(columns=["plan_id", "loo_funding_day"]),
                       np.zeros((0, len(table))), np.zeros((0, len(table))))
    signals = signals[signals["customer_id"].isin(set(rescued["customer_id"]))]
    signals = signals.assign(gap=signals["gap"].where(signals["kind"] == "retry", 0).fillna(0)
                             .astype(int), success=signals["success"].astype(bool))
    # a fixed order (the warehouse returns rows in any order) makes sums, and so ties, repeatable
    signals = signals.sort_values(["customer_id", "plan_id", "installment_id", "day", "kind",
                                   "success", "gap"], kind="stable")
    keys = ["day", "kind", "success", "gap"]
    type_codes = signals.groupby(keys, sort=True).ngroup().to_numpy()
    types = signals[keys].drop_duplicates().sort_values(keys).reset_index(drop=True)
    model = _FundingModel(types)
    customer_codes, customers = pd.factorize(signals["customer_id"], sort=True)
    counts = sparse.csr_matrix((np.ones(len(signals)), (customer_codes, type_codes)),
                               shape=(len(customers), len(types)))
    # the population parameters from a fixed sample of customers: the cost of the EM does not
    # grow with the portfolio
    fit = counts
    if len(customers) > EM_SAMPLE:
        pick = np.sort(np.random.default_rng(11).choice(len(customers), EM_SAMPLE,
                                                        replace=False))
        fit = counts[pick]
    for _ in range(EM_ITERATIONS):
        posterior = _posterior(fit @ model.log_likelihood() + model.log_prior()[None, :])
        model.update(np.asarray(fit.T @ posterior), posterior.sum(axis=0))
    log_likelihood = model.log_likelihood()
    score = counts @ log_likelihood
    monthly = np.flatnonzero(model.cycle == 0)
    by_day = _by_day(_posterior(score[:, monthly]))
    funding = _mode_day(by_day)
    support = np.take_along_axis(_neighbourhood(by_day), funding[:, None] - 1, axis=1)[:, 0]
    plan_codes, plans = pd.factorize(signals["plan_id"], sort=True)
    own = sparse.csr_matrix((np.ones(len(signals)), (plan_codes, type_codes)),
                            shape=(len(plans), len(types)))
    owner = np.zeros(len(plans), dtype=int)
    owner[plan_codes] = customer_codes
    has_rest = (np.bincount(customer_codes, minlength=len(customers))[owner]
                > np.bincount(plan_codes, minlength=len(plans)))
    rest = score[owner] - own @ log_likelihood
    loo_day = np.where(has_rest, _mode_day(_by_day(_posterior(rest[:, monthly]))), np.nan)
    # posteriors in place: two customers x schedules matrices at most, whatever the portfolio
    rest += model.log_prior()[None, :]
    loo_posterior = _posterior(rest)
    score += model.log_prior()[None, :]
    posterior = _posterior(score)
    cycle_mass = np.stack([posterior[:, model.cycle == c].sum(axis=1)
                           for c in range(len(CYCLES))], axis=1)
    rescues = rescued.groupby("customer_id")["day"].nunique()  # one signal per rescue day
    frame = pd.DataFrame({"customer_id": customers, "funding_day": funding, "support": support,
                          "pay_cycle": np.asarray(CYCLES)[cycle_mass.argmax(axis=1)]})
    frame["signals"] = frame["customer_id"].map(rescues).astype(int)
    return Funding(frame, pd.DataFrame({"plan_id": plans, "loo_funding_day": loo_day}),
                   posterior, loo_posterior)


def recommended_debit_day(funding_day: np.ndarray) -> np.ndarray:
    """The day after the funding day, kept within 1..28 so it exists in every month."""
    following = np.asarray(funding_day, dtype=int) + 1
    return np.where(following > 28, 1, following)


def exposure_columns() -> list[str]:
    """Names of the exposure columns: ``day_k`` (k days before a monthly funding event) and
    ``short_k`` (before a semi-monthly or bi-weekly one)."""
    return ([f"day_{k}" for k in range(HORIZON + 1)]
            + [f"short_{k}" for k in range(SHORT_HORIZON + 1)])


def exposures(due: pd.Series, posterior: Callable[[np.ndarray], np.ndarray]
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per debit, the probability of each :func:`exposure_columns` position and of each pay
    cycle (``cycle_semi_monthly``, ``cycle_biweekly``) under its posterior over
    :func:`schedules`; and its most probable schedule (ties: the first in :func:`schedules`
    order): ``days_before_funding``, the days to its next funding event, and its ``cycle``.
    ``posterior(rows)`` gives the posterior of the debits at those positions.

    Work is done per distinct due date (all debits of a date share the schedules' offsets), so
    no debits x schedules matrix is ever built."""
    table = schedules()
    cycle = table["cycle"].to_numpy()
    names = [*exposure_columns(), *(f"cycle_{name}" for name in (SEMI_MONTHLY, BIWEEKLY))]
    due = pd.to_datetime(pd.Series(due)).to_numpy()
    dates, codes = np.unique(due, return_inverse=True)
    offsets = schedule_offsets(pd.Series(dates), table, since=False)       # dates x schedules
    monthly = cycle == MONTHLY
    column = np.where(monthly, offsets, HORIZON + 1 + offsets)
    column = np.where(offsets <= np.where(monthly, HORIZON, SHORT_HORIZON), column, -1)
    out = np.zeros((len(due), len(names)))
    best = np.zeros(len(due), dtype=np.int64)
    best_offset = np.zeros(len(due), dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(dates) + 1))
    for code in range(len(dates)):
        rows = order[bounds[code]:bounds[code + 1]]
        placed = column[code] >= 0
        indicator = np.zeros((len(table), len(names)))
        indicator[np.flatnonzero(placed), column[code][placed]] = 1.0
        indicator[cycle == SEMI_MONTHLY, -2] = 1.0
        indicator[cycle == BIWEEKLY, -1] = 1.0
        probability = posterior(rows)
        out[rows] = probability @ indicator
        best[rows] = probability.argmax(axis=1)
        best_offset[rows] = offsets[code, best[rows]]
    return (pd.DataFrame(out, columns=names),
            pd.DataFrame({"days_before_funding": best_offset, "cycle": cycle[best]}))


def window_exposure(frame: pd.DataFrame, window: int) -> np.ndarray:
    """Probability that a debit fell 1..``window`` days before a monthly funding event or
    1..ceil(window / 2) before a shorter cycle's (half as long)."""
    short = -(-window // 2)
    return (frame[[f"day_{k}" for k in range(1, window + 1)]].sum(axis=1)
            + frame[[f"short_{k}" for k in range(1, short + 1)]].sum(axis=1)).to_numpy()


def _classified_installments(
    con: duckdb.DuckDBPyConnection, filters: Filters, funding: Funding
) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """First scheduled debits that can be placed against the customer's pay schedule, and the
    totals.

    Returns (data, totals per merchant, months spanned). ``data`` holds the debits of customers
    with observations on another plan than the debit's, each with ``row``: where its posterior
    is, the plan's leave-one-out one when the plan produced observations (the number of
    customers plus the plan's row of ``funding.loo_posterior``), else the customer's (its row of
    ``funding.posterior``). The join and the totals run in DuckDB, so only placed debits reach
    pandas, by installment id. Totals per merchant (null for debits without one): ``failed``
    first attempts and ``short``, those failed for insufficient funds.
    """
    needed = ["installment_id", "plan_id", "customer_id", "merchant_id", "plan_type",
              "payment_method", "sequence", "due_date", "amount", "first_attempt_status",
              "first_attempt_failure_reason"]
    table = require(con, "fct_installments", needed)
    clause, params = where(filters, columns(con, "fct_installments"), "due_date", "i")
    extra = "i.first_attempt_status is not null"
    clause = f"{clause} and {extra}" if clause else f"where {extra}"
    totals = con.execute(
        f"""select i.merchant_id,
                   count(*) filter (where i.first_attempt_status = 'failed') as failed,
                   count(*) filter (where i.first_attempt_status = 'failed' and
                       i.first_attempt_failure_reason = '{INSUFFICIENT_FUNDS}') as short,
                   min(i.due_date) as first_due, max(i.due_date) as last_due
            from {table} i {clause} group by i.merchant_id order by i.merchant_id""",
        params).df()
    if totals.empty:
        raise MissingInput("no first scheduled debit with an outcome")
    months = months_between(pd.to_datetime(totals["first_due"]).min().date(),
                            pd.to_datetime(totals["last_due"]).max().date())
    customers = funding.customers[["customer_id"]].assign(
        customer_row=np.arange(len(funding.customers)))
    has_rest = funding.loo["loo_funding_day"].notna().to_numpy()
    loo = funding.loo[["plan_id"]].assign(
        loo_row=np.where(has_rest, len(customers) + np.arange(len(funding.loo)), -1))
    con.register("_funding_rows", customers)
    con.register("_loo_rows", loo)
    try:
        data = con.execute(
            f"""select i.customer_id, i.merchant_id, i.plan_type, i.payment_method, i.sequence,
                       i.due_date, i.amount,
                       cast(i.first_attempt_status = 'failed' as bigint) as failed,
                       cast(i.first_attempt_status = 'failed' and
                            i.first_attempt_failure_reason = '{INSUFFICIENT_FUNDS}' as bigint)
                           as short,
                       case when l.plan_id is not null then l.loo_row else f.customer_row end
                           as row
                from {table} i
                join _funding_rows f on f.customer_id = i.customer_id
                left join _loo_rows l on l.plan_id = i.plan_id
                {clause} and (l.plan_id is null or l.loo_row >= 0)
                order by i.installment_id""", params).df()   # same order in every build
    finally:
        con.unregister("_funding_rows")
        con.unregister("_loo_rows")
    return data, totals, months


def debit_timing(
    con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date
) -> dict[str, pd.DataFrame]:
    """Funding days, failure rate by days-to-funding, the timing effect and its counterfactual."""
    funding = infer_funding(funding_signals(con, filters))
    if len(funding.customers) < 20:
        raise MissingInput(f"only {len(funding.customers)} customers with a funding signal")
    data, totals, months = _classified_installments(con, filters, funding)
    rows = data.pop("row").to_numpy()
    customers = len(funding.customers)

    def posterior(positions: np.ndarray) -> np.ndarray:
        chosen = rows[positions]
        own = chosen >= customers
        out = np.empty((len(chosen), funding.posterior.shape[1]))
        out[~own] = funding.posterior[chosen[~own]]
        out[own] = funding.loo_posterior[chosen[own] - customers]
        return out

    exposure, best = exposures(data["due_date"], posterior)
    data = pd.concat([data, exposure, best], axis=1)

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
    reach = np.where(data["cycle"] == MONTHLY, window, -(-window // 2))
    data["before"] = data["days_before_funding"].between(1, reach).astype(int)

    x_fit = _day_design(model_rows)
    beta, cov = ols(model_rows["short"], x_fit, groups=model_rows["customer_id"].to_numpy())
    days = [c for c in x_fit.columns if c in set(exposure_columns())]
    effect = beta.loc[days]
    effect_cov = cov.loc[days, days].to_numpy()
    data["delta"] = data[days].to_numpy() @ effect.to_numpy()

    rows_out = []
    by_merchant = totals.dropna(subset=["merchant_id"]).set_index("merchant_id")
    scopes: list[tuple[str, str | None, pd.DataFrame, int, int]] = [
        ("portfolio", None, data, int(totals["failed"].sum()), int(totals["short"].sum()))]
    for merchant, group in data.groupby("merchant_id"):
        if group["before"].sum() >= MIN_MERCHANT_BEFORE and merchant in by_merchant.index:
            scopes.append((str(merchant), str(merchant), group,
                           int(by_merchant.at[merchant, "failed"]),
                           int(by_merchant.at[merchant, "short"])))
    for scope, merchant, group, failures, shortfalls in scopes:
        # the placed debits stand for all of the scope's: their share of insufficient-funds
        # failures is carried over to the scope's
        placed_short = int(group["short"].sum())
        scale = shortfalls / placed_short if placed_short else np.nan
        count_weights = group[days].sum().to_numpy()
        amount_weights = group[days].mul(group["amount"].astype(float), axis=0).sum().to_numpy()
        avoided, f_low, f_high = _linear_total(count_weights, effect, effect_cov, scale)
        secured, a_low, a_high = _linear_total(amount_weights, effect, effect_cov, scale)
        before, after = group[group["before"] == 1], group[group["before"] == 0]
        rows_out.append({
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
            "window_days": int(window),
        })

    per_customer = _customer_table(data, funding.customers)
    return {
        "funding_days": per_customer,
        "debit_timing_failure": curve,
        "debit_timing_effect": pd.DataFrame(rows_out),
    }


def _linear_total(weights: np.ndarray, effect: pd.Series, cov: np.ndarray,
                  scale: float) -> tuple[float, float, float]:
    """``scale x weights . effect`` and its 95 % CI: the total is linear in the day effects, so
    its variance is exactly ``w' V w`` under their (cluster-robust) covariance."""
    total = float(weights @ effect.to_numpy())
    se = float(np.sqrt(max(weights @ cov @ weights, 0.0)))
    return scale * total, scale * (total - Z95 * se), scale * (total + Z95 * se)


def _controls(frame: pd.DataFrame) -> pd.DataFrame:
    """Plan type, payment method, log amount and sequence; and the cycle probabilities, since
    customers paid more often may fail at another base rate wherever they are debited."""
    frame = frame.assign(log_amount=np.log1p(frame["amount"].astype(float)),
                         sequence_capped=frame["sequence"].clip(upper=4).astype(str))
    x = design(frame, ["plan_type", "payment_method", "sequence_capped"], ["log_amount"])
    for column in ("cycle_semi_monthly", "cycle_biweekly"):
        if column in frame and frame[column].sum() >= MIN_COLUMN_MASS:
            x[column] = frame[column].to_numpy(dtype=float)
    return x


def _day_design(frame: pd.DataFrame) -> pd.DataFrame:
    """Controls plus the probability of each position before the next funding event (see
    :func:`exposures`); debits further from it (the days just after the previous one) are the
    reference. A position worth fewer than MIN_COLUMN_MASS debits gets no column, so the fit
    stays identified on a small portfolio (its debits count with the reference)."""
    x = _controls(frame)
    for column in exposure_columns():
        if column in frame and frame[column].sum() >= MIN_COLUMN_MASS:
            x[column] = frame[column].to_numpy(dtype=float)
    return x


def _window_odds_ratio(rows: pd.DataFrame) -> tuple[int, tuple[float, float, float, float]]:
    """The misalignment window, chosen by the data, and its odds ratio.

    On one half of the customers, the window W (1..HORIZON days before a monthly funding event,
    half that before a shorter cycle's) whose step model (the probability of being in the
    window, with the controls) fits best; on the other half, the odds ratio of that step for an
    insufficient-funds failure, cluster-robust by customer. Choosing and testing on different
    customers keeps the p-value honest (no winner's curse over the 14 windows).
    """
    half = split_halves(rows["customer_id"], seed=7)
    choose, test = rows[half], rows[~half]
    x_choose = _controls(choose)
    best, best_fit = 1, -np.inf
    for window in range(1, HORIZON + 1):
        x = x_choose.assign(before=window_exposure(choose, window))
        llf = logit_llf(choose["short"], x)
        if llf > best_fit + 1e-9:
            best, best_fit = window, llf
    x_test = _controls(test).assign(before=window_exposure(test, best))
    fit = logit(test["short"], x_test, groups=test["customer_id"].to_numpy())
    return best, odds_ratio(fit, "before")


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
    return out[["customer_id", "merchant_id", "funding_day", "pay_cycle", "signals", "support",
                "typical_debit_day", "days_before_funding", "misaligned", "recommended_debit_day"]]


def _mode(data: pd.DataFrame, column: str) -> pd.Series:
    """Most frequent value of ``column`` per customer (vectorised; ties: smallest value)."""
    counts = data.groupby(["customer_id", column]).size().rename("n").reset_index()
    counts = counts.sort_values(["customer_id", "n", column], ascending=[True, False, True])
    return counts.drop_duplicates("customer_id").set_index("customer_id")[column]
