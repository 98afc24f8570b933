"""Each analysis on tiny hand-built data, against an answer computed by hand (in the comments)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from analysis import channels, debit_timing, experiments, merchants, recovery, scoring
from analysis.db import NO_FILTERS, Filters
from analysis.root_causes import rank_root_causes
from analysis.stats import bh, ols, ratio_ci, wilson
from tests.analysis.handmade import warehouse


def test_wilson_bh_and_ratio_interval_match_hand_computation():
    low, high = wilson([5], [10])
    # Wilson, k=5, n=10, z=1.96: 0.5 ± 1.96·sqrt(0.025 + 0.009604)/1.38416 = 0.2366, 0.7634
    assert low[0] == pytest.approx(0.2366, abs=1e-4)
    assert high[0] == pytest.approx(0.7634, abs=1e-4)
    # BH: sorted p 0.01, 0.03, 0.04, 0.2 → m·p/rank 0.04, 0.06, 0.0533, 0.2 → step-up minima.
    assert bh([0.01, 0.04, 0.03, 0.2]) == pytest.approx([0.04, 0.05333, 0.05333, 0.2], abs=1e-4)
    # R = 6/6 = 1; residuals -1, 0, 1 → Σ² = 2 · n/(n-1) = 3 → se = √3/6 = 0.2887.
    ratio, lo, hi = ratio_ci(np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 2.0]))
    assert ratio == 1.0
    assert (lo, hi) == pytest.approx((1 - 1.96 * 0.288675, 1 + 1.96 * 0.288675), abs=1e-3)


def _cases() -> pd.DataFrame:
    return pd.DataFrame({
        "case_id": ["c1", "c2", "c3", "c4"],
        "customer_id": ["u1", "u2", "u3", "u4"],
        "merchant_id": ["m1", "m1", "m2", "m2"],
        "country": ["FR"] * 4,
        "plan_type": ["pay_in_3", "pay_in_3", "pay_in_4", "pay_in_4"],
        "team_type": ["in_house", "in_house", "agency", "agency"],
        "experiment_arm": [None] * 4,
        "opened_date": [date(2026, 1, 5), date(2026, 1, 20), date(2026, 1, 10), date(2026, 3, 1)],
        "closed_date": [date(2026, 1, 7), None, date(2026, 1, 14), date(2026, 3, 6)],
        "outcome": ["cured", "open", "cured", "escalated"],
        "age_days": [100, 40, 95, 3],
        "overdue_amount": [100.0, 100.0, 200.0, 50.0],
        "recovered_d5": [100.0, 0.0, 50.0, 0.0],
        "recovered_d30": [100.0, 50.0, 200.0, 0.0],
        "recovered_d60": [100.0, 50.0, 200.0, 0.0],
        "recovered_d90": [100.0, 50.0, 200.0, 0.0],
    })


def test_cohort_recovery_share_and_band_by_hand():
    con = warehouse(fct_collection_cases=_cases())
    out = recovery.cohort_recovery(con, NO_FILTERS)
    jan30 = out[(out.segment_type == "all") & (out.day == 30)
                & (out.cohort_month == pd.Timestamp("2026-01-01"))].iloc[0]
    # Cases at least 30 days old in January: c1, c2, c3 → (100 + 50 + 200) / 400 = 0.875.
    assert jan30["cases"] == 3
    assert jan30["recovered_share"] == pytest.approx(0.875)
    # Residuals y - R·x: 12.5, -37.5, 25 → Σ² = 2187.5 · 3/2 = 3281.25 → se = 57.28/400.
    assert jan30["ci_high"] - jan30["recovered_share"] == pytest.approx(1.96 * 0.143205, abs=1e-3)
    # Day 90: only c1 and c3 are 90+ days old → 300/300.
    jan90 = out[(out.segment_type == "all") & (out.day == 90)].iloc[0]
    assert (jan90["cases"], jan90["recovered_share"]) == (2, 1.0)
    # March cohort (c4, 3 days old) is not shown at day 5 or later.
    assert not (out.cohort_month == pd.Timestamp("2026-03-01")).any()


def test_kaplan_meier_with_censoring_and_log_rank_by_hand():
    start = date(2026, 1, 1)
    rows = []
    # Group A cured on days 1 and 2, group B on days 3 and 4 (no censoring) + censored extras.
    for i, (days, outcome, team) in enumerate([(1, "cured", "a"), (2, "cured", "a"),
                                               (3, "cured", "b"), (4, "cured", "b")] * 20):
        rows.append({"case_id": f"c{i}", "opened_date": start,
                     "closed_date": start + timedelta(days=days), "outcome": outcome,
                     "plan_type": "pay_in_3", "merchant_id": "m1", "team_type": team,
                     "experiment_arm": None})
    con = warehouse(fct_collection_cases=pd.DataFrame(rows))
    out = recovery.survival(con, NO_FILTERS, as_of=date(2026, 6, 1))
    curve = out["survival_curves"].set_index(["segment_type", "segment", "day"])["survival"]
    # All 80: 20 cured on each of days 1..4 → S(1)=0.75, S(2)=0.5, S(3)=0.25, S(4)=0.
    assert [curve[("all", "all", d)] for d in (0, 1, 2, 3, 4)] == pytest.approx(
        [1, 0.75, 0.5, 0.25, 0])
    test = out["survival_tests"].set_index("segment_type").loc["team_type"]
    # Log-rank A vs B, 40 each: t=1 n=80 nA=40 d=20: E=10, V=20·.5·.5·60/79=3.7975;
    # t=2 n=60 nA=20 d=20: E=6.6667, V=20·(1/3)(2/3)·40/59=3.0132; later nA=0.
    # O-E = 40-16.6667 = 23.3333; chi2 = 544.44/6.8107 = 79.94.
    assert test["chi2"] == pytest.approx(79.94, abs=0.05)

    censored = pd.DataFrame([
        {"case_id": "x1", "opened_date": start, "closed_date": start + timedelta(days=2),
         "outcome": "cured"},
        {"case_id": "x2", "opened_date": start, "closed_date": start + timedelta(days=3),
         "outcome": "escalated"},
        {"case_id": "x3", "opened_date": start, "closed_date": start + timedelta(days=4),
         "outcome": "cured"},
        {"case_id": "x4", "opened_date": start, "closed_date": None, "outcome": "open"},
    ] * 10).assign(plan_type="pay_in_3", merchant_id="m1", team_type="in_house",
                   experiment_arm=None)
    censored["case_id"] = [f"x{i}" for i in range(len(censored))]
    con = warehouse(fct_collection_cases=censored)
    curve = recovery.survival(con, NO_FILTERS, as_of=date(2026, 1, 11))["survival_curves"]
    s = curve[curve.segment_type == "all"].set_index("day")["survival"]
    # S(2) = 1 - 10/40 = 0.75; escalated censored at 3; S(4) = 0.75·(1 - 10/20) = 0.375;
    # the open cases are censored at day 10 and never cured.
    assert (s[2], s[3], s[4], s[10]) == pytest.approx((0.75, 0.75, 0.375, 0.375))


def test_funnel_conversion_wilson_and_step_rates_by_hand():
    funnel = pd.DataFrame({
        "sent_month": [date(2026, 1, 1), date(2026, 2, 1)], "channel": ["sms", "sms"],
        "direction": ["outbound", "outbound"], "stage": ["reminder", "reminder"],
        "template_id": ["t1", "t1"], "contacts_sent": [60, 40], "delivered": [50, 40],
        "opened": [0, 0], "clicked": [20, 10], "replied": [5, 5], "promised": [3, 2],
        "paid": [6, 4],
    })
    out = channels.funnel_conversion(warehouse(mart_channel_funnel=funnel), NO_FILTERS)
    sms = out[out.dimension == "channel"].set_index("step")
    assert sms.loc["delivered", "rate"] == pytest.approx(0.9)        # 90 / 100
    assert sms.loc["paid", "rate"] == pytest.approx(0.10)            # 10 / 100
    # SMS has no "opened" (0): clicks relate to the last step that happened, delivered.
    assert sms.loc["clicked", "step_rate"] == pytest.approx(30 / 90)
    assert sms.loc["replied", "step_rate"] == pytest.approx(10 / 30)  # after 30 clicked
    low, high = wilson([10], [100])
    assert (sms.loc["paid", "ci_low"], sms.loc["paid", "ci_high"]) == (low[0], high[0])
    assert sms.loc["paid", "ci_low"] == pytest.approx(0.0552, abs=1e-4)


def _contacts(rates_by_hour: dict[int, float], per_hour: int) -> pd.DataFrame:
    """One contact per customer and plan; exactly round(rate·n) of each hour's contacts paid."""
    rows = []
    for hour, rate in rates_by_hour.items():
        paid = np.zeros(per_hour, dtype=bool)
        paid[: round(rate * per_hour)] = True
        np.random.default_rng(hour).shuffle(paid)
        for i in range(per_hour):
            prev = 0
            rows.append({"customer_id": f"u{hour}-{i}", "plan_id": f"p{hour}-{i}",
                         "channel": "sms", "stage": "reminder",
                         "local_send_hour": hour, "contacts_prev_7d": prev,
                         "days_past_due_at_send": 5, "overdue_amount_at_send": 100.0,
                         "paid_within_n_days": bool(paid[i]), "direction": "outbound",
                         "sent_at": pd.Timestamp("2026-01-01 10:00")})
    frame = pd.DataFrame(rows)
    frame["contact_id"] = [f"k{i}" for i in range(len(frame))]
    return frame


