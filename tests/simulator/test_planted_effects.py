"""Each planted root cause shows in the raw tables, and is absent with --null.

Checks are deliberately simple (two-proportion z-scores on the raw tables, joined to the truth
where the product has no column for it); finding the effects properly is the insight engine's job.
"""

from __future__ import annotations

import math

import pytest

from tests.simulator.conftest import Dataset


def z_two(p1: float, n1: int, p2: float, n2: int) -> float:
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return (p1 - p2) / se


def by_group(ds: Dataset, sql: str) -> dict:
    """{group: (rate, n)} from rows (group, n, rate)."""
    return {g: (rate, n) for g, n, rate in ds.q(sql)}


# --- (a) debits before payday ---------------------------------------------------------------
FUNDS_BY_ALIGNMENT = """
    select t.misaligned, count(*),
           avg(coalesce(a.failure_reason = 'insufficient_funds', false)::int)
    from payment_attempts a
    join installments i using (installment_id)
    join plans p using (plan_id)
    join truth_customers t using (customer_id)
    where a.kind = 'scheduled'
    group by 1
"""


def test_debits_before_payday_fail_more_often(planted: Dataset) -> None:
    g = by_group(planted, FUNDS_BY_ALIGNMENT)
    (p_mis, n_mis), (p_al, n_al) = g[True], g[False]
    assert 1.15 < p_mis / p_al < 2.5  # present, not absurd
    assert z_two(p_mis, n_mis, p_al, n_al) > 4
    t = planted.truth["payday_timing"]
    assert 0.03 < t["share_failed_caused_by_timing"] < 0.25
    assert t["insufficient_funds_rate_misaligned"] > t["insufficient_funds_rate_aligned"]


def test_no_timing_effect_under_null(nulled: Dataset) -> None:
    g = by_group(nulled, FUNDS_BY_ALIGNMENT)
    (p_mis, n_mis), (p_al, n_al) = g[True], g[False]
    assert abs(z_two(p_mis, n_mis, p_al, n_al)) < 3
    t = nulled.truth["payday_timing"]
    assert t["planted"] is False
    assert t["failed_first_attempts_caused_by_timing"] == 0


# --- (b) best local send hour for SMS ---------------------------------------------------------
SMS_BY_HOUR = """
    with sms as (
        select k.contact_id, k.plan_id, k.sent_at,
               hour(timezone(c.timezone, k.sent_at)) as local_hour
        from contacts k join customers c using (customer_id)
        where k.channel = 'sms' and k.stage <> 'reminder' and k.delivered_at is not null
          and k.sent_at < timestamptz '2026-10-27'
    ), paid as (
        select s.contact_id, s.local_hour,
               exists (select 1 from payment_attempts a join installments i using (installment_id)
                       where i.plan_id = s.plan_id and a.status = 'succeeded'
                         and a.attempted_at >= s.sent_at
                         and a.attempted_at < s.sent_at + interval 3 day) as paid3
        from sms s
    )
    select local_hour between 17 and 19, count(*), avg(paid3::int) from paid group by 1
"""


def test_sms_sent_around_best_hour_convert_more(planted: Dataset) -> None:
    assert planted.truth["send_hour"]["best_local_hour"] == 18
    g = by_group(planted, SMS_BY_HOUR)
    (p_best, n_best), (p_other, n_other) = g[True], g[False]
    assert z_two(p_best, n_best, p_other, n_other) > 2.5
    assert p_best - p_other < 0.15


def test_send_hour_flat_under_null(nulled: Dataset) -> None:
    g = by_group(nulled, SMS_BY_HOUR)
    (p_best, n_best), (p_other, n_other) = g[True], g[False]
    assert abs(z_two(p_best, n_best, p_other, n_other)) < 3


# --- (c) merchants with a delivery/billing defect --------------------------------------------
DISPUTES_BY_MERCHANT = """
    with disputed as (
        select distinct i.plan_id from payment_attempts a join installments i using (installment_id)
        where a.failure_reason = 'disputed'
    )
    select p.merchant_id, count(*), avg((d.plan_id is not null)::int)
    from plans p left join disputed d using (plan_id)
    group by 1
"""


def _merchant_z(ds: Dataset) -> dict[str, float]:
    g = by_group(ds, DISPUTES_BY_MERCHANT)
    total = sum(n for _, n in g.values())
    pooled = sum(r * n for r, n in g.values()) / total
    return {m: (r - pooled) / math.sqrt(pooled * (1 - pooled) / n) for m, (r, n) in g.items()}


def test_defect_merchants_stand_out_in_disputes(planted: Dataset) -> None:
    defect = planted.truth["defect_merchants"]["defect_merchant_ids"]
    assert len(defect) == 2
    z = _merchant_z(planted)
    top = sorted(z, key=z.get, reverse=True)[:2]
    assert sorted(top) == sorted(defect)
    assert min(z[m] for m in defect) > 4
    # their customers say so in their feedback too
    share = planted.one("""
        select avg((t.reason = 'dispute_or_return')::int) from truth_cases t
        join plans p using (plan_id)
        where p.merchant_id in (select unnest(?::varchar[]))""".replace("?", str(defect)))[0]
    assert share > 0.2


