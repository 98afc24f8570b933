"""The BNPL mechanics the simulator promises, each checked as a property of the data."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np

from relance.contract import REASON_CODES
from simulator import timeline as cal
from simulator.effects import Effects
from simulator.portfolio import timing_lateness
from tests.simulator.conftest import Dataset

END = cal.END_DATE


# --- pay schedules and the balance ------------------------------------------------------------
def _paydays(schedule: int, dom: int = 0, phase: int = 0) -> np.ndarray:
    m = cal.payday_matrix(np.array([schedule]), np.array([dom]), np.array([phase]),
                          np.random.default_rng(0))[0]
    return m[m < cal.PAD].astype(np.int64) + cal.PAY_FROM


def _as_dates(days: np.ndarray) -> list[date]:
    return [date(1970, 1, 1) + timedelta(days=int(d)) for d in days]


def test_monthly_fixed_day_pays_on_that_day_or_the_friday_before() -> None:
    for d in _as_dates(_paydays(0, dom=25)):
        assert d.weekday() < 5
        assert d.day == 25 or (d.weekday() == 4 and 23 <= d.day <= 24)


def test_last_business_day_is_the_last_weekday_of_the_month() -> None:
    for d in _as_dates(_paydays(1)):
        assert d.weekday() < 5
        nxt = d + timedelta(days=1)
        while nxt.weekday() >= 5:
            nxt += timedelta(days=1)
        assert nxt.month != d.month


def test_semi_monthly_pays_mid_month_and_month_end() -> None:
    days = _as_dates(_paydays(2))
    assert all(d.weekday() < 5 for d in days)
    assert all(12 <= d.day <= 15 or d.day >= 26 for d in days)
    assert len(days) >= 2 * 16


def test_biweekly_pays_every_other_friday() -> None:
    days = _paydays(3, phase=1)
    assert set(np.diff(days)) == {14}
    assert all(d.weekday() == 4 for d in _as_dates(days))


def test_irregular_pay_gaps_vary() -> None:
    gaps = np.diff(_paydays(4))
    assert gaps.min() >= 9 and gaps.max() <= 42 and len(set(gaps)) > 5


def test_money_runs_low_just_before_payday_and_comes_back_on_payday() -> None:
    paydays = cal.payday_matrix(np.array([0]), np.array([25]), np.array([0]),
                                np.random.default_rng(0))
    payday = cal.day_number(date(2026, 3, 25))  # a Wednesday
    days = payday + np.arange(-10, 3)
    lateness, to_next = timing_lateness(paydays, np.zeros(days.size, dtype=np.int64), days,
                                        Effects())
    by_offset = dict(zip(range(-10, 3), lateness, strict=True))
    assert by_offset[-1] == 1.0  # eve of payday: lowest balance
    assert by_offset[-7] > 0 and by_offset[-8] == 0  # 7-day window for monthly pay
    assert all(by_offset[k] > by_offset[k - 1] for k in range(-6, 0))  # drains day by day
    assert by_offset[0] == by_offset[1] == 0  # payday itself is funded
    assert to_next[days == payday - 3][0] == 3


# --- plans and installments ---------------------------------------------------------------------
def test_due_dates_follow_the_purchase_date(small: Dataset) -> None:
    """In the customer's local calendar (an evening purchase in New York is the next UTC day)."""
    rows = small.q("""
        with p as (select *, timezone(c.timezone, purchased_at)::date as bought
                   from plans join customers c using (customer_id))
        select p.plan_type, i.sequence, p.installment_count,
               i.due_date - p.bought as days_after,
               date_diff('month', p.bought, i.due_date) as months_after
        from installments i join p using (plan_id)""")
    seen = set()
    for plan_type, seq, count, days_after, months_after in rows:
        assert 1 <= seq <= count
        seen.add(plan_type)
        if plan_type == "pay_in_30":
            assert count == 1 and days_after == 30
        elif plan_type == "financing":
            assert count in (6, 12, 24) and months_after == seq
        elif plan_type == "pay_in_3":
            assert count == 3 and months_after == seq - 1
        else:
            assert count == 4
            assert days_after == 14 * (seq - 1) or months_after == seq - 1
    assert seen == {"pay_in_3", "pay_in_4", "pay_in_30", "financing"}


def test_installments_add_up_to_the_principal(small: Dataset) -> None:
    worst = small.one("""
        select max(abs(p.principal_amount - s.total)) from plans p
        join (select plan_id, sum(amount) total, count(*) n from installments group by 1) s
        using (plan_id)""")[0]
    assert worst < 0.005


def test_both_pay_in_4_rhythms_exist(small: Dataset) -> None:
    gaps = {g for (g,) in small.q("""
        select i.due_date - timezone(c.timezone, p.purchased_at)::date
        from installments i join plans p using (plan_id) join customers c using (customer_id)
        where p.plan_type = 'pay_in_4' and i.sequence = 2""")}
    assert 14 in gaps and any(g >= 28 for g in gaps)