def _attempts(contacts: pd.DataFrame, kind: str, hours_after: float = 1.0,
              status: str = "succeeded") -> pd.DataFrame:
    """One payment attempt on each contact's plan, ``hours_after`` its sending."""
    return pd.DataFrame({
        "plan_id": contacts["plan_id"].to_numpy(),
        "customer_id": contacts["customer_id"].to_numpy(),
        "attempted_at": contacts["sent_at"].to_numpy() + pd.Timedelta(hours=hours_after),
        "kind": kind, "status": status})


def test_best_send_hour_recovers_the_hour_and_its_odds_ratio():
    rates = {h: 0.10 for h in range(9, 21)}
    rates[18] = 0.30
    contacts = _contacts(rates, per_hour=600)
    payments = _attempts(contacts[contacts["paid_within_n_days"]], "customer_initiated")
    con = warehouse(fct_contacts=contacts, fct_payment_attempts=payments)
    out = channels.send_hour(con, NO_FILTERS)
    best = out["best_send_hour"].iloc[0]
    assert best["best_hour"] == 18
    # Odds ratio by hand: (0.3/0.7)/(0.1/0.9) = 3.857 (measured on half the customers).
    assert best["or_ci_low"] < 3.857 < best["or_ci_high"]
    # Permutation p-value of the maximum: no shuffle of 400 beats it → the minimum, 1/401.
    assert best["p_value"] == pytest.approx(1 / 401)
    effect = out["send_hour_effect"].set_index("local_send_hour")
    # One stage, one dpd, one amount: the adjusted rate equals the raw rate.
    assert effect.loc[18, "adjusted_rate"] == pytest.approx(0.30, abs=1e-3)
    assert effect.loc[9, "adjusted_rate"] == pytest.approx(0.10, abs=1e-3)


