"""Merchants, customers, plans, installments, and the first debit of every installment.

Everything is drawn as whole arrays. A customer's ability to pay on a given day comes from where
that day falls in their pay cycle: money arrives on payday and runs low in the last days before
the next one (planted effect (a): debits that fall in those days fail more often).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator import timeline as cal
from simulator.effects import Effects
from simulator.rand import HashUniform, sigmoid

COUNTRIES = ("FR", "DE", "ES", "IT", "NL", "GB", "SE", "US")
COUNTRY_WEIGHTS = np.array([0.24, 0.17, 0.10, 0.09, 0.07, 0.15, 0.06, 0.12])
CURRENCIES = ("EUR", "GBP", "SEK", "USD")
COUNTRY_CURRENCY = np.array([0, 0, 0, 0, 0, 1, 2, 3])
EUR_PER_UNIT = np.array([1.0, 1.16, 0.088, 0.92])  # starting level of each daily fx series
TIMEZONES = ("Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam",
             "Europe/London", "Europe/Stockholm", "America/New_York", "America/Chicago",
             "America/Denver", "America/Los_Angeles")
US_TZ_WEIGHTS = np.array([0.45, 0.30, 0.07, 0.18])
LANGUAGES = ("en", "fr")
SECTORS = ("fashion", "electronics", "travel", "furniture", "beauty", "sports")
SECTOR_MEDIAN_EUR = np.array([85.0, 320.0, 560.0, 640.0, 55.0, 150.0])
# plan-type mix per sector: pay_in_3, pay_in_4, pay_in_30, financing
SECTOR_PLAN_MIX = np.array([
    [0.30, 0.38, 0.30, 0.02],
    [0.28, 0.32, 0.10, 0.30],
    [0.40, 0.25, 0.05, 0.30],
    [0.30, 0.20, 0.05, 0.45],
    [0.25, 0.45, 0.28, 0.02],
    [0.32, 0.38, 0.20, 0.10],
])
PLAN_TYPES = ("pay_in_3", "pay_in_4", "pay_in_30", "financing")
PAYMENT_METHODS = ("card", "sepa_debit", "bank_transfer")
FAILURE_REASONS = ("insufficient_funds", "card_expired", "card_declined", "authentication_failed",
                   "technical_error", "account_closed", "mandate_revoked", "disputed")
IF, CARD_EXPIRED, CARD_DECLINED, AUTH, TECH, ACCOUNT_CLOSED, MANDATE, DISPUTED = range(8)
# Non-funds failure rates per method: card_expired (card, base), card_declined, auth, technical,
# account_closed, mandate_revoked.
OTHER_FAILURES = {
    0: {CARD_DECLINED: 0.007, AUTH: 0.004, TECH: 0.003},
    1: {TECH: 0.002, ACCOUNT_CLOSED: 0.002, MANDATE: 0.003},
    2: {TECH: 0.004, ACCOUNT_CLOSED: 0.003},
}
PAYDAY_DOMS = np.array([1, 5, 10, 15, 20, 25, 26, 27, 28])
PAYDAY_DOM_WEIGHTS = np.array([0.10, 0.06, 0.06, 0.10, 0.06, 0.25, 0.12, 0.10, 0.15])
SCHEDULE_WEIGHTS_EU = np.array([0.42, 0.25, 0.10, 0.10, 0.13])
SCHEDULE_WEIGHTS_US = np.array([0.20, 0.10, 0.20, 0.40, 0.10])
BASE_IF_LOG_ODDS = -3.55

_MERCHANT_WORDS_A = ("Maison", "Nord", "Atelier", "Urban", "Blue", "Casa", "Nova", "Green",
                     "Alpine", "Lumen", "Petit", "Royal", "Silver", "Metro", "Sunny", "Velo",
                     "Oak", "Coral", "Pixel", "Boreal")
_MERCHANT_WORDS_B = ("Mode", "Tech", "Voyages", "Home", "Beauty", "Sport", "Store", "Living",
                     "Trips", "Outfitters", "Digital", "Cosmetics", "Interiors", "Gear", "Style")
_SECTOR_OF_WORD_B = (0, 1, 2, 3, 4, 5, 0, 3, 2, 5, 1, 4, 3, 5, 0)


@dataclass
class Portfolio:
    """Every entity as column arrays; indices are positions (ids are made at write time)."""

    # merchants
    merchant_sector: np.ndarray
    merchant_country: np.ndarray
    merchant_names: list[str]
    defect_merchants: np.ndarray
    # customers
    cust_country: np.ndarray
    cust_tz: np.ndarray
    cust_currency: np.ndarray
    cust_language: np.ndarray
    cust_birth_year: np.ndarray
    cust_created_us: np.ndarray
    cust_schedule: np.ndarray
    cust_payday_dom: np.ndarray
    cust_risk: np.ndarray
    cust_willingness: np.ndarray
    cust_app_user: np.ndarray
    cust_plan_count: np.ndarray
    paydays: np.ndarray  # (customers, PAY_SLOTS) offsets from cal.PAY_FROM
    # plans
    plan_customer: np.ndarray
    plan_merchant: np.ndarray
    plan_purchased_us: np.ndarray
    plan_type: np.ndarray
    plan_count: np.ndarray
    plan_method: np.ndarray
    plan_principal: np.ndarray  # local currency
    plan_currency: np.ndarray
    plan_disputed: np.ndarray
    plan_first_inst: np.ndarray
    # installments
    inst_plan: np.ndarray
    inst_seq: np.ndarray
    inst_due: np.ndarray
    inst_amount: np.ndarray
    inst_at_checkout: np.ndarray  # first installment of pay-in-3/4, paid at purchase
    # first scheduled attempt (due <= END): -1 = succeeded, else failure reason index
    inst_has_attempt: np.ndarray
    inst_first_failure: np.ndarray
    inst_misaligned: np.ndarray  # due date in the days just before the next payday
    inst_failed_cf: np.ndarray  # would the first attempt have failed if debited after payday
    fx: np.ndarray  # (currencies, days from START) EUR per unit


def fx_series(rng: np.random.Generator) -> np.ndarray:
    """Daily EUR value of each currency over the window: a small random walk around a level."""
    days = cal.END - cal.START + 1
    steps = rng.normal(0.0, 0.0035, size=(len(CURRENCIES), days))
    steps[0] = 0.0
    walk = np.cumsum(steps, axis=1)
    return np.round(EUR_PER_UNIT[:, None] * np.exp(walk), 6)


def timing_lateness(paydays: np.ndarray, cust: np.ndarray, days: np.ndarray,
                    effects: Effects) -> tuple[np.ndarray, np.ndarray]:
    """How deep into the end-of-cycle squeeze a day is (0 = not at all, 1 = payday eve).

    Returns (lateness, days until the next payday).
    """
    prev, nxt = cal.pay_cycle(paydays, cust, days)
    to_next = nxt - days
    window = np.where(nxt - prev >= 25, effects.timing_window_days_monthly,
                      effects.timing_window_days_short_cycle)
    lateness = np.clip((window + 1 - to_next) / window, 0.0, 1.0)
    return lateness, to_next


def build_portfolio(customers: int, rng: np.random.Generator, hu: HashUniform,
                    effects: Effects) -> Portfolio:
    n = customers
    # --- merchants
    m = int(np.clip(customers // 250, 20, 60))
    a = rng.permutation(len(_MERCHANT_WORDS_A) * len(_MERCHANT_WORDS_B))[:m]
    word_a, word_b = a // len(_MERCHANT_WORDS_B), a % len(_MERCHANT_WORDS_B)
    names = [f"{_MERCHANT_WORDS_A[i]} {_MERCHANT_WORDS_B[j]}" for i, j in zip(word_a, word_b,
                                                                               strict=True)]
    sector = np.array([_SECTOR_OF_WORD_B[j] for j in word_b])
    merchant_country = rng.choice(len(COUNTRIES) - 1, size=m, p=_renorm(COUNTRY_WEIGHTS[:-1]))
    popularity = 1.0 / (np.arange(m) + 4.0) ** 0.9
    popularity = rng.permutation(popularity)
    popularity /= popularity.sum()
    order = np.argsort(-popularity)
    # mid-sized merchants (5th and 10th by volume): visible only to a careful analysis
    defect = np.sort(order[[4, 9]][: effects.defect_merchant_count]).astype(np.int64)

    # --- customers
    country = rng.choice(len(COUNTRIES), size=n, p=COUNTRY_WEIGHTS)
    tz = np.where(country == 7, 7 + rng.choice(4, size=n, p=US_TZ_WEIGHTS), np.minimum(country, 6))
    language = (country == 0).astype(np.int8)
    birth_year = rng.integers(1950, 2007, size=n)
    us = country == 7
    schedule = np.where(us, _draw(rng, SCHEDULE_WEIGHTS_US, n), _draw(rng, SCHEDULE_WEIGHTS_EU, n))
    payday_dom = np.where(schedule == 0, PAYDAY_DOMS[_draw(rng, PAYDAY_DOM_WEIGHTS, n)], 0)
    phase = rng.integers(0, 2, size=n)
    paydays = cal.payday_matrix(schedule, payday_dom, phase, rng)
    risk = rng.normal(0.0, 0.9, size=n)
    willingness = rng.normal(0.0, 1.0, size=n)
    app_user = rng.random(n) < 0.6
    plan_count = 1 + rng.negative_binomial(1.2, 0.45, size=n)
    plan_count = np.minimum(plan_count, 12)
    risk = risk + 0.12 * np.maximum(plan_count - 3, 0)  # several plans at once: less slack

    # --- plans
    p = int(plan_count.sum())
    plan_customer = np.repeat(np.arange(n), plan_count)
    purchase_day = rng.integers(cal.START, cal.END - 1, size=p)
    order_p = np.lexsort((purchase_day, plan_customer))
    purchase_day = purchase_day[order_p]
    first_purchase = np.full(n, cal.END)
    np.minimum.at(first_purchase, plan_customer, purchase_day)
    created_day = first_purchase - rng.integers(0, 400, size=n)
    cust_created_us = (created_day * cal.DAY_US + rng.integers(0, cal.DAY_US, size=n))
    merchant = rng.choice(m, size=p, p=popularity)
    msector = sector[merchant]
    amount_eur = np.round(SECTOR_MEDIAN_EUR[msector] * np.exp(rng.normal(0, 0.55, size=p)), 2)
    amount_eur = np.maximum(amount_eur, 15.0)
    u = rng.random(p)
    cum = np.cumsum(SECTOR_PLAN_MIX[msector], axis=1)
    ptype = (u[:, None] > cum).sum(axis=1)
    ptype = np.where((ptype == 3) & (amount_eur < 200), 1, ptype)
    count = np.select([ptype == 0, ptype == 1, ptype == 2],
                      [3, 4, 1], default=rng.choice([6, 12, 24], size=p, p=[0.5, 0.35, 0.15]))
    eu_country = country[plan_customer] != 7
    method = _draw(rng, np.array([0.62, 0.28, 0.10]), p)
    method = np.where((method == 1) & ~eu_country, 0, method)
    currency = COUNTRY_CURRENCY[country[plan_customer]]
    fx = fx_series(rng)
    rate = fx[currency, purchase_day - cal.START]
    principal = np.round(amount_eur / rate, 2)
    purchased_us = purchase_day * cal.DAY_US + _local_to_utc_us(
        rng.integers(8 * 60, 23 * 60, size=p) * 60_000_000, tz[plan_customer], purchase_day)
    # an account exists before its first purchase (an hour at least)
    first_us = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_us, plan_customer, purchased_us)
    cust_created_us = np.minimum(cust_created_us, first_us - cal.HOUR_US)
    defect_plan = np.isin(merchant, defect)
    disputed = rng.random(p) < np.where(defect_plan, effects.defect_dispute_rate,
                                        effects.base_dispute_rate)

    # --- installments (compact types: ten million rows at full scale)
    total = int(count.sum())
    inst_plan = np.repeat(np.arange(p, dtype=np.int32), count)
    first_inst = np.concatenate([[0], np.cumsum(count)[:-1]])
    seq = (np.arange(total) - first_inst[inst_plan] + 1).astype(np.int16)
    biweekly = rng.random(p) < 0.7
    cents = np.round(principal * 100).astype(np.int64)
    base_cents = cents // count
    last_extra = cents - base_cents * count
    due = np.empty(total, dtype=np.int64)
    amount = np.empty(total, dtype=np.float64)
    failure = np.empty(total, dtype=np.int8)
    misaligned = np.empty(total, dtype=bool)
    failed_cf = np.empty(total, dtype=bool)
    for lo in range(0, total, 2_000_000):  # blocks bound the temporaries' memory
        rows = slice(lo, min(lo + 2_000_000, total))
        ip, sq = inst_plan[rows], seq[rows]
        pt = ptype[ip]
        pday = purchase_day[ip]
        # due = purchase date + some months + some days, by plan type (one calendar pass)
        fortnightly = (pt == 1) & biweekly[ip]
        months = np.where(pt == 3, sq, np.where((pt == 2) | fortnightly, 0, sq - 1))
        days = np.where(pt == 2, 30, np.where(fortnightly, 14 * (sq.astype(np.int64) - 1), 0))
        d = cal.add_months(pday, months) + days
        due[rows] = d
        amt = (base_cents[ip] + np.where(sq == count[ip], last_extra[ip], 0)) / 100.0
        amount[rows] = amt
        f, mis, cf = _first_debits(
            lo, d, amt * rate[ip], pt, sq, method[ip], disputed[ip], risk[plan_customer[ip]],
            plan_customer[ip], paydays, hu, effects)
        failure[rows], misaligned[rows], failed_cf[rows] = f, mis, cf
    has = due <= cal.END
    at_checkout = (ptype[inst_plan] <= 1) & (seq == 1)

    return Portfolio(
        merchant_sector=sector, merchant_country=merchant_country, merchant_names=names,
        defect_merchants=defect,
        cust_country=country, cust_tz=tz, cust_currency=COUNTRY_CURRENCY[country],
        cust_language=language, cust_birth_year=birth_year, cust_created_us=cust_created_us,
        cust_schedule=schedule, cust_payday_dom=payday_dom, cust_risk=risk,
        cust_willingness=willingness, cust_app_user=app_user, cust_plan_count=plan_count,
        paydays=paydays,
        plan_customer=plan_customer, plan_merchant=merchant, plan_purchased_us=purchased_us,
        plan_type=ptype, plan_count=count, plan_method=method, plan_principal=principal,
        plan_currency=currency, plan_disputed=disputed, plan_first_inst=first_inst,
        inst_plan=inst_plan, inst_seq=seq, inst_due=due, inst_amount=amount,
        inst_at_checkout=at_checkout, inst_has_attempt=has, inst_first_failure=failure,
        inst_misaligned=misaligned & has, inst_failed_cf=failed_cf,
        fx=fx,
    )


def _first_debits(offset: int, due: np.ndarray, amount_eur: np.ndarray, pt: np.ndarray,
                  seq: np.ndarray, meth: np.ndarray, disputed: np.ndarray, risk: np.ndarray,
                  cust: np.ndarray, paydays: np.ndarray, hu: HashUniform,
                  effects: Effects) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outcome of each installment's first debit: failure reason index (-1 = paid), whether its
    date is misaligned with payday, and whether it would have failed debited after payday."""
    n = due.size
    at_checkout = (pt <= 1) & (seq == 1)
    lateness, _ = timing_lateness(paydays, cust, due, effects)
    misaligned = (lateness > 0) & ~at_checkout
    key = np.arange(offset, offset + n, dtype=np.uint64)
    u_fail, u_other = hu(1, key), hu(2, key)
    failure = np.full(n, -1, dtype=np.int8)
    wave = cal.month_index(due) == cal.month_index_of(effects.card_wave_month)
    edge = np.where(meth == 0, effects.card_expired_base_rate
                    * np.where(wave, effects.card_wave_multiplier, 1.0), 0.0)
    failure[u_other < edge] = CARD_EXPIRED
    for mth, table in OTHER_FAILURES.items():
        for reason, rate_r in table.items():
            low = edge
            edge = np.where(meth == mth, edge + rate_r, edge)
            failure[(meth == mth) & (u_other >= low) & (u_other < edge) & (failure < 0)] = reason
    logit = BASE_IF_LOG_ODDS + risk + 0.3 * np.log(amount_eur / 80.0)
    fails_now = u_fail < sigmoid(logit + effects.timing_log_odds_at_eve * lateness)
    fails_cf = u_fail < sigmoid(logit)
    failure[(failure < 0) & fails_now] = IF
    dispute_from = np.where(pt <= 1, 2, 1)
    failure[disputed & (seq >= dispute_from)] = DISPUTED
    failure[at_checkout | (due > cal.END)] = -1
    failed_cf = (failure >= 0) & ~((failure == IF) & ~fails_cf)
    return failure, misaligned, failed_cf


