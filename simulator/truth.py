"""What was planted, and how big it turned out in this dataset: ``_truth.json`` and ``_truth/``.

Read by tests only, never by the product. Keys and units are documented in simulator/TRUTH.md.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from simulator import timeline as cal
from simulator.dunning import LETTER, OPEN_RATE, REASONS, SMS, TEAM_TYPE_OF, TEAM_TYPES
from simulator.effects import Effects
from simulator.episodes import EpisodeResult, counterfactual_cure
from simulator.ids import make_ids
from simulator.portfolio import CARD_EXPIRED, DISPUTED, IF, Portfolio
from simulator.rand import HashUniform
from simulator.tables import ATTEMPT_KINDS

SCHEDULE_NAMES = cal.PAY_SCHEDULES


def _rate(mask: np.ndarray, within: np.ndarray) -> float | None:
    n = int(within.sum())
    return float((mask & within).sum() / n) if n else None


def _ci(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def payday_timing(pf: Portfolio, effects: Effects) -> dict:
    scheduled = pf.inst_has_attempt & ~pf.inst_at_checkout
    mis = pf.inst_misaligned & scheduled
    al = ~pf.inst_misaligned & scheduled
    fail = pf.inst_first_failure >= 0
    funds = pf.inst_first_failure == IF
    caused = funds & ~pf.inst_failed_cf
    failed_total = int((fail & scheduled).sum())
    r_if_m, r_if_a = _rate(funds, mis), _rate(funds, al)
    odds = None
    if r_if_m and r_if_a:
        odds = (r_if_m / (1 - r_if_m)) / (r_if_a / (1 - r_if_a))
    return {
        "planted": effects.timing_log_odds_at_eve != 0,
        "log_odds_at_payday_eve": effects.timing_log_odds_at_eve,
        "window_days_monthly": effects.timing_window_days_monthly,
        "window_days_short_cycle": effects.timing_window_days_short_cycle,
        "scheduled_debits": int(scheduled.sum()),
        "share_debits_misaligned": _ci(_rate(mis, scheduled)),
        "failure_rate_misaligned": _ci(_rate(fail, mis)),
        "failure_rate_aligned": _ci(_rate(fail, al)),
        "failure_rate_gap": _ci((_rate(fail, mis) or 0) - (_rate(fail, al) or 0)),
        "insufficient_funds_rate_misaligned": _ci(r_if_m),
        "insufficient_funds_rate_aligned": _ci(r_if_a),
        "insufficient_funds_odds_ratio": _ci(odds),
        "failed_first_attempts": failed_total,
        "failed_first_attempts_caused_by_timing": int((caused & scheduled).sum()),
        "share_failed_caused_by_timing": _ci(
            (caused & scheduled).sum() / failed_total if failed_total else None),
        "share_insufficient_funds_caused_by_timing": _ci(
            (caused & scheduled).sum() / max(int((funds & scheduled).sum()), 1)),
    }


def customers_truth(pf: Portfolio) -> pa.Table:
    n = pf.cust_country.size
    scheduled = pf.inst_has_attempt & ~pf.inst_at_checkout
    cust = pf.plan_customer[pf.inst_plan]
    n_debits = np.bincount(cust[scheduled], minlength=n)
    n_mis = np.bincount(cust[scheduled & pf.inst_misaligned], minlength=n)
    n_fail = np.bincount(cust[scheduled & (pf.inst_first_failure >= 0)], minlength=n)
    n_caused = np.bincount(cust[scheduled & (pf.inst_first_failure == IF) & ~pf.inst_failed_cf],
                           minlength=n)
    share = np.where(n_debits > 0, n_mis / np.maximum(n_debits, 1), np.nan)
    # median day of month of the paydays inside the window (monthly schedules: at most ~20)
    monthly = np.flatnonzero(pf.cust_schedule <= 1)
    median_dom = np.full(n, np.nan)
    for lo in range(0, monthly.size, 200_000):
        rows = monthly[lo: lo + 200_000]
        pd = pf.paydays[rows, :24].astype(np.int32) + cal.PAY_FROM
        inside = (pd >= cal.START) & (pd <= cal.END)
        dom = np.where(inside, cal.day_of_month(np.where(inside, pd, cal.START)), 99)
        dom.sort(axis=1)
        count = inside.sum(axis=1)
        r = np.arange(rows.size)
        mid = (dom[r, np.maximum((count - 1) // 2, 0)] + dom[r, np.maximum(count // 2, 0)]) / 2
        median_dom[rows] = np.where(count > 0, mid, np.nan)
    payday_dom = np.where(pf.cust_schedule == 0, pf.cust_payday_dom,
                          np.where(pf.cust_schedule == 1, -1, 0))
    return pa.table({
        "customer_id": make_ids("C", np.arange(n), 8),
        "pay_schedule": pa.array(np.array(SCHEDULE_NAMES, dtype=object)[pf.cust_schedule]
                                 .tolist(), type=pa.string()),
        "payday_day_of_month": pa.array(payday_dom, mask=payday_dom == 0),
        "payday_median_day_of_month": pa.array(median_dom, mask=np.isnan(median_dom)),
        "scheduled_debits": pa.array(n_debits.astype(np.int64)),
        "debits_before_payday": pa.array(n_mis.astype(np.int64)),
        "share_debits_before_payday": pa.array(share, mask=np.isnan(share)),
        "misaligned": pa.array((share >= 0.5) & (n_debits > 0)),
        "failed_first_debits": pa.array(n_fail.astype(np.int64)),
        "failed_debits_caused_by_timing": pa.array(n_caused.astype(np.int64)),
        "capacity": pa.array(np.round(-pf.cust_risk, 4)),
        "willingness": pa.array(np.round(pf.cust_willingness, 4)),
        "plan_count": pa.array(pf.cust_plan_count.astype(np.int64)),
        "multi_debtor": pa.array(pf.cust_plan_count >= 4),
    })


def paid_within(plan: np.ndarray, sent: np.ndarray, payments: dict[str, np.ndarray],
                days: int) -> np.ndarray:
    """Whether a payment on ``plan`` succeeded at or after ``sent`` and within ``days`` days
    (UTC microseconds): a contact's "paid within N days" as the data define it."""
    origin = (cal.START - 1) * cal.DAY_US

    def key(plans: np.ndarray, at: np.ndarray) -> np.ndarray:  # (plan, second) in one int64
        return plans.astype(np.int64) * (1 << 28) + (at - origin) // 1_000_000

    paid = np.sort(key(payments["plan"], payments["at"]))
    if paid.size == 0:
        return np.zeros(plan.size, dtype=bool)
    start = key(plan, sent)
    first = paid[np.minimum(np.searchsorted(paid, start), paid.size - 1)]
    return (first >= start) & (first <= start + days * 86_400)