def test_send_hour_counts_the_customers_payments_not_debits_after_early_contacts():
    """Every hour has 10 % of its contacts answered by a customer payment. A retry that succeeds
    two hours after the send follows half the 9 o'clock contacts (notices sent right after a
    failed debit get the next retry in their window), and a scheduled debit a quarter of the
    10 o'clock ones: the warehouse's "paid within N days" is then 0.10 + 0.5·0.9 = 0.55 at 9 and
    0.10 + 0.25·0.9 = 0.325 at 10, against 0.10 elsewhere. None of it is the send hour's doing."""
    contacts = _contacts({h: 0.10 for h in range(9, 21)}, per_hour=600)
    answered = contacts["paid_within_n_days"].to_numpy()
    # the n-th unanswered contact of its hour: 540 each
    rank = pd.Series(~answered).groupby(contacts["local_send_hour"]).cumsum().to_numpy()
    retried = (contacts["local_send_hour"] == 9).to_numpy() & ~answered & (rank <= 270)
    debited = (contacts["local_send_hour"] == 10).to_numpy() & ~answered & (rank <= 135)
    contacts["paid_within_n_days"] = answered | retried | debited
    assert contacts.groupby("local_send_hour")["paid_within_n_days"].mean()[[9, 10, 11]].tolist() \
        == pytest.approx([0.55, 0.325, 0.10])
    payments = pd.concat([
        _attempts(contacts[answered], "customer_initiated"),
        _attempts(contacts[retried], "retry", hours_after=2),
        _attempts(contacts[debited], "scheduled", hours_after=2),
        # a customer payment that failed, and one after the 3-day window: neither counts
        _attempts(contacts[(contacts["local_send_hour"] == 9).to_numpy() & ~answered],
                  "customer_initiated", status="failed"),
        _attempts(contacts[(contacts["local_send_hour"] == 10).to_numpy() & ~answered],
                  "customer_initiated", hours_after=80)])
    out = channels.send_hour(warehouse(fct_contacts=contacts, fct_payment_attempts=payments),
                             NO_FILTERS)
    effect = out["send_hour_effect"].set_index("local_send_hour")
    assert effect.loc[9, "paid"] == 60 and effect.loc[10, "paid"] == 60     # 10 % of 600
    assert effect["adjusted_rate"].to_numpy() == pytest.approx(0.10, abs=1e-3)
    best = out["best_send_hour"].iloc[0]
    # Every hour's rate is 0.10: no lift, and nearly every shuffle has a larger maximum.
    assert best["uplift_abs"] == pytest.approx(0.0, abs=1e-9)
    assert best["p_value"] > 0.9


def test_customer_payment_within_the_window_by_hand():
    sent = pd.Timestamp("2026-01-10 18:00")
    contacts = pd.DataFrame({
        "contact_id": [f"k{i}" for i in range(1, 9)],
        "plan_id": ["p1", "p2", "p3", "p4", "p5", "p6", None, "p8"],
        "customer_id": [f"u{i}" for i in range(1, 9)], "sent_at": sent})
    hour = pd.Timedelta(hours=1)
    payments = pd.DataFrame([
        ("p1", "u1", sent + 2 * hour, "customer_initiated", "succeeded"),  # k1: yes
        ("p2", "u2", sent + hour, "retry", "succeeded"),                   # k2: an automatic retry
        ("p3", "u3", sent + hour, "scheduled", "succeeded"),               # k3: a scheduled debit
        ("p4", "u4", sent + 73 * hour, "customer_initiated", "succeeded"),  # k4: after 3 days
        ("p5", "u5", sent - hour, "customer_initiated", "succeeded"),      # k5: before the send
        ("p6", "u6", sent + hour, "customer_initiated", "failed"),         # k6: failed
        ("p70", "u7", sent + hour, "agent_assisted", "succeeded"),         # k7: no plan named, any
        ("p80", "u8", sent + hour, "agency", "succeeded"),                 # k8: another plan
    ], columns=["plan_id", "customer_id", "attempted_at", "kind", "status"])
    con = warehouse(fct_contacts=contacts, fct_payment_attempts=payments)
    paid = channels._customer_paid(con, contacts)
    assert paid.tolist() == [True, False, False, False, False, False, True, False]


def test_overdue_state_at_the_start_of_the_send_day_by_hand():
    """The warehouse's state at send is end-of-day: k1's plan, paid in full the evening after the
    message, shows 0 days past due and 0 overdue; at the start of that day it was 5 and 100."""
    contacts = pd.DataFrame({
        "contact_id": ["k1", "k2", "k3", "k4"], "plan_id": ["p1", "p2", "p3", "p4"],
        "sent_at": pd.Timestamp("2026-01-10 18:00"),
        "days_past_due_at_send": [0, 9, 0, 0], "overdue_amount_at_send": [0.0, 80.0, 0.0, 0.0]})
    d = date
    spells = pd.DataFrame([
        # installment, plan, due, valid_from, valid_to (exclusive), outstanding
        ("i1", "p1", d(2026, 1, 5), d(2026, 1, 6), d(2026, 1, 10), 100.0),   # paid on the 10th
        ("i2", "p2", d(2026, 1, 1), d(2026, 1, 2), d(2026, 1, 10), 80.0),    # 50 paid on the 10th
        ("i2", "p2", d(2026, 1, 1), d(2026, 1, 10), None, 30.0),
        ("i3", "p2", d(2026, 1, 8), d(2026, 1, 9), None, 50.0),
        ("i4", "p3", d(2026, 1, 1), d(2026, 1, 2), d(2026, 1, 9), 70.0),     # paid the day before
        ("i5", "p4", d(2026, 1, 10), d(2026, 1, 11), None, 60.0),            # overdue the next day
    ], columns=["installment_id", "plan_id", "due_date", "valid_from", "valid_to",
                "outstanding_amount"])
    con = warehouse(fct_contacts=contacts, int_installment_overdue_spells=spells)
    dpd, amount = channels._overdue_at_start_of_day(con, contacts)
    # k2: i2 at its first spell of the day (80, 9 days) plus i3 (50, 2 days) → 130 and 9.
    assert dpd.tolist() == [5, 9, 0, 0]
    assert amount.tolist() == [100.0, 130.0, 0.0, 0.0]
    # Without the spells table the warehouse's end-of-day values are kept.
    plain = channels._overdue_at_start_of_day(warehouse(fct_contacts=contacts), contacts)
    assert plain[0].tolist() == [0, 9, 0, 0]