# --- payments ---------------------------------------------------------------------------------
def test_scheduled_debits_run_on_the_due_date(small: Dataset) -> None:
    off = small.one("""
        select count(*) filter (where a.attempted_at::date <> i.due_date), count(*)
        from payment_attempts a join installments i using (installment_id)
        where a.kind = 'scheduled'""")
    assert off[0] == 0 and off[1] > 1000


def test_retries_follow_a_failed_debit_three_and_seven_days_later(small: Dataset) -> None:
    rows = small.q("""
        select a.attempted_at::date - i.due_date as d,
               exists (select 1 from payment_attempts f where f.installment_id = a.installment_id
                       and f.kind = 'scheduled' and f.status = 'failed') as after_failure
        from payment_attempts a join installments i using (installment_id)
        where a.kind = 'retry'""")
    assert rows
    assert {d for d, _ in rows} <= {3, 7}
    assert all(after for _, after in rows)


def test_never_more_money_than_due_and_partials_exist(small: Dataset) -> None:
    over, partial = small.one("""
        with paid as (
            select installment_id, sum(a.amount) got, count(*) n, any_value(i.amount) due
            from payment_attempts a join installments i using (installment_id)
            where a.status = 'succeeded' group by 1)
        select count(*) filter (where got > due + 0.005),
               count(*) filter (where n > 1 and abs(got - due) < 0.005)
        from paid""")
    assert over == 0
    assert partial > 5  # paid in two parts, in full
    kinds = {k for (k,) in small.q(
        "select distinct kind from payment_attempts where status = 'succeeded'")}
    assert {"scheduled", "retry", "customer_initiated", "agent_assisted"} <= kinds


def test_failed_attempts_have_a_reason_and_successes_none(small: Dataset) -> None:
    bad = small.one("""
        select count(*) from payment_attempts
        where (status = 'failed') <> (failure_reason is not null)""")[0]
    assert bad == 0


def test_customers_pay_by_themselves_soon_after_payday(planted: Dataset) -> None:
    """Funding signals: own payments of fixed-day earners land in the days after payday."""
    share, n = planted.one("""
        select avg(((day(a.attempted_at::date) - t.payday_day_of_month + 31) % 31 <= 2)::int),
               count(*)
        from payment_attempts a join installments i using (installment_id)
        join plans p using (plan_id) join truth_customers t using (customer_id)
        where a.kind = 'customer_initiated' and t.pay_schedule = 'monthly_fixed_day'
          and a.attempted_at::date > i.due_date""")
    assert n > 200
    assert share > 0.25  # 3 days in ~30 would be 0.1 by chance


# --- collections ------------------------------------------------------------------------------
def test_reminders_come_before_the_due_date(small: Dataset) -> None:
    rows = small.q("""
        select min(i.due_date - k.sent_at::date) from contacts k
        join installments i on i.plan_id = k.plan_id
          and i.due_date between k.sent_at::date and k.sent_at::date + 3
        where k.stage = 'reminder' group by k.contact_id""")
    assert rows and all(d is not None and 1 <= d <= 3 for (d,) in rows)


def test_stages_harden_with_days_past_due(small: Dataset) -> None:
    order = small.q("""
        select stage, median(k.sent_at::date - o.opened_date) from contacts k
        join truth_cases o on o.plan_id = k.plan_id
          and k.sent_at::date between o.opened_date and o.opened_date + 200
        where stage <> 'reminder' group by 1 order by 2""")
    stages = [s for s, _ in order]
    assert stages == ["first_notice", "follow_up", "final_notice", "pre_litigation"]


def test_funnel_events_are_ordered_and_channel_consistent(small: Dataset) -> None:
    bad = small.one("""
        select count(*) filter (where clicked_at is not null and opened_at is null),
               count(*) filter (where opened_at is not null and delivered_at is null),
               count(*) filter (where opened_at < delivered_at or clicked_at < opened_at),
               count(*) filter (where (channel = 'call') <> (call_outcome is not null)),
               count(*) filter (where channel = 'call' and (team_id is null or agent_id is null)),
               count(*) filter (where cost is null or cost < 0)
        from contacts""")
    assert bad == (0, 0, 0, 0, 0, 0)
    outcomes = {o for (o,) in small.q("select distinct call_outcome from contacts "
                                      "where channel = 'call'")}
    assert outcomes == {"no_answer", "busy", "voicemail", "wrong_party", "right_party"}
    costs = dict(small.q("select channel, avg(cost) from contacts group by 1"))
    assert costs["call"] > costs["letter"] > costs["sms"] > costs["email"]