def send_hour(res: EpisodeResult, effects: Effects, sent: np.ndarray,
              payments: dict[str, np.ndarray]) -> dict:
    """``sent``: UTC send time of each dunning contact (microseconds); ``payments``: the
    successful payment attempts (plan, UTC time) as written to the tables."""
    c = res.outcome.contacts
    sms = (c["channel"] == SMS) & c["delivered"] if c else np.array([], bool)
    plan = res.episodes.plan[c["ep"]].astype(np.int64)
    paid3 = paid_within(plan, sent, payments, 3)
    # the same outcome counting only payments the customer makes (not a scheduled debit or retry)
    own = ~np.isin(payments["kind"], [ATTEMPT_KINDS.index("scheduled"),
                                      ATTEMPT_KINDS.index("retry")])
    customer3 = paid_within(plan, sent, {k: v[own] for k, v in payments.items()}, 3)
    eligible = sms & (sent + 3 * cal.DAY_US < (cal.END + 1) * cal.DAY_US)
    best = c["hour"] == effects.sms_best_hour
    other = eligible & ~best
    return {
        "planted": effects.sms_best_hour_log_odds != 0,
        "channel": "sms",
        "best_local_hour": effects.sms_best_hour if effects.sms_best_hour_log_odds else None,
        "log_odds_at_best_hour": effects.sms_best_hour_log_odds,
        "log_odds_at_neighbour_hours": effects.sms_best_hour_log_odds / 2,
        "outcome": "a payment on the plan succeeded at or after the delivered SMS was sent, "
                   "within 3 days",
        "sms_delivered": int(eligible.sum()),
        "observed_rate_best_hour": _ci(_rate(paid3, eligible & best)),
        "observed_rate_other_hours": _ci(_rate(paid3, other)),
        "observed_lift": _ci((_rate(paid3, eligible & best) or 0) - (_rate(paid3, other) or 0)),
        "customer_outcome": "the same, counting only payments the customer makes (customer-"
                            "initiated, agent-assisted, agency): not scheduled debits or retries",
        "observed_customer_rate_best_hour": _ci(_rate(customer3, eligible & best)),
        "observed_customer_rate_other_hours": _ci(_rate(customer3, other)),
        "observed_customer_lift": _ci((_rate(customer3, eligible & best) or 0)
                                      - (_rate(customer3, other) or 0)),
        "expected_contact_caused_lift": _ci(float(np.mean(
            c["p_pay_best"][other] - c["p_pay"][other])) if other.any() else None),
    }