def test_contact_fatigue_table_and_threshold_by_hand():
    rows = []
    for prev in range(6):
        rate = 0.30 if prev < 3 else 0.15
        n = 1000
        for i in range(n):
            rows.append({"customer_id": f"u{prev}-{i}", "channel": "sms", "stage": "reminder",
                         "local_send_hour": 10, "contacts_prev_7d": prev,
                         "days_past_due_at_send": 5, "overdue_amount_at_send": 100.0,
                         "paid_within_n_days": i < rate * n, "direction": "outbound",
                         "sent_at": pd.Timestamp("2026-01-01 10:00"),
                         # SMS tracks no bare opens: opened mirrors the click
                         "is_delivered": True, "is_opened": i < rate * n,
                         "is_clicked": i < rate * n, "is_replied": False})
    contacts = pd.DataFrame(rows)
    contacts["contact_id"] = [f"k{i}" for i in range(len(contacts))]
    out = channels.contact_fatigue(warehouse(fct_contacts=contacts), NO_FILTERS)
    table = out["contact_fatigue"].set_index("contacts_prev_7d")
    assert table.loc[2, "paid_rate"] == pytest.approx(0.30)
    assert table.loc[3, "paid_rate"] == pytest.approx(0.15)
    effect = out["fatigue_effect"].iloc[0]
    assert effect["threshold"] == 3
    # The response is the click on a delivered SMS: odds ratio (0.15/0.85)/(0.30/0.70) = 0.4118.
    assert effect["ci_low"] < 0.4118 < effect["ci_high"]


def test_fatigue_response_counts_clicks_among_seen_messages():
    """E-mail tracks opens (one is opened with no click), so only opened e-mails were seen;
    SMS has no bare open, so every delivered SMS was seen."""
    contacts = pd.DataFrame({
        "channel": ["email", "email", "email", "sms", "sms"],
        "is_opened": [True, True, False, True, False],
        "is_clicked": [True, False, False, True, False],
        "is_replied": [False, False, False, False, False]})
    seen, clicked = channels._response(contacts)
    assert list(seen) == [True, True, False, True, True]
    assert list(clicked) == [True, False, False, True, False]


def _attempt(aid, inst, cust, day, kind, status, reason=None):
    """One payment attempt; each installment is its own plan here (plan id = installment id)."""
    return {"attempt_id": aid, "installment_id": inst, "plan_id": inst, "customer_id": cust,
            "attempted_at": pd.Timestamp(day) + pd.Timedelta(hours=6), "kind": kind,
            "status": status, "failure_reason": reason}


def test_days_since_funding_by_hand():
    lags = debit_timing.days_since_funding(pd.Series(pd.to_datetime(
        ["2026-03-26", "2026-04-30", "2026-04-24", "2026-01-30"])))
    # Mar 26: the 25th was yesterday, the 26th today, the 27th was Feb 27 (Feb has 28 days).
    assert list(lags[0, [24, 25, 26]]) == [1, 0, 27]
    assert lags[1, 30] == 0                       # April's "31st" is the 30th
    assert lags[2, 24] == 30 and lags[3, 30] == 30  # Mar 25 → Apr 24; Dec 31 → Jan 30
    weekend = debit_timing.days_since_funding(pd.Series(pd.to_datetime(
        ["2026-04-24", "2026-01-30"])), weekend_rule=True)
    # Sat Apr 25 and Sat Jan 31 are paid on the Friday before.
    assert weekend[0, 24] == 0 and weekend[1, 30] == 0


def _signal(cust, plan, inst, day, kind, success, gap=None):
    return {"customer_id": cust, "plan_id": plan, "installment_id": inst,
            "day": pd.Timestamp(day), "kind": kind, "success": success, "gap": gap}


def test_funding_days_found_from_retries_and_payments_and_left_out_by_plan():
    """60 customers paid on day P: a debit 3 days before P fails, a retry on P succeeds (or,
    for every third, the retry 3 days before P fails too and the customer pays on P or P+1)."""
    rows = []
    for c in range(60):
        payday = 2 + (c * 7) % 26
        for month in range(1, 7):
            plan = f"p{c}-{month % 2}"        # two plans, alternate months
            inst = f"i{c}-{month}"
            pay = pd.Timestamp(2026, month, payday)
            if c % 3:
                rows.append(_signal(f"u{c}", plan, inst, pay, "retry", True, 3))
            else:
                rows.append(_signal(f"u{c}", plan, inst, pay - pd.Timedelta(days=3), "retry",
                                    False, 3))
                rows.append(_signal(f"u{c}", plan, inst, pay + pd.Timedelta(days=month % 2),
                                    "payment", True))
    rows.append(_signal("solo", "s1", "s1-1", "2026-02-12", "payment", True))
    funding = debit_timing.infer_funding(pd.DataFrame(rows))
    table, loo = funding.customers.set_index("customer_id"), funding.loo
    truth = pd.Series({f"u{c}": 2 + (c * 7) % 26 for c in range(60)})
    gap = (table.loc[truth.index, "funding_day"] - truth).abs()
    assert (np.minimum(gap, 31 - gap) <= 1).mean() >= 0.95
    assert table.loc["u1", "signals"] == 6        # rescued on six days
    assert table.loc["solo", "funding_day"] in (10, 11, 12)
    loo = loo.set_index("plan_id")["loo_funding_day"]
    assert np.isnan(loo["s1"])                    # no other plan to learn from
    # each plan of u1 is classified with the day learned from the other plan alone
    assert abs(loo["p1-0"] - 9) <= 1 and abs(loo["p1-1"] - 9) <= 1


