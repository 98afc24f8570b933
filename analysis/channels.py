"""Channels and timing: funnel conversion with intervals, send-hour effect, contact fatigue.

The funnel flags and the "paid within N days" attribution are the warehouse's (``fct_contacts``);
here they get Wilson intervals, logistic regressions with controls, and an honest best-hour /
fatigue-threshold estimate (selected on one half of the customers, measured on the other).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from analysis.db import (
    Filters,
    MissingInput,
    attribution_window_days,
    columns,
    find_table,
    read,
    require,
    where,
)
from analysis.stats import (
    Z95,
    coefficient_draws,
    design,
    expit,
    logit,
    logit_llf,
    odds_ratio,
    split_halves,
    wilson,
)

FUNNEL_STEPS = ("delivered", "opened", "clicked", "replied", "promised", "paid")
# Steps nested in the one before (an open needs a delivery); promised and paid relate to sent.
NESTED_STEPS = ("delivered", "opened", "clicked", "replied")
MODEL_SAMPLE = 80_000        # contacts per channel used to fit a regression
MIN_HOUR_SHARE = 0.01        # hours with fewer contacts than this share are not candidates
MIN_CHANNEL_CONTACTS = 2_000
DRAWS = 200
PERMUTATIONS = 400
BOOTSTRAP = 200
FATIGUE_SAMPLE = 80_000     # contacts used to fit the fatigue regressions
FATIGUE_CAP = 6              # contacts_prev_7d shown as 0..5 and "6+"
CONTROLS_CATEGORICAL = ["stage"]
DIGITAL_CHANNELS = ("sms", "email", "push", "whatsapp", "chat", "social")
DPD_EDGES = [-np.inf, 1, 3, 6, 10, 15, 30, 60, np.inf]
FATIGUE_CONTROLS = ["stage", "channel", "dpd_bucket"]
FATIGUE_RESPONSE_CONTROLS = ["stage", "channel", "dpd_day"]
DPD_DAY_CAP = 60             # days past due beyond this share one level in the fatigue model
CONTROLS_NUMERIC = ["log_dpd", "log_amount"]
# The send-hour outcome: a payment the customer makes (any kind but the creditor's own automatic
# debits) within the warehouse's attribution window (``db.attribution_window_days``).
AUTOMATIC_KINDS = ("scheduled", "retry")


def funnel_conversion(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Share of sent contacts reaching each funnel step by channel, template and stage (Wilson).

    Counts come from ``mart_channel_funnel`` (steps counted independently there); ``step_rate``
    relates each of delivered/opened/clicked/replied to the step before it.
    """
    table = require(con, "mart_channel_funnel", ["channel", "stage", "template_id", "direction",
                                                 "sent_month", "contacts_sent"])
    available = columns(con, "mart_channel_funnel")
    steps = [step for step in FUNNEL_STEPS if step in available]
    if not steps:
        raise MissingInput("mart_channel_funnel has none of the funnel step columns")
    clause, params = where(filters, available, "sent_month")
    clause = f"{clause} and direction = 'outbound'" if clause else "where direction = 'outbound'"
    sums = ", ".join(f"sum({step}) as {step}" for step in steps)
    frames = []
    for dimension, keys in (("channel", ["channel"]), ("template", ["channel", "template_id"]),
                            ("stage", ["channel", "stage"])):
        counts = con.execute(
            f"select {', '.join(keys)}, sum(contacts_sent) as sent, {sums} from {table} {clause} "
            f"group by all", params).df()
        long = counts.melt(id_vars=[*keys, "sent"], value_vars=steps, var_name="step",
                           value_name="reached")
        long["dimension"] = dimension
        frames.append(long)
    out = pd.concat(frames, ignore_index=True)
    for key in ("template_id", "stage"):
        if key not in out:
            out[key] = None
    out["reached"] = out["reached"].fillna(0).astype(int)
    out["sent"] = out["sent"].astype(int)
    out["rate"] = out["reached"] / out["sent"]
    out["ci_low"], out["ci_high"] = wilson(out["reached"], out["sent"])
    out["step_order"] = out["step"].map({s: i for i, s in enumerate(FUNNEL_STEPS)})
    out = out.sort_values(["dimension", "channel", "template_id", "stage", "step_order"])
    # The previous step that happened at all (SMS has no "opened": clicks relate to deliveries).
    happened = out["reached"].where(out["reached"] > 0)
    previous = happened.groupby([out["dimension"], out["channel"], out["template_id"],
                                 out["stage"]], dropna=False).transform(
        lambda s: s.shift(1).ffill())
    nested = out["step"].isin(NESTED_STEPS[1:])
    base = np.where(nested, previous, out["sent"]).astype(float)
    out["step_rate"] = np.where(base > 0, out["reached"] / np.where(base > 0, base, 1), np.nan)
    return out[["dimension", "channel", "template_id", "stage", "step", "sent", "reached", "rate",
                "ci_low", "ci_high", "step_rate"]].reset_index(drop=True)