def test_promises_come_from_right_party_calls_and_some_are_broken(small: Dataset) -> None:
    bad = small.one("""
        select count(*) from arrangements r join contacts k using (contact_id)
        where k.channel <> 'call' or k.call_outcome <> 'right_party'
           or r.promised_date < r.created_at::date""")[0]
    assert bad == 0
    kept = small.q("""
        select exists (select 1 from payment_attempts a join installments i using (installment_id)
                       where i.plan_id = r.plan_id and a.status = 'succeeded'
                         and a.attempted_at >= r.created_at
                         and a.attempted_at::date <= r.promised_date + 1)
        from arrangements r where r.kind = 'promise_to_pay'
          and r.promised_date < date '2026-10-25'""")
    share = sum(k for (k,) in kept) / len(kept)
    assert 0.2 < share < 0.9
    kinds = {k for (k,) in small.q("select distinct kind from arrangements")}
    assert kinds == {"promise_to_pay", "payment_plan", "settlement"}


def test_allocations_cover_every_team_type(small: Dataset) -> None:
    rows = small.q("select team_type, team_id, assigned_at, released_at from allocations")
    prefix = {"in_house": "T-IH", "call_center": "T-CC", "field_agent": "T-FA", "agency": "T-AG"}
    assert {r[0] for r in rows} == set(prefix)
    for team_type, team_id, assigned, released in rows:
        assert team_id.startswith(prefix[team_type])
        assert released is None or released >= assigned


def test_escalation_runs_in_order(small: Dataset) -> None:
    rank = {"pre_litigation": 0, "litigation": 1, "debt_sale": 1, "write_off": 2}
    plans: dict[str, list[str]] = {}
    for plan, stage in small.q("select plan_id, stage from escalations order by escalated_at"):
        plans.setdefault(plan, []).append(stage)
    assert {s for v in plans.values() for s in v} == set(rank)
    for stages in plans.values():
        assert [rank[s] for s in stages] == sorted(rank[s] for s in stages)
        assert not ("litigation" in stages and "debt_sale" in stages)


# --- feedback, currencies, customers ------------------------------------------------------------
def test_feedback_has_comments_and_a_reason_on_only_part(small: Dataset) -> None:
    n, coded, empty, bad_sat = small.one("""
        select count(*), count(reason_code), count(*) filter (where coalesce(comment, '') = ''),
               count(*) filter (where satisfaction not between 1 and 5) from feedback""")
    assert n > 100 and empty == 0 and bad_sat == 0
    assert 0.2 < coded / n < 0.6
    codes = {c for (c,) in small.q("select distinct reason_code from feedback")} - {None}
    assert codes <= set(REASON_CODES) and len(codes) >= 6
    french = small.one("""
        select count(*) from feedback f join customers c using (customer_id)
        where c.language = 'fr' and (f.comment ilike '%je %' or f.comment ilike '%j''%'
                                     or f.comment ilike '%mon %' or f.comment ilike '%ma %')""")
    assert french[0] > 5


def test_several_currencies_with_daily_rates(small: Dataset) -> None:
    currencies = {c for (c,) in small.q("select distinct currency from plans")}
    assert {"EUR", "GBP", "SEK", "USD"} <= currencies
    days, per_currency, eur = small.one("""
        select count(distinct date), count(*) / count(distinct currency),
               max(abs(rate_to_reporting - 1)) filter (where currency = 'EUR')
        from fx_rates""")
    assert days == per_currency == (END - cal.START_DATE).days + 1
    assert eur == 0
    mismatched = small.one("""
        select count(*) from plans p join customers c using (customer_id)
        where (c.country = 'GB') <> (p.currency = 'GBP')
           or (c.country = 'US') <> (p.currency = 'USD')""")[0]
    assert mismatched == 0


def test_multi_debtors_hold_several_plans_at_once(small: Dataset) -> None:
    many = small.one("""
        select count(*) from (select customer_id from plans group by 1 having count(*) >= 4)""")[0]
    overlapping = small.one("""
        select count(distinct a.customer_id) from plans a join plans b
          on a.customer_id = b.customer_id and a.plan_id < b.plan_id
         and b.purchased_at < a.purchased_at + interval 60 day
         and b.purchased_at >= a.purchased_at""")[0]
    assert many > 100 and overlapping > 300


def test_nothing_happens_after_the_window(small: Dataset) -> None:
    limit = datetime(END.year, END.month, END.day) + timedelta(days=3)
    latest = small.one("""
        select greatest(max(a.attempted_at), (select max(sent_at) from contacts),
                        (select max(submitted_at) from feedback),
                        (select max(escalated_at) from escalations))
        from payment_attempts a""")[0]
    assert latest.replace(tzinfo=None) < limit
    assert small.one("select count(*) from customers c join plans p using (customer_id) "
                     "where c.created_at > p.purchased_at")[0] == 0


def test_customers_also_get_in_touch(small: Dataset) -> None:
    rows = small.q("""select channel, team_id, count(*) from contacts
                      where direction = 'inbound' group by 1, 2""")
    assert rows and {c for c, _, _ in rows} <= {"call", "chat"}
    assert all(team.startswith("T-IH") for _, team, _ in rows)