def test_recommended_day_by_hand():
    assert list(debit_timing.recommended_debit_day(np.array([25, 28, 31, 1]))) == [26, 1, 1, 2]


def _schedule(cycle: str, day: int = 0, second_day: int = 0, weekend_rule: bool = False,
              phase: int = -1) -> int:
    """Row of :func:`debit_timing.schedules` with these fields."""
    table = debit_timing.schedules()
    match = ((table["cycle"] == cycle) & (table["day"] == day)
             & (table["second_day"] == second_day) & (table["weekend_rule"] == weekend_rule)
             & (table["phase"] == phase))
    return int(table.index[match][0])


# bi-weekly on Fridays, one of them Fri 2 Jan 2026: phase = its days since 1970, mod 14
FRIDAY_PHASE = (pd.Timestamp("2026-01-02") - pd.Timestamp("1970-01-01")).days % 14


def test_next_funding_event_by_hand():
    """Days from a debit to the next payday of a monthly, a semi-monthly and a bi-weekly
    schedule (0 = debited on payday)."""
    monthly_25 = _schedule("monthly", 25)
    semi = _schedule("semi_monthly", 15, 31, weekend_rule=True)   # 15th and last day
    biweekly = _schedule("biweekly", phase=FRIDAY_PHASE)
    due = pd.Series(pd.to_datetime(["2026-03-20", "2026-03-26", "2026-01-28", "2026-02-10",
                                    "2026-01-12", "2026-01-16", "2026-01-17"]))
    chosen = [monthly_25, monthly_25, semi, semi, biweekly, biweekly, biweekly]
    offsets = debit_timing.schedule_offsets(due, debit_timing.schedules(), since=False)
    # Mar 20 → Mar 25: 5; Mar 26 → Apr 25: 30. Sat Jan 31 is paid Fri Jan 30: 2 days after
    # Jan 28. Sun Feb 15 is paid Fri Feb 13: 3 after Feb 10. Paydays Jan 2, 16, 30: Mon Jan 12
    # → Fri Jan 16: 4; Jan 16 itself: 0; Sat Jan 17 → Fri Jan 30: 13.
    assert list(offsets[np.arange(len(due)), chosen]) == [5, 30, 2, 3, 4, 0, 13]


def test_exposures_weigh_positions_by_the_posterior_by_hand():
    """Debit Fri 20 Mar 2026 with a posterior 0.6 on "25th of the month" and 0.4 on the Friday
    bi-weekly schedule (paydays Mar 13, Mar 27): 5 days before the monthly payday with
    probability 0.6, 7 days before the bi-weekly one with 0.4 (its most probable schedule is
    the monthly one: 5 days). Debit Mar 26 all on the 25th: 30 days before, the reference."""
    table = debit_timing.schedules()
    posterior = np.zeros((2, len(table)))
    posterior[0, _schedule("monthly", 25)] = 0.6
    posterior[0, _schedule("biweekly", phase=FRIDAY_PHASE)] = 0.4
    posterior[1, _schedule("monthly", 25)] = 1.0
    frame, best = debit_timing.exposures(pd.Series(pd.to_datetime(["2026-03-20", "2026-03-26"])),
                                         lambda rows: posterior[rows])
    assert frame.loc[0, "day_5"] == pytest.approx(0.6)
    assert frame.loc[0, "short_7"] == pytest.approx(0.4)
    assert frame.loc[0, "cycle_biweekly"] == pytest.approx(0.4)
    assert frame.loc[0].sum() == pytest.approx(1.4)            # the two positions + the cycle
    assert frame.loc[1].sum() == 0.0
    assert list(best["days_before_funding"]) == [5, 30]
    assert list(best["cycle"]) == ["monthly", "monthly"]
    # window 3 (1..3 days before a monthly payday, 1..2 before a shorter cycle's): neither;
    # window 7 (1..4 for the shorter cycle): the monthly 0.6 only
    assert list(debit_timing.window_exposure(frame, 3)) == [0.0, 0.0]
    assert debit_timing.window_exposure(frame, 7)[0] == pytest.approx(0.6)