def fatigue(res: EpisodeResult, effects: Effects) -> dict:
    c = res.outcome.contacts
    digital = c["channel"] != 2
    fat = c["prev7"] >= effects.fatigue_threshold_prev_7d
    comp = res.outcome.complaints
    n_comp_f = n_comp_n = 0
    if comp and comp["ep"].size:
        key_c = c["ep"].astype(np.int64) * 1024 + c["t"]
        # complaints follow the contact they answer: count them by that contact's fatigue
        fat_key = key_c[digital & fat] * 16 + c["channel"][digital & fat]
        ck = comp["ep"].astype(np.int64) * 1024 * 16 + comp["t"] * 16 + comp["channel"]
        is_f = np.isin(ck, fat_key)
        n_comp_f, n_comp_n = int(is_f.sum()), int((~is_f).sum())
    n_f, n_n = int((digital & fat & c["delivered"]).sum()), int(
        (digital & ~fat & c["delivered"]).sum())
    # seen (letters have no click): opened where the channel tracks opens, else delivered (SMS)
    seen = (digital & (c["channel"] != LETTER) & c["delivered"]
            & (c["opened"] | ~np.isin(c["channel"], list(OPEN_RATE))))
    return {
        "planted": effects.fatigue_log_odds != 0,
        "threshold_prev_7d": effects.fatigue_threshold_prev_7d,
        "definition": "a contact with at least `threshold_prev_7d` contacts sent in the 7 days "
                      "(168 hours) before it: the case's messages, calls and inbound contacts "
                      "and the customer's reminders",
        "log_odds_conversion": effects.fatigue_log_odds,
        "outcomes": "the click on a message seen (opened where the channel tracks opens, "
                    "delivered for SMS) and the payment the message prompts; a payment during "
                    "a call",
        "complaint_rate_base": effects.complaint_rate_base,
        "complaint_rate_fatigued": effects.complaint_rate_fatigued,
        "observed_conversion_below": _ci(_rate(c["converted"], digital & ~fat & c["delivered"])),
        "observed_conversion_at_or_above": _ci(_rate(c["converted"],
                                                     digital & fat & c["delivered"])),
        "observed_click_rate_below": _ci(_rate(c["clicked"], seen & ~fat)),
        "observed_click_rate_at_or_above": _ci(_rate(c["clicked"], seen & fat)),
        "observed_complaint_rate_below": _ci(n_comp_n / n_n if n_n else None),
        "observed_complaint_rate_at_or_above": _ci(n_comp_f / n_f if n_f else None),
    }


def experiment(res: EpisodeResult, effects: Effects, hu: HashUniform) -> dict:
    ep, out = res.episodes, res.outcome
    eligible = (ep.arm >= 0) & (ep.open_day + 30 <= cal.END)
    cure30 = (out.cured_t >= 0) & (out.cured_t <= 30)
    observed = {}
    for k, arm in enumerate(("champion", "challenger", "holdout")):
        observed[arm] = _ci(_rate(cure30, eligible & (ep.arm == k)))
    lifts = {}
    for arm, label in ((1, "challenger_vs_champion"), (2, "champion_vs_holdout")):
        rows = np.flatnonzero(eligible & (ep.arm == arm))
        if rows.size == 0:
            lifts[label] = None
            continue
        cf = counterfactual_cure(res, rows, effects, hu, arm=0)
        cf30 = (cf >= 0) & (cf <= 30)
        actual = cure30[rows]
        lifts[label] = _ci(float(actual.mean() - cf30.mean()) if arm == 1
                           else float(cf30.mean() - actual.mean()))
    return {
        "planted": effects.challenger_log_odds != 0 or effects.holdout_silent_days != 0,
        "experiment_id": effects.experiment_id,
        "start": effects.experiment_start,
        "unit": "collection case (episode) opened on or after start; arm fixed per plan",
        "arm_shares": {"champion": (1 - effects.holdout_share) / 2,
                       "challenger": (1 - effects.holdout_share) / 2,
                       "holdout": effects.holdout_share},
        "metric": "cure within 30 days of the case opening (cases opened >= 30 days before end)",
        "challenger_log_odds": effects.challenger_log_odds,
        "holdout_silent_days": effects.holdout_silent_days,
        "cases_by_arm": {a: int((eligible & (ep.arm == k)).sum())
                         for k, a in enumerate(("champion", "challenger", "holdout"))},
        "observed_cure30_by_arm": observed,
        "true_lift_cure30_challenger_vs_champion": lifts["challenger_vs_champion"],
        "true_lift_cure30_champion_vs_holdout": lifts["champion_vs_holdout"],
    }