def test_no_defect_merchant_under_null(nulled: Dataset) -> None:
    assert nulled.truth["defect_merchants"]["defect_merchant_ids"] == []
    z = _merchant_z(nulled)
    assert max(z.values()) < 4  # Bonferroni over ~60 merchants


# --- (d) card_expired wave -------------------------------------------------------------------
CARD_EXPIRED_BY_MONTH = """
    select strftime(i.due_date, '%Y-%m'), count(*),
           avg(coalesce(a.failure_reason = 'card_expired', false)::int)
    from payment_attempts a join installments i using (installment_id) join plans p using (plan_id)
    where a.kind = 'scheduled' and p.payment_method = 'card'
    group by 1
"""


def test_card_expired_wave_in_one_month(planted: Dataset) -> None:
    month = planted.truth["card_expired_wave"]["month"]
    g = by_group(planted, CARD_EXPIRED_BY_MONTH)
    wave = g[month][0]
    others = [r for m, (r, n) in g.items() if m != month and n > 500]
    assert wave > 2.5 * max(others)


def test_no_card_wave_under_null(nulled: Dataset) -> None:
    g = by_group(nulled, CARD_EXPIRED_BY_MONTH)
    rates = {m: r for m, (r, n) in g.items() if n > 1000}
    overall = sum(rates.values()) / len(rates)
    assert max(rates.values()) < 2.2 * overall


# --- (e) contact fatigue ----------------------------------------------------------------------
REPLIES_BY_PRESSURE = """
    with k as (
        select contact_id, replied_at, delivered_at,
               count(*) over (partition by plan_id order by sent_at
                              range between interval 7 day preceding and current row) - 1 as prev
        from contacts
        where stage <> 'reminder' and channel in ('sms', 'email', 'whatsapp')
    )
    select prev >= 3, count(*), avg((replied_at is not null)::int)
    from k where delivered_at is not null group by 1
"""


def test_fatigue_brings_complaints(planted: Dataset) -> None:
    g = by_group(planted, REPLIES_BY_PRESSURE)
    (p_hi, n_hi), (p_lo, n_lo) = g[True], g[False]
    assert z_two(p_hi, n_hi, p_lo, n_lo) > 3
    f = planted.truth["fatigue"]
    assert f["observed_complaint_rate_at_or_above"] > 2 * f["observed_complaint_rate_below"]
    complaints = planted.one("select count(*) from feedback where comment ilike '%messages%'"
                             " or comment ilike '%relances%'")[0]
    assert complaints > 50


def test_no_fatigue_under_null(nulled: Dataset) -> None:
    g = by_group(nulled, REPLIES_BY_PRESSURE)
    (p_hi, n_hi), (p_lo, n_lo) = g[True], g[False]
    assert abs(z_two(p_hi, n_hi, p_lo, n_lo)) < 3


# --- (f) champion / challenger / hold-out -----------------------------------------------------
CURE_BY_ARM = """
    select e.arm, count(*), avg((t.cured_days is not null and t.cured_days <= 30)::int)
    from truth_cases t join experiments e using (plan_id)
    where t.opened_date >= date '2026-01-01' and t.opened_date <= date '2026-10-01'
    group by 1
"""


def test_challenger_beats_champion_which_beats_holdout(planted: Dataset) -> None:
    g = by_group(planted, CURE_BY_ARM)
    assert z_two(*g["challenger"], *g["champion"]) > 2.5
    assert z_two(*g["champion"], *g["holdout"]) > 2
    t = planted.truth["experiment"]
    assert 0.02 < t["true_lift_cure30_challenger_vs_champion"] < 0.15


def test_experiment_has_no_lift_under_null(nulled: Dataset) -> None:
    g = by_group(nulled, CURE_BY_ARM)
    assert abs(z_two(*g["challenger"], *g["champion"])) < 3
    assert abs(z_two(*g["champion"], *g["holdout"])) < 3
    t = nulled.truth["experiment"]
    assert t["true_lift_cure30_challenger_vs_champion"] == 0
    assert t["true_lift_cure30_champion_vs_holdout"] == 0


# --- (g) team types ----------------------------------------------------------------------------
PAID_AFTER_ALLOCATION = """
    select l.team_type, count(*),
           avg(exists (select 1 from payment_attempts a join installments i using (installment_id)
                       where i.plan_id = l.plan_id and a.status = 'succeeded'
                         and a.attempted_at >= l.assigned_at
                         and a.attempted_at < l.assigned_at + interval 90 day)::int)
    from allocations l
    where l.assigned_at < timestamptz '2026-08-01'
    group by 1
"""


@pytest.mark.parametrize("better, worse", [("field_agent", "agency")])
def test_team_types_recover_differently(planted: Dataset, better: str, worse: str) -> None:
    g = by_group(planted, PAID_AFTER_ALLOCATION)
    assert z_two(*g[better], *g[worse]) > 2.5
    assert g["in_house"][0] > g["call_center"][0]


def test_team_types_equal_under_null(nulled: Dataset) -> None:
    g = by_group(nulled, PAID_AFTER_ALLOCATION)
    assert abs(z_two(*g["field_agent"], *g["agency"])) < 3
    assert abs(z_two(*g["in_house"], *g["call_center"])) < 3