def test_pay_cycle_and_portfolio_prior_inferred_from_payments():
    """30 customers paid on the 10th of the month and 30 paid every other Friday (from Fri 9 Jan
    2026) pay a shortfall on a payday, the monthly ones over seven months, the bi-weekly ones
    on eight of their paydays; the cycle each is paid on is found, and the bi-weekly phase. A
    customer with a single payment, on Fri 10 Jul 2026 (a 10th and a bi-weekly payday), is
    read through what the portfolio shows: half its customers on each of those two schedules,
    none semi-monthly. Both pay on payday, but a monthly payday comes half as often, so a
    payment on that date is twice as likely from a monthly payer: about 2/3 monthly, 1/3
    bi-weekly."""
    rows = []
    for c in range(30):
        for month in range(1, 8):
            day = pd.Timestamp(2026, month, 10)
            rows.append(_signal(f"m{c}", f"m{c}-{month % 2}", f"m{c}-{month}", day,
                                "customer_initiated", True))
        for k in range(8):
            day = pd.Timestamp("2026-01-09") + pd.Timedelta(days=14 * (3 * k + c % 3))
            rows.append(_signal(f"b{c}", f"b{c}-{k % 2}", f"b{c}-{k}", day,
                                "customer_initiated", True))
    rows.append(_signal("solo", "s1", "s1-1", pd.Timestamp("2026-07-10"), "customer_initiated",
                        True))
    funding = debit_timing.infer_funding(pd.DataFrame(rows))
    customers = funding.customers.set_index("customer_id")
    cycle = customers["pay_cycle"]
    assert (cycle[[f"m{c}" for c in range(30)]] == "monthly").mean() >= 0.9
    assert (cycle[[f"b{c}" for c in range(30)]] == "biweekly").mean() >= 0.9
    table = debit_timing.schedules()
    best = pd.Series(funding.posterior.argmax(axis=1), index=funding.customers["customer_id"])
    phase = (pd.Timestamp("2026-01-09") - pd.Timestamp("1970-01-01")).days % 14
    found = table.loc[best[[f"b{c}" for c in range(30)]], "phase"].to_numpy()
    assert (found == phase).mean() >= 0.9
    days = customers.loc[[f"m{c}" for c in range(30)], "funding_day"]
    assert (days.sub(10).abs() <= 1).all()
    solo = funding.posterior[funding.customers["customer_id"] == "solo"][0]
    by_cycle = {name: solo[(table["cycle"] == name).to_numpy()].sum()
                for name in ("monthly", "semi_monthly", "biweekly")}
    assert by_cycle["semi_monthly"] < 0.1
    assert by_cycle["monthly"] == pytest.approx(2 / 3, abs=0.1)
    assert by_cycle["biweekly"] == pytest.approx(1 / 3, abs=0.1)


def test_debit_timing_effect_on_planted_toy_portfolio():
    """200 customers paid on the 25th; debits 3 days before pay fail 30 %, after pay 10 %."""
    rng = np.random.default_rng(0)
    attempts, installments = [], []
    for c in range(200):
        customer = f"u{c}"
        early = c % 2 == 0          # half the customers are debited on the 22nd
        for month in range(1, 7):
            inst = f"{customer}-{month}"
            due = date(2026, month, 22 if early else 26)
            p_fail = 0.30 if early else 0.10
            failed = rng.random() < p_fail
            installments.append({"installment_id": inst, "plan_id": inst, "customer_id": customer,
                                 "merchant_id": "m1", "plan_type": "pay_in_4",
                                 "payment_method": "card", "sequence": month, "due_date": due,
                                 "amount": 100.0,
                                 "first_attempt_status": "failed" if failed else "succeeded",
                                 "first_attempt_failure_reason":
                                     "insufficient_funds" if failed else None})
            attempts.append(_attempt(f"{inst}a", inst, customer, due, "scheduled",
                                     "failed" if failed else "succeeded",
                                     "insufficient_funds" if failed else None))
            if failed:
                if early:   # a retry before pay day fails again; the one on pay day succeeds
                    attempts.append(_attempt(f"{inst}r", inst, customer, date(2026, month, 24),
                                             "retry", "failed", "insufficient_funds"))
                pay = date(2026, month, 25) if early else due + timedelta(days=2)
                attempts.append(_attempt(f"{inst}b", inst, customer, pay, "retry", "succeeded"))
    # Late-debited customers' failures are random shortfalls; give them pay-day signals too.
    for c in range(1, 200, 2):
        for month in (7, 8):
            inst = f"u{c}-x{month}"
            attempts.append(_attempt(f"{inst}a", inst, f"u{c}", date(2026, month, 24),
                                     "scheduled", "failed", "insufficient_funds"))
            attempts.append(_attempt(f"{inst}b", inst, f"u{c}", date(2026, month, 25),
                                     "retry", "succeeded"))
    con = warehouse(fct_payment_attempts=pd.DataFrame(attempts),
                    fct_installments=pd.DataFrame(installments))
    out = debit_timing.debit_timing(con, NO_FILTERS, as_of=date(2026, 9, 1))
    funding = out["funding_days"].set_index("customer_id")["funding_day"]
    # a late-debited customer with more random shortfalls (rescued on the 28th) than pay-day
    # signals can be placed at the 28th: most, not all, are found
    assert (funding.sub(25).abs() <= 1).mean() >= 0.85
    effect = out["debit_timing_effect"].set_index("scope").loc["portfolio"]
    # Odds ratio (0.3/0.7)/(0.1/0.9) = 3.86; failures avoided = 600 early debits x 0.2 = 120
    # of ~240 failures, i.e. half; amount 120 x 100 EUR over 6 months ≈ 2,000 EUR/month.
    assert effect["ci_low"] < 3.86 < effect["ci_high"]
    assert effect["share_ci_low"] < 0.5 < effect["share_ci_high"]
    assert effect["amount_secured_month"] == pytest.approx(2000, rel=0.3)


def test_peer_test_flags_the_outlier_by_hand():
    events = np.array([10, 10, 10, 10, 10, 50])
    base = np.array([1000] * 6)
    out = merchants.peer_test(events, base)
    # Identical peers → MAD 0 → no heterogeneity. z = (ln(50.5/950.5) - median θ) / sqrt(v):
    # median θ = ln(10.5/990.5) = -4.5468; θ = -2.9351; v = 1/50.5 + 1/950.5 = 0.020854.
    assert out["z"].iloc[5] == pytest.approx((-2.9351 + 4.5468) / np.sqrt(0.020854), abs=0.01)
    assert out["z"].iloc[:5].abs().max() == pytest.approx(0.0)
    assert out["peer_rate"].iloc[5] == pytest.approx(0.01)