def teams(res: EpisodeResult, effects: Effects, allocation_truth: dict) -> dict:
    ep, out = res.episodes, res.outcome
    e, team, t = allocation_truth["ep"], allocation_truth["team"], allocation_truth["t"]
    ttype = TEAM_TYPE_OF[team]
    horizon_ok = ep.open_day[e] + t + 90 <= cal.END
    cured90 = (out.cured_t[e] >= 0) & (out.cured_t[e] <= t + 90)
    obs, cnt = {}, {}
    for k, name in enumerate(TEAM_TYPES):
        rows = horizon_ok & (ttype == k)
        cnt[name] = int(rows.sum())
        obs[name] = _ci(_rate(cured90, rows))
    return {
        "planted": any(v != 0 for v in effects.team_log_odds.values()),
        "log_odds_by_team_type": effects.team_log_odds,
        "allocation": "day 10 past due: in_house or call_center at random (50/50); day 45: "
                      "field_agent (35%) or agency (65%) at random",
        "cases_allocated": cnt,
        "observed_cure_within_90d_of_assignment": obs,
    }


def merchants(pf: Portfolio, effects: Effects) -> dict:
    defect = np.isin(pf.plan_merchant, pf.defect_merchants)
    ids = [f"M{int(m):03d}" for m in pf.defect_merchants]
    return {
        "planted": effects.defect_merchant_count > 0,
        "defect_merchant_ids": ids,
        "defect_merchant_names": [pf.merchant_names[m] for m in pf.defect_merchants],
        "dispute_rate_defect_planted": effects.defect_dispute_rate if ids else None,
        "dispute_rate_base_planted": effects.base_dispute_rate,
        "observed_disputed_plan_share_defect": _ci(_rate(pf.plan_disputed, defect)),
        "observed_disputed_plan_share_others": _ci(_rate(pf.plan_disputed, ~defect)),
        "plans_defect": int(defect.sum()),
    }


def card_wave(pf: Portfolio, effects: Effects) -> dict:
    scheduled = pf.inst_has_attempt & ~pf.inst_at_checkout
    card = scheduled & (pf.plan_method[pf.inst_plan] == 0)
    in_wave = cal.month_index(pf.inst_due) == cal.month_index_of(effects.card_wave_month)
    expired = pf.inst_first_failure == CARD_EXPIRED
    return {
        "planted": effects.card_wave_multiplier != 1.0,
        "month": effects.card_wave_month if effects.card_wave_multiplier != 1.0 else None,
        "multiplier": effects.card_wave_multiplier,
        "base_rate": effects.card_expired_base_rate,
        "scope": "first scheduled debits of card plans, by due month",
        "observed_rate_wave_month": _ci(_rate(expired, card & in_wave)),
        "observed_rate_other_months": _ci(_rate(expired, card & ~in_wave)),
    }


def reasons(res: EpisodeResult) -> dict:
    counts = np.bincount(res.episodes.reason, minlength=len(REASONS))
    return {"episode_reason_counts": {r: int(c) for r, c in zip(REASONS, counts, strict=True)},
            "disputed_failures_are": "dispute_or_return",
            "note": "one true reason per collection episode; see _truth/cases.parquet"}


def cases_truth(res: EpisodeResult, pf: Portfolio) -> pa.Table:
    ep, out = res.episodes, res.outcome
    return pa.table({
        "plan_id": make_ids("P", ep.plan, 9),
        "customer_id": make_ids("C", ep.cust, 8),
        "opened_date": pa.array(ep.open_day.astype(np.int32)).cast(pa.date32()),
        "opening_installment_id": make_ids("I", res.head, 10),
        "reason": pa.array(np.array(REASONS, dtype=object)[ep.reason].tolist(), pa.string()),
        "experiment_arm": pa.array(
            np.array(["champion", "challenger", "holdout"], dtype=object)[np.maximum(ep.arm, 0)]
            .tolist(), mask=ep.arm < 0, type=pa.string()),
        "cured_days": pa.array(out.cured_t, mask=out.cured_t < 0),
        "timing_caused": pa.array((res.first_failure == IF) & pf.inst_misaligned[res.head]
                                  & ~pf.inst_failed_cf[res.head]),
        "disputed": pa.array(res.first_failure == DISPUTED),
    })