REMINDER_SHARE = 0.12
REMINDER_SLOTS = 8


def reminder_installments(pf: Portfolio, hu: HashUniform) -> np.ndarray:
    """Installments whose customer gets a reminder two days before the due date (a share)."""
    cand = np.flatnonzero(~pf.inst_at_checkout
                          & (pf.inst_due - 2 >= cal.START) & (pf.inst_due - 2 <= cal.END))
    return cand[hu(950, cand.astype(np.uint64)) < REMINDER_SHARE]


def reminder_time(pick: np.ndarray, hu: HashUniform) -> tuple[np.ndarray, np.ndarray]:
    """Local hour (08-19) and minute at which the reminder of installment ``pick`` is sent."""
    key = pick.astype(np.uint64)
    return 8 + (hu(952, key) * 12).astype(np.int64), (hu(953, key) * 60).astype(np.int64)


def reminder_stamps(pf: Portfolio, hu: HashUniform) -> np.ndarray:
    """(customers, REMINDER_SLOTS) local times of each customer's reminders, in minutes since
    1970-01-01 on the customer's clock, padded far in the past.

    Reminders count towards the contact pressure of the 7 days after them."""
    pick = reminder_installments(pf, hu)
    cust = pf.plan_customer[pf.inst_plan[pick]]  # sorted: installments are grouped by customer
    start = np.r_[True, cust[1:] != cust[:-1]] if cust.size else np.zeros(0, bool)
    idx = np.arange(cust.size)
    rank = idx - np.maximum.accumulate(np.where(start, idx, 0)) if cust.size else idx
    out = np.full((pf.cust_country.size, REMINDER_SLOTS), -(10 ** 12), dtype=np.int64)
    keep = rank < REMINDER_SLOTS
    hour, minute = reminder_time(pick[keep], hu)
    out[cust[keep], rank[keep]] = (pf.inst_due[pick[keep]] - 2) * 1440 + hour * 60 + minute
    return out


_OFFSETS: dict[str, np.ndarray] = {}


def utc_offsets() -> np.ndarray:
    """UTC offsets (hours) per timezone and day from START - 450 to END + 1, cached."""
    if "all" not in _OFFSETS:
        _OFFSETS["all"] = cal.utc_offsets_hours(TIMEZONES, cal.START - 450, cal.END + 260)
    return _OFFSETS["all"]


def local_to_utc_us(local_us_of_day: np.ndarray, tz: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Microseconds after UTC midnight of ``day`` for a local time of day in timezone ``tz``."""
    off = utc_offsets()[tz, np.clip(day - (cal.START - 450), 0, None)]
    return local_us_of_day - (off * cal.HOUR_US).astype(np.int64)


_local_to_utc_us = local_to_utc_us


def _draw(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    return rng.choice(weights.size, size=n, p=weights / weights.sum())


def _renorm(w: np.ndarray) -> np.ndarray:
    return w / w.sum()