def test_failure_wave_month_by_hand():
    months = [date(2026, m, 1) for m in range(1, 6)]
    rows = [{"due_month": m, "payment_method": "card", "first_attempts": 1000,
             "first_attempt_amount": 100_000.0, "failed_card_expired": 40 if i == 2 else 10}
            for i, m in enumerate(months)]
    out = merchants.failure_waves(warehouse(mart_payment_failures=pd.DataFrame(rows)), NO_FILTERS)
    wave = out.set_index("month").loc[pd.Timestamp("2026-03-01")]
    # Baseline 40/4000 = 1 % → ratio 4; other months identical → dispersion 1;
    # z = (40 - 10)/sqrt(10·0.99) = 9.53 → p ≈ 8e-22.
    assert wave["rate_ratio"] == pytest.approx(4.0)
    assert wave["excess_failures"] == pytest.approx(30.0)
    assert wave["excess_amount"] == pytest.approx(3000.0)
    assert wave["significant"]
    assert not out.set_index("month").drop(pd.Timestamp("2026-03-01"))["significant"].any()


def test_experiment_lift_ci_p_value_and_power_by_hand():
    cases = pd.DataFrame({
        "case_id": [f"c{i}" for i in range(200)], "plan_id": [f"p{i}" for i in range(200)],
        "experiment_id": "exp", "experiment_arm": ["champion"] * 100 + ["challenger"] * 100,
        "age_days": 60, "opened_date": date(2026, 1, 1),
        "cured_within_30d": [i < 30 for i in range(100)] + [i < 40 for i in range(100)],
        "overdue_amount": 100.0, "recovered_amount": [50.0] * 100 + [60.0] * 100,
    })
    out = experiments.experiments(warehouse(fct_collection_cases=cases), NO_FILTERS)
    cure = out[out.metric == "cure_rate"].iloc[0]
    # 0.40 - 0.30 = 0.10 ± 1.96·sqrt(.21/100 + .24/100) = ±0.1315; pooled z = 1.4825 → p = 0.138.
    assert cure["lift_abs"] == pytest.approx(0.10)
    assert cure["ci_high"] - cure["lift_abs"] == pytest.approx(0.1315, abs=1e-3)
    assert cure["p_value"] == pytest.approx(0.138, abs=1e-3)
    # Cohen's h for 0.32 vs 0.30 = 2·asin(√.32) - 2·asin(√.30) = 0.04324;
    # n per arm = 2·(1.96 + 0.8416)²/h² = 15.698/0.0018696 ≈ 8,396.
    assert cure["n_required_per_arm"] == pytest.approx(8396, abs=10)
    recovery_row = out[out.metric == "recovery_rate"].iloc[0]
    assert recovery_row["lift_abs"] == pytest.approx(0.10)      # 0.60 - 0.50, no spread → CI 0