def _contacts_for_models(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    needed = ["contact_id", "customer_id", "channel", "stage", "local_send_hour",
              "contacts_prev_7d",
              "days_past_due_at_send", "overdue_amount_at_send", "paid_within_n_days",
              "direction", "sent_at"]
    require(con, "fct_contacts", needed)
    extra = [c for c in ("merchant_id", "is_delivered", "is_opened", "is_clicked", "is_replied")
             if c in columns(con, "fct_contacts")]
    total = con.execute(f"select count(*) from {find_table(con, 'fct_contacts')}").fetchone()[0]
    # A reproducible random sample by customer keeps every contact of a sampled customer, so
    # within-customer correlation stays visible to the cluster-robust errors.
    share = min(1.0, 4 * MODEL_SAMPLE / max(total, 1))
    sample = f"hash(customer_id || 'relance') % 10000 < {int(share * 10000)}" if share < 1 else None
    frame = read(con, "fct_contacts", [*needed, *extra], filters, "sent_at",
                 extra_where=" and ".join(filter(None, ["direction = 'outbound'", sample])))
    # In contact order, so samples, permutations and bootstraps repeat on every build of the
    # same data (DuckDB returns rows in any order).
    frame = frame.dropna(subset=["local_send_hour", "paid_within_n_days"]).sort_values(
        "contact_id", kind="stable", ignore_index=True)
    frame["local_send_hour"] = frame["local_send_hour"].astype(int)
    frame["paid"] = frame["paid_within_n_days"].astype(int)
    frame["log_dpd"] = np.log1p(frame["days_past_due_at_send"].astype(float).clip(lower=0))
    frame["log_amount"] = np.log1p(frame["overdue_amount_at_send"].astype(float).clip(lower=0))
    return frame


def _hour_model(frame: pd.DataFrame, hours: list[int]):
    """Logit of payment on hour dummies (reference: first hour) plus controls."""
    x = design(frame, CONTROLS_CATEGORICAL, CONTROLS_NUMERIC)
    for hour in hours[1:]:
        x[f"hour_{hour}"] = (frame["local_send_hour"] == hour).astype(float).to_numpy()
    return logit(frame["paid"], x, groups=frame["customer_id"].to_numpy()), x


def _standardised_rates(result, x: pd.DataFrame, hours: list[int], betas: np.ndarray) -> np.ndarray:
    """Average predicted payment rate had every contact been sent at each hour: draws x hours."""
    rows = x.sample(min(len(x), 2_000), random_state=0).copy()
    hour_columns = [f"hour_{h}" for h in hours[1:]]
    rows[hour_columns] = 0.0
    base = rows.to_numpy()
    names = list(x.columns)
    out = np.empty((betas.shape[0], len(hours)))
    for j, hour in enumerate(hours):
        z = base @ betas.T
        if j > 0:
            z = z + betas[:, names.index(f"hour_{hour}")][None, :]
        out[:, j] = expit(z).mean(axis=0)
    return out


def _smoothed_lift(hours: np.ndarray, paid: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per hour 0..23: the mean of ``paid`` (an outcome or its residual) over that hour and its
    neighbours (weights 1/4, 1/2, 1/4) minus the overall mean. Responsiveness changes smoothly
    over a day, so pooling neighbours finds a peak with more power than single hours."""
    n = np.bincount(hours, weights=weights, minlength=24)
    k = np.bincount(hours, weights=weights * paid, minlength=24)
    kernel_n = 0.5 * n + 0.25 * (np.roll(n, 1) + np.roll(n, -1))
    kernel_k = 0.5 * k + 0.25 * (np.roll(k, 1) + np.roll(k, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = kernel_k / kernel_n
    return rate - k.sum() / n.sum()


def send_hour(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, pd.DataFrame]:
    """Effect of local send hour on the customer's payment in response, and the best hour.

    The outcome is ``_customer_paid`` (a payment the customer makes within the attribution
    window), not ``paid_within_n_days``: scheduled debits and retries run at the creditor's fixed
    times whatever the send hour, so counting them credits an hour with the debits that happen
    to fall inside its window (e.g. a notice sent early, right after a failed debit, has the next
    retry in its window more often than one sent late).
    Per channel, over delivered outbound contacts: adjusted rates per hour (logit with stage, days
    past due and amount at the start of the send day, ``_overdue_at_start_of_day``); the best
    hour = the peak of the neighbour-smoothed rate; its lift = rate at that hour minus the rate
    at all other hours, with a 95 % CI; its p-value from a permutation test of the *maximum*
    smoothed lift (hours shuffled within stage), so choosing the best of many hours does not
    inflate significance; the best hour's interval from a bootstrap.
    """
    contacts = _contacts_for_models(con, filters)
    if "is_delivered" in contacts:
        contacts = contacts[contacts["is_delivered"].fillna(False).astype(bool)]
    contacts = contacts.assign(paid=_customer_paid(con, contacts).astype(int))
    dpd, amount = _overdue_at_start_of_day(con, contacts)
    contacts["log_dpd"] = np.log1p(dpd.clip(lower=0))
    contacts["log_amount"] = np.log1p(amount.clip(lower=0))
    effects, best = [], []
    rng = np.random.default_rng(7)
    for channel, frame in contacts.groupby("channel"):
        if len(frame) < MIN_CHANNEL_CONTACTS:
            continue
        counts = frame["local_send_hour"].value_counts()
        hours = sorted(counts[counts >= max(30, MIN_HOUR_SHARE * len(frame))].index)
        if len(hours) < 3:
            continue
        frame = frame[frame["local_send_hour"].isin(hours)]
        if len(frame) > MODEL_SAMPLE:
            frame = frame.sample(MODEL_SAMPLE, random_state=0)
        result, x = _hour_model(frame, hours)
        betas = np.vstack([np.asarray(result.params), coefficient_draws(result, DRAWS, rng)])
        rates = _standardised_rates(result, x, hours, betas)
        raw = frame.groupby("local_send_hour")["paid"].agg(["size", "sum"])
        best_row, prob_best = _best_hour(frame, hours, rng)
        for j, hour in enumerate(hours):
            effects.append({
                "channel": channel, "local_send_hour": hour, "contacts": int(raw.loc[hour, "size"]),
                "paid": int(raw.loc[hour, "sum"]),
                "raw_rate": raw.loc[hour, "sum"] / raw.loc[hour, "size"],
                "adjusted_rate": rates[0, j], "ci_low": np.quantile(rates[1:, j], 0.025),
                "ci_high": np.quantile(rates[1:, j], 0.975),
                "prob_best": prob_best.get(hour, 0.0),
            })
        best.append({"channel": channel, **best_row})
    return {"send_hour_effect": pd.DataFrame(effects), "best_send_hour": pd.DataFrame(best)}


def _customer_paid(con: duckdb.DuckDBPyConnection, contacts: pd.DataFrame) -> pd.Series:
    """Whether a payment other than an automatic debit (``AUTOMATIC_KINDS``) succeeded at or after
    each contact was sent and within the attribution window: on the contact's plan, or on any plan
    of its customer when the contact names none (the warehouse's attribution rule). Customer-
    initiated, agent-assisted and agency payments are what a message can prompt."""
    table = require(con, "fct_payment_attempts",
                    ["plan_id", "customer_id", "attempted_at", "kind", "status"])
    contact_table = require(con, "fct_contacts", ["contact_id", "plan_id", "customer_id",
                                                  "sent_at"])
    automatic = ", ".join(f"'{kind}'" for kind in AUTOMATIC_KINDS)
    window = attribution_window_days(con)
    con.register("_send_hour_contacts", contacts[["contact_id"]])
    try:
        paid = con.execute(
            f"""
            with c as (
                select k.contact_id, k.plan_id, k.customer_id, k.sent_at from {contact_table} k
                semi join _send_hour_contacts s on s.contact_id = k.contact_id
            ), p as (
                select plan_id, customer_id, attempted_at from {table}
                where status = 'succeeded' and kind not in ({automatic})
            )
            select c.contact_id from c join p on p.plan_id = c.plan_id
             and p.attempted_at >= c.sent_at
             and p.attempted_at <= c.sent_at + interval {window} day
            union
            select c.contact_id from c join p on p.customer_id = c.customer_id
             and p.attempted_at >= c.sent_at
             and p.attempted_at <= c.sent_at + interval {window} day
            where c.plan_id is null
            """
        ).df()["contact_id"]
    finally:
        con.unregister("_send_hour_contacts")
    return contacts["contact_id"].isin(set(paid))


def _overdue_at_start_of_day(
    con: duckdb.DuckDBPyConnection, contacts: pd.DataFrame
) -> tuple[pd.Series, pd.Series]:
    """Days past due and amount overdue on each contact's plan at the start of its send day.

    ``fct_contacts`` gives the state at the *end* of the send day, which a payment the contact
    prompts that same evening has already cleared: as a control it would explain the hour's
    effect away. Here each overdue installment counts with its first spell overlapping the send
    day (``int_installment_overdue_spells``), whatever is paid that day. Without that table (a
    warehouse built otherwise) the end-of-day values are kept.
    """
    spells = find_table(con, "int_installment_overdue_spells")
    end_of_day = (contacts["days_past_due_at_send"].astype(float),
                  contacts["overdue_amount_at_send"].astype(float))
    needed = {"installment_id", "plan_id", "due_date", "valid_from", "valid_to",
              "outstanding_amount"}
    if spells is None or not needed <= columns(con, "int_installment_overdue_spells"):
        return end_of_day
    table = require(con, "fct_contacts", ["contact_id", "plan_id", "sent_at"])
    con.register("_send_hour_contacts", contacts[["contact_id"]])
    try:
        state = con.execute(
            f"""
            with c as (
                select k.contact_id, k.plan_id, cast(k.sent_at as date) as day from {table} k
                semi join _send_hour_contacts s on s.contact_id = k.contact_id
            ), overlapping as (
                select c.contact_id, c.day, s.due_date, s.outstanding_amount,
                       row_number() over (partition by c.contact_id, s.installment_id
                                          order by s.valid_from) as spell
                from c join {spells} s on s.plan_id = c.plan_id and s.valid_from <= c.day
                 and (s.valid_to is null or s.valid_to >= c.day)
            )
            select contact_id, max(date_diff('day', due_date, day)) as dpd,
                   sum(outstanding_amount) as amount
            from overlapping where spell = 1 group by contact_id
            """
        ).df().set_index("contact_id")
    finally:
        con.unregister("_send_hour_contacts")
    ids = contacts["contact_id"]
    return (ids.map(state["dpd"]).fillna(0).astype(float).set_axis(contacts.index),
            ids.map(state["amount"]).fillna(0).astype(float).set_axis(contacts.index))


def _best_hour(
    frame: pd.DataFrame, hours: list[int], rng: np.random.Generator
) -> tuple[dict, dict[int, float]]:
    """Best hour, its lift over the other hours (CI), permutation p-value, bootstrap interval."""
    hour = frame["local_send_hour"].to_numpy()
    paid = frame["paid"].to_numpy(dtype=float)
    allowed = np.isin(np.arange(24), hours)
    # Work on residuals of a controls-only logit (stage, days past due, amount): the lift of an
    # hour is then its excess payment rate among comparable contacts.
    controls = design(frame, CONTROLS_CATEGORICAL, CONTROLS_NUMERIC)
    baseline = logit(paid, controls).fittedvalues
    residual = paid - np.asarray(baseline)
    ones = np.ones(len(frame))
    observed = np.where(allowed, _smoothed_lift(hour, residual, ones), -np.inf)
    best_hour = int(np.argmax(observed))
    # Permutation null of the maximum: shuffle hours within stage (keeps each stage's hour mix).
    strata = frame["stage"].astype("category").cat.codes.to_numpy()
    order = np.argsort(strata, kind="stable")
    blocks = np.split(np.arange(len(order)), np.flatnonzero(np.diff(strata[order])) + 1)
    sorted_hour, sorted_residual = hour[order], residual[order]
    maxima = np.empty(PERMUTATIONS)
    for b in range(PERMUTATIONS):
        shuffled = sorted_hour.copy()
        for block in blocks:
            shuffled[block] = rng.permutation(shuffled[block])
        maxima[b] = np.max(np.where(allowed, _smoothed_lift(shuffled, sorted_residual, ones),
                                    -np.inf))
    p_value = (1 + (maxima >= observed[best_hour]).sum()) / (PERMUTATIONS + 1)
    # Bootstrap (Poisson weights) of the winning hour.
    winners = np.array([
        int(np.argmax(np.where(allowed, _smoothed_lift(
            hour, residual, rng.poisson(1.0, len(frame)).astype(float)), -np.inf)))
        for _ in range(BOOTSTRAP)])
    at_best = hour == best_hour
    k1, n1 = paid[at_best].sum(), at_best.sum()
    k0, n0 = paid[~at_best].sum(), (~at_best).sum()
    # Adjusted lift: excess of residuals at the best hour over the others (Welch interval).
    diff = residual[at_best].mean() - residual[~at_best].mean()
    se = np.sqrt(residual[at_best].var(ddof=1) / n1 + residual[~at_best].var(ddof=1) / n0)
    low, high = diff - Z95 * se, diff + Z95 * se
    x = controls.assign(best_hour=at_best.astype(float))
    fit = logit(paid, x, groups=frame["customer_id"].to_numpy())
    ratio, or_low, or_high, _ = odds_ratio(fit, "best_hour")
    row = {
        "best_hour": best_hour, "best_hour_ci_low": int(np.quantile(winners, 0.025)),
        "best_hour_ci_high": int(np.quantile(winners, 0.975)),
        "contacts": len(frame), "contacts_at_best": int(n1),
        "rate_best": k1 / n1, "rate_other": k0 / n0, "uplift_abs": diff,
        "uplift_ci_low": low, "uplift_ci_high": high,
        "odds_ratio": ratio, "or_ci_low": or_low, "or_ci_high": or_high, "p_value": p_value,
    }
    return row, {h: float((winners == h).mean()) for h in hours}


def _complaints(con: duckdb.DuckDBPyConnection, contacts: pd.DataFrame) -> pd.Series | None:
    """Whether each contact was followed by a complaint from its customer within 7 days.

    A complaint is feedback with satisfaction <= 2, or a tension flag about contact frequency
    when the speech outputs are in the warehouse. None when neither source exists.
    """
    sources = []
    feedback = find_table(con, "stg_feedback")
    if feedback is not None and {"satisfaction", "submitted_at"} <= columns(con, "stg_feedback"):
        sources.append(f"select customer_id, cast(submitted_at as timestamp) as at from {feedback} "
                       "where satisfaction <= 2")
    if not sources:
        return None
    con.register("_fatigue_contacts", contacts[["contact_id", "customer_id", "sent_at"]])
    try:
        flagged = con.execute(
            f"""
            select distinct c.contact_id from _fatigue_contacts c
            join ({' union all '.join(sources)}) s on s.customer_id = c.customer_id
             and s.at >= c.sent_at and s.at < c.sent_at + interval 7 day
            """
        ).df()["contact_id"]
    finally:
        con.unregister("_fatigue_contacts")
    return contacts["contact_id"].isin(set(flagged))


def _response(contacts: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Which messages the customer saw, and which of those they responded to (clicked).

    A click is the customer's own answer to *this* message, unlike a payment in the days after it,
    which also counts scheduled retries and payday payments that the contact cadence ties to the
    contact count. A click needs the message seen: an open where the channel tracks opens (some
    delivered messages are opened with no click or reply), a delivery where it does not (an
    "open" then only mirrors the click or reply). Conditioning on the open keeps open tracking
    out of the response, so the fatigue odds ratio is that of the click itself.
    """
    clicked = contacts["is_clicked"].fillna(False).astype(bool)
    replied = contacts["is_replied"].fillna(False).astype(bool)
    opened = contacts["is_opened"].fillna(False).astype(bool)
    bare_open = (opened & ~clicked & ~replied).groupby(contacts["channel"]).transform("any")
    seen = ~bare_open | opened
    return seen, clicked


def contact_fatigue(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, pd.DataFrame]:
    """Conversion and complaint rate by contacts in the past 7 days, and the fatigue threshold.

    Over delivered digital messages (calls and letters excluded: fatigue is about messages). The
    table shows payment within N days and complaints per count; the threshold and its odds ratio
    are measured on the response to the message (a click among messages seen, ``_response``).
    """
    contacts = _contacts_for_models(con, filters)
    contacts = contacts[contacts["channel"].isin(DIGITAL_CHANNELS)]
    if "is_delivered" in contacts:
        contacts = contacts[contacts["is_delivered"].fillna(False).astype(bool)]
    contacts = contacts.assign(
        dpd_bucket=pd.cut(contacts["days_past_due_at_send"].astype(float), DPD_EDGES,
                          right=False).astype(str),
        dpd_day=contacts["days_past_due_at_send"].clip(upper=DPD_DAY_CAP).astype(str))
    contacts["bucket"] = contacts["contacts_prev_7d"].clip(upper=FATIGUE_CAP).astype(int)
    complaint = _complaints(con, contacts)
    contacts["complaint"] = complaint.astype(int) if complaint is not None else np.nan
    table = contacts.groupby("bucket").agg(
        contacts=("paid", "size"), paid=("paid", "sum"), complaints=("complaint", "sum"))
    table["paid_rate"] = table["paid"] / table["contacts"]
    table["paid_ci_low"], table["paid_ci_high"] = wilson(table["paid"], table["contacts"])
    # Rates use every contact; the regressions use a sample of customers (all their contacts).
    if len(contacts) > FATIGUE_SAMPLE:
        # sorted first, so the sample depends on the customers, not on the warehouse's row order
        customers = contacts["customer_id"].drop_duplicates().sort_values()
        keep = set(customers.sample(frac=FATIGUE_SAMPLE / len(contacts), random_state=4))
        contacts = contacts[contacts["customer_id"].isin(keep)]
    x = design(contacts, FATIGUE_CONTROLS, ["log_amount"])
    buckets = sorted(contacts["bucket"].unique())
    for b in buckets[1:]:
        x[f"bucket_{b}"] = (contacts["bucket"] == b).astype(float).to_numpy()
    fit = logit(contacts["paid"], x)
    rows = x.sample(min(len(x), 2_000), random_state=0).copy()
    rows[[f"bucket_{b}" for b in buckets[1:]]] = 0.0
    adjusted = {}
    for b in buckets:
        trial = rows.copy()
        if b != buckets[0]:
            trial[f"bucket_{b}"] = 1.0
        adjusted[b] = float(expit(trial.to_numpy() @ np.asarray(fit.params)).mean())
    table["adjusted_paid_rate"] = pd.Series(adjusted)
    if complaint is None:
        table["complaints"] = np.nan
        table["complaint_rate"] = np.nan
        table["complaint_ci_low"] = table["complaint_ci_high"] = np.nan
    else:
        table["complaint_rate"] = table["complaints"] / table["contacts"]
        table["complaint_ci_low"], table["complaint_ci_high"] = wilson(table["complaints"],
                                                                       table["contacts"])
    table = table.reset_index().rename(columns={"bucket": "contacts_prev_7d"})
    if not {"is_clicked", "is_opened", "is_replied"} <= set(contacts.columns):
        raise MissingInput("fct_contacts has no click, open and reply flags to measure fatigue")
    seen, clicked = _response(contacts)
    effect = _fatigue_threshold(contacts[seen].assign(response=clicked[seen].astype(int)),
                                buckets)
    return {"contact_fatigue": table, "fatigue_effect": pd.DataFrame([effect])}


def _fatigue_threshold(contacts: pd.DataFrame, buckets: list[int]) -> dict:
    """Threshold k chosen on one half of customers (best step-model likelihood), OR on the other.

    Response (click) ~ step at k + stage + channel + days past due as categories + log amount.
    The cadence ties the contact count to the day past due, and customers who keep not paying
    keep being contacted, so each day past due (up to ``DPD_DAY_CAP``) gets its own level: the
    step is then measured between messages sent on the same day of their cases, which differ in
    count by the strategy, the channels the customer can receive, calls and the customer's other
    contacts. Choosing k among the candidates by likelihood on one half and estimating on the
    other keeps the odds ratio and its p-value free of the selection.
    """
    first = split_halves(contacts["customer_id"], seed=23)
    select, measure = contacts[first], contacts[~first]
    base = design(select, FATIGUE_RESPONSE_CONTROLS, ["log_amount"])
    best_k, best_ll = None, -np.inf
    for k in buckets[1:]:
        above = (select["bucket"] >= k).astype(float).to_numpy()
        if above.sum() < 100 or (1 - above).sum() < 100:
            continue
        ll = logit_llf(select["response"], base.assign(above=above))
        if ll > best_ll:
            best_k, best_ll = k, ll
    if best_k is None:
        raise MissingInput("not enough contacts above any fatigue threshold")
    x = design(measure, FATIGUE_RESPONSE_CONTROLS, ["log_amount"])
    above = (measure["bucket"] >= best_k).astype(float).to_numpy()
    x["above"] = above
    fit = logit(measure["response"], x, groups=measure["customer_id"].to_numpy())
    ratio, low, high, p = odds_ratio(fit, "above")
    rows = x[above == 1]
    p_above = expit(rows.to_numpy() @ np.asarray(fit.params))
    p_below = expit(rows.assign(above=0.0).to_numpy() @ np.asarray(fit.params))
    return {
        "threshold": int(best_k), "contacts_above": int((contacts["bucket"] >= best_k).sum()),
        "rate_above": float(p_above.mean()), "rate_below": float(p_below.mean()),
        "odds_ratio": ratio, "ci_low": low, "ci_high": high, "p_value": p,
    }