def test_propensity_auc_on_a_known_mixture():
    """Plan A cures 80 %, plan B 20 %: the best possible AUC is 0.80 (worked out below)."""
    n = 4000
    rng = np.random.default_rng(1)
    plan = np.where(np.arange(n) % 2 == 0, "pay_in_3", "pay_in_4")
    # Exactly 4 of every 5 A cases and 1 of every 5 B cases cure, in every window of 10.
    fifth = (np.arange(n) // 2) % 5 == 0
    cured = np.where(plan == "pay_in_3", ~fifth, fifth)
    opened = [date(2025, 1, 1) + timedelta(days=int(d)) for d in np.sort(rng.integers(0, 300, n))]
    cases = pd.DataFrame({
        "case_id": [f"c{i}" for i in range(n)], "customer_id": [f"u{i}" for i in range(n)],
        "merchant_id": "m1", "country": "FR", "plan_type": plan, "payment_method": "card",
        "opened_date": opened, "age_days": 400, "overdue_amount": 100.0,
        "recovered_amount": 0.0, "cured_within_30d": cured, "outcome": "cured",
        "arrangements": 0,
    })
    installments = pd.DataFrame({"case_id": cases["case_id"], "due_date": cases["opened_date"],
                                 "sequence": 1, "first_attempt_failure_reason": None})
    out = scoring.propensity(warehouse(fct_collection_cases=cases, fct_installments=installments),
                             NO_FILTERS)
    metrics = out["propensity_model"].set_index("metric")["value"]
    # Per 2,000 cases: positives 800 A + 200 B, negatives 200 A + 800 B. Pairs pos-A/neg-B
    # 640k ranked right, pos-B/neg-A 40k wrong, 2·160k tied: AUC = (640k + ½·320k) / 1M = 0.80.
    assert metrics["auc_validation"] == pytest.approx(0.80, abs=0.01)
    calibration = out["propensity_calibration"]
    assert (calibration["predicted_mean"] - calibration["observed_rate"]).abs().max() < 0.08


def test_allocation_rates_and_cost_by_hand():
    cases = pd.DataFrame({
        "team_type": ["in_house"] * 50 + ["agency"] * 50, "overdue_amount": 100.0,
        "recovered_amount": [60.0, 40.0] * 25 + [30.0, 10.0] * 25,
        "collection_cost": [5.0] * 50 + [4.0] * 50, "plan_type": "pay_in_3", "country": "FR",
        "opened_date": date(2026, 1, 1),
    })
    out = scoring.allocation_performance(warehouse(fct_collection_cases=cases), NO_FILTERS)
    out = out.set_index("team_type")
    assert out.loc["in_house", "recovery_rate"] == pytest.approx(0.5)     # 2,500 / 5,000
    assert out.loc["agency", "recovery_rate"] == pytest.approx(0.2)       # 1,000 / 5,000
    assert out.loc["agency", "cost_per_unit_recovered"] == pytest.approx(0.2)  # 200 / 1,000
    assert out.loc["agency", "lift_vs_reference"] == pytest.approx(-0.3)
    assert out.loc["agency", "p_value"] < 1e-6


def test_root_causes_correct_over_the_family_and_rank_by_money():
    waves = pd.DataFrame({
        "payment_method": ["card", "card"], "failure_reason": ["card_expired", "card_declined"],
        "month": [pd.Timestamp("2026-04-01")] * 2, "attempts": [1000, 1000],
        "failures": [40, 12], "rate": [0.04, 0.012], "baseline_rate": [0.01, 0.01],
        "rate_ratio": [4.0, 1.2], "ci_low": [3.0, 0.7], "ci_high": [5.0, 2.0],
        "p_value": [0.001, 0.04], "excess_failures": [30.0, 2.0], "excess_amount": [3000.0, 200.0],
    })
    anomalies = pd.DataFrame({
        "merchant_id": ["m7"], "metric": ["dispute_share"], "source": ["test"], "events": [50],
        "base": [1000], "rate": [0.05], "peer_rate": [0.01], "rate_ratio": [5.0],
        "ci_low": [3.8], "ci_high": [6.5], "z": [11.0], "p_value": [1e-20],
        "money_at_stake_month": [5000.0],
    })
    out = rank_root_causes({"failure_waves": waves, "merchant_anomalies": anomalies}, {})
    portfolio = out[out.scope == "portfolio"].set_index("cause_id")
    # Family of three tests: p 1e-20/2 (one-sided), 0.001, 0.04 → q: 1.5e-20, 0.0015, 0.04.
    q = portfolio["q_value"]
    assert q["failure_wave:card:card_declined:2026-04"] == pytest.approx(0.04)
    assert q["failure_wave:card:card_expired:2026-04"] == pytest.approx(0.0015)
    assert list(out[out.scope == "portfolio"].sort_values("rank")["money_at_stake_month"]) == [
        5000.0, 3000.0, 200.0]
    merchant = out[out.scope == "m7"]
    assert len(merchant) == 1 and merchant.iloc[0]["merchant_id"] == "m7"


def test_filters_restrict_rows():
    con = warehouse(fct_collection_cases=_cases())
    out = recovery.cohort_recovery(con, Filters(merchant_id="m2"))
    assert set(out.loc[out.segment_type == "merchant_id", "segment"]) == {"m2"}


def test_persist_replaces_the_schema_atomically(tmp_path, monkeypatch):
    import duckdb

    from analysis import runner
    from analysis.runner import persist

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    persist(con, {"root_causes": pd.DataFrame({"cause_id": ["a"], "merchant_id": [None]}),
                  "old": pd.DataFrame({"x": [1]})})
    # merchant_id is all null yet typed as text, so consumers can compare it with an id.
    assert con.execute("select count(*) from insights.root_causes where merchant_id = 'M1'"
                       ).fetchone() == (0,)
    typed = runner._typed

    def fail_on_bad(frame: pd.DataFrame) -> pd.DataFrame:
        if "boom" in frame:
            raise RuntimeError("disk full")
        return typed(frame)

    monkeypatch.setattr(runner, "_typed", fail_on_bad)
    with pytest.raises(RuntimeError):                 # a table fails mid-way through the run...
        persist(con, {"root_causes": pd.DataFrame({"cause_id": ["b"]}),
                      "bad": pd.DataFrame({"boom": [1]})})
    monkeypatch.undo()
    # ...and the previous run is intact, stale table included.
    assert con.execute("select cause_id from insights.root_causes").fetchall() == [("a",)]
    assert con.execute("select x from insights.old").fetchall() == [(1,)]
    persist(con, {"root_causes": pd.DataFrame({"cause_id": ["c"]})})
    tables = con.execute("select table_name from information_schema.tables "
                         "where table_schema = 'insights'").fetchall()
    assert tables == [("root_causes",)]                # stale tables dropped with the new run


def test_day_by_day_attributable_failures_by_hand():
    """Linear probability model, saturated (one plan type, method, amount): each position's
    fitted rate is its observed rate. 100 debits surely 3 days before funding, 30 failed; 300
    surely 20 days before (just after the previous funding day, the reference), 30 failed.
    Excess = 100 x (0.30 - 0.10) = 20; carried over to twice the failures: 40."""
    frame = pd.DataFrame({
        "day_3": [1.0] * 100 + [0.0] * 300,
        "short": [1] * 30 + [0] * 70 + [1] * 30 + [0] * 270,
        "plan_type": "pay_in_4", "payment_method": "card", "sequence": 2, "amount": 100.0,
        "customer_id": [f"c{i}" for i in range(400)]})
    x = debit_timing._day_design(frame)
    assert [c for c in x.columns if c in debit_timing.exposure_columns()] == ["day_3"]
    beta, cov = ols(frame["short"], x, groups=frame["customer_id"].to_numpy())
    assert beta["day_3"] == pytest.approx(0.20)
    weights = np.array([frame["day_3"].sum()])
    total, low, high = debit_timing._linear_total(weights, beta[["day_3"]],
                                                  cov.loc[["day_3"], ["day_3"]].to_numpy(), 2.0)
    assert total == pytest.approx(40.0)
    # one debit per customer: the cluster-robust variance of the difference of two rates is
    # about p(1-p)/n summed over the groups (statsmodels' small-sample factors aside)
    se = np.sqrt(0.3 * 0.7 / 100 + 0.1 * 0.9 / 300)
    assert (high - low) / 2 == pytest.approx(2 * 100 * 1.96 * se, rel=0.02)
