"""Collections: from a failed debit to cure, escalation or write-off, one day at a time.

An episode opens when a plan's installment fails its first debit. Each day every open episode may
be retried (days 3 and 7), contacted on a cadence of channels that hardens with days past due,
called by the team it is allocated to, pay by itself (most often just after payday), keep or break
a promise, and be escalated. The loop runs over days; everything inside is vectorised over the
episodes still open that day.

Random draws come from :class:`simulator.rand.HashUniform` keyed by (episode, day, purpose), so
re-running the same episodes under other parameters (the experiment's counterfactual) gives them
the same luck.
"""

from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass, field

import numpy as np

from simulator import timeline as cal
from simulator.effects import Effects
from simulator.rand import HashUniform, sigmoid

CHANNELS = ("sms", "email", "call", "chat", "letter", "push", "whatsapp", "social")
SMS, EMAIL, CALL, CHAT, LETTER, PUSH, WHATSAPP, SOCIAL = range(8)
STAGES = ("reminder", "first_notice", "follow_up", "final_notice", "pre_litigation")
TEAM_TYPES = ("in_house", "call_center", "field_agent", "agency")
IN_HOUSE, CALL_CENTER, FIELD_AGENT, AGENCY = range(4)
# (team id, team type index)
TEAMS = (("T-IH-01", 0), ("T-IH-02", 0), ("T-CC-01", 1), ("T-CC-02", 1), ("T-CC-03", 1),
         ("T-FA-01", 2), ("T-FA-02", 2), ("T-AG-01", 3), ("T-AG-02", 3), ("T-AG-03", 3),
         ("T-AG-04", 3))
TEAMS_OF_TYPE = tuple(np.array([i for i, (_, k) in enumerate(TEAMS) if k == t]) for t in range(4))
TEAM_TYPE_OF = np.array([k for _, k in TEAMS])
AGENTS_PER_TEAM = 12
ARMS = ("champion", "challenger", "holdout")
PAY_SOURCES = ("retry", "customer_initiated", "agent_assisted", "agency")
RETRY, SELF, AGENT, AGENCY_PAY = range(4)
ESCALATION_STAGES = ("pre_litigation", "litigation", "debt_sale", "write_off")
ARRANGEMENT_KINDS = ("promise_to_pay", "payment_plan", "settlement")
REASONS = ("payday_timing", "income_shock", "forgot_or_unaware", "payment_method_issue",
           "dispute_or_return", "fraud_or_identity", "hardship_life_event", "over_indebtedness",
           "refuses_to_pay", "other")
REASON_LOG_ODDS = np.array([0.6, -0.6, 0.9, 0.5, -1.4, -1.8, -0.5, -0.4, -2.0, 0.0])

# Digital cadence: (days past due, channel, only for the intensive strategy)
DIGITAL_STEPS = (
    (1, SMS, False), (1, EMAIL, False), (2, SMS, True), (3, PUSH, False), (4, SMS, False),
    (5, EMAIL, True), (6, EMAIL, False), (6, SMS, True), (8, SMS, False), (9, WHATSAPP, True),
    (11, EMAIL, False), (14, SMS, False), (18, EMAIL, False), (21, SMS, False),
    (22, LETTER, False), (25, EMAIL, False), (28, SMS, False), (35, SMS, False),
    (40, EMAIL, False), (50, SMS, False), (60, LETTER, False), (75, EMAIL, False),
    (90, LETTER, False),
)
CALL_DAYS = frozenset((10, 13, 17, 24, 31, 38, 46, 53, 61, 68, 82, 96, 110, 125, 140, 160))
CHANNEL_LOG_ODDS = {SMS: -2.3, EMAIL: -2.7, PUSH: -2.5, WHATSAPP: -2.1, LETTER: -2.9}
DELIVERY = {SMS: 0.96, EMAIL: 0.93, PUSH: 0.85, WHATSAPP: 0.92, LETTER: 0.97}
OPEN_RATE = {EMAIL: 0.42, PUSH: 0.30, WHATSAPP: 0.78}
COST_EUR = {SMS: 0.065, EMAIL: 0.002, PUSH: 0.001, WHATSAPP: 0.03, LETTER: 0.95}
CALL_COST_EUR = np.array([2.4, 1.6, 19.0, 3.2])
HORIZON = 200
NEVER = 10_000
DAY_MINUTES = 1440
WEEK_MINUTES = 7 * DAY_MINUTES
CONTACT_SLOTS = 16  # an episode's remembered contacts: more than any week of the cadence holds


def stage_of(t: int) -> int:
    if t <= 3:
        return 1
    if t <= 20:
        return 2
    if t <= 59:
        return 3
    return 4


@dataclass
class Episodes:
    """Inputs, one row per episode."""

    uid: np.ndarray  # unique key for the random draws
    plan: np.ndarray
    cust: np.ndarray
    open_day: np.ndarray
    reason: np.ndarray
    retryable_if: np.ndarray  # failure was insufficient funds: retries depend on the balance
    retry_success: np.ndarray  # for other retryable failures: chance a retry works
    funds_bound: np.ndarray  # the reason is a lack of money: paying waits for payday
    base: np.ndarray  # customer's log-odds of paying, reason included
    risk: np.ndarray
    arm: np.ndarray  # -1 not in the experiment, else index into ARMS
    intensive: np.ndarray
    app_user: np.ndarray
    tz: np.ndarray
    paydays: np.ndarray  # (n, 20) payday day numbers from the one before opening
    reminders: np.ndarray  # (n, 8) times of the customer's reminders, minutes since opening

    @property
    def n(self) -> int:
        return self.uid.size

    def subset(self, rows: np.ndarray) -> Episodes:
        return Episodes(**{k: v[rows] for k, v in self.__dict__.items()})


@dataclass
class Outcome:
    cured_t: np.ndarray
    pay_source: np.ndarray
    pay_minute: np.ndarray  # local minute of the cure day the payment lands (0 for a retry)
    closed_t: np.ndarray  # litigation, debt sale, write-off or settlement
    contacts: dict[str, np.ndarray] = field(default_factory=dict)
    retries: dict[str, np.ndarray] = field(default_factory=dict)
    arrangements: dict[str, np.ndarray] = field(default_factory=dict)
    allocations: dict[str, np.ndarray] = field(default_factory=dict)
    escalations: dict[str, np.ndarray] = field(default_factory=dict)
    partials: dict[str, np.ndarray] = field(default_factory=dict)
    complaints: dict[str, np.ndarray] = field(default_factory=dict)


class _PayState:
    """When each episode will be paid, by what route, and at what local minute of that day.

    Every payment has a concrete time, so the earliest one wins even within a day: a payment a
    message prompts lands after that message, ahead of one planned for later that day.
    """

    def __init__(self, n: int) -> None:
        self.day = np.full(n, NEVER, dtype=np.int64)
        self.src = np.full(n, -1, dtype=np.int8)
        self.minute = np.full(n, DAY_MINUTES, dtype=np.int64)

    def offer(self, rows: np.ndarray, when: np.ndarray | int, src: np.ndarray | int,
              minute: np.ndarray | int) -> None:
        """Payment on day ``when`` at local ``minute`` unless an earlier one is already due."""
        when = np.broadcast_to(when, rows.shape)
        minute = np.broadcast_to(minute, rows.shape)
        better = (when < self.day[rows]) | ((when == self.day[rows]) & (minute < self.minute[rows]))
        hit = rows[better]
        self.day[hit] = when[better]
        self.src[hit] = np.broadcast_to(src, rows.shape)[better]
        self.minute[hit] = np.broadcast_to(minute, rows.shape)[better]


# Compact storage for recorded events (millions of contacts at full scale).
_EVENT_DTYPES = {"ep": np.int32, "t": np.int16, "channel": np.int8, "step": np.int8,
                 "hour": np.int8, "minute": np.int16, "outcome": np.int8, "team": np.int8,
                 "agent": np.int16, "prev7": np.int8, "cost": np.float32, "p_pay": np.float32,
                 "p_pay_best": np.float32, "arrangement": np.int8}


class _Chunks:
    """Column chunks appended day by day, concatenated once at the end."""

    def __init__(self, record: bool) -> None:
        self.record = record
        self.parts: dict[str, list[np.ndarray]] = {}

    def add(self, **cols: np.ndarray | int | float) -> None:
        if not self.record:
            return
        n = max(np.size(v) for v in cols.values() if isinstance(v, np.ndarray))
        for k, v in cols.items():
            arr = v if isinstance(v, np.ndarray) else np.full(n, v)
            if k in _EVENT_DTYPES and self.parts is not None:
                arr = arr.astype(_EVENT_DTYPES[k], copy=False)
            self.parts.setdefault(k, []).append(arr)

    def done(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate(v) for k, v in self.parts.items()}


def sms_hour_log_odds(hour: np.ndarray, effects: Effects) -> np.ndarray:
    """The planted send-hour effect: a peak at the best hour, half of it at the neighbours."""
    gap = np.abs(hour - effects.sms_best_hour)
    return effects.sms_best_hour_log_odds * np.where(gap == 0, 1.0, np.where(gap == 1, 0.5, 0.0))


def draw_send_hour(u: np.ndarray) -> np.ndarray:
    """Local send hour of a digital message: 08-20 mostly, a few at 07 and 21 (out of hours)."""
    hour = 8 + np.floor(u * 13).astype(np.int64)
    hour = np.where(u < 0.03, 7, hour)
    return np.where(u > 0.975, 21, hour)


def any_time(u: np.ndarray) -> np.ndarray:
    """Local minute of a payment not prompted by a contact: 07:00 to 22:59."""
    return 7 * 60 + np.floor(u * 16 * 60).astype(np.int64)


def inbound_complaints(hu: HashUniform, key: np.ndarray) -> tuple[np.ndarray, ...]:
    """Which complaints also come in as a call or chat that evening, and its local hour, minute.

    ``key`` = episode uid * 256 + day; shared with the contacts table, which writes them.
    """
    return (hu(960, key) < 0.5, 18 + (hu(962, key) * 4).astype(np.int64),
            (hu(963, key) * 60).astype(np.int64))


def run_episodes(ep: Episodes, effects: Effects, hu: HashUniform, record: bool) -> Outcome:
    n = ep.n
    team_log_odds = np.array([effects.team_log_odds[k] for k in TEAM_TYPES])
    pay = _PayState(n)
    pay_day = pay.day
    cured_t = np.full(n, -1, dtype=np.int64)
    closed_t = np.full(n, -1, dtype=np.int64)
    active = np.ones(n, dtype=bool)
    team = np.full(n, -1, dtype=np.int64)
    # contact times of the case (minutes since opening, local clock), a ring buffer
    last = np.full((n, CONTACT_SLOTS), -(10 ** 12), dtype=np.int64)
    ncontacts = np.zeros(n, dtype=np.int64)
    ptr = np.zeros(n, dtype=np.int64)
    max_t = np.minimum(HORIZON, cal.END - ep.open_day)
    pending_partial = np.full(n, NEVER, dtype=np.int64)
    contacts, retries, arrangements = _Chunks(record), _Chunks(record), _Chunks(record)
    allocations, escalations, partials = _Chunks(record), _Chunks(record), _Chunks(record)
    complaints = _Chunks(record)
    key_base = ep.uid.astype(np.uint64) * np.uint64(256)

    def u(tag: tuple, rows: np.ndarray, t: int) -> np.ndarray:
        # the purpose id is a pure function of the tag, so every run draws the same numbers
        return hu(_purpose(tag), key_base[rows] + np.uint64(t))

    def inbound(rows: np.ndarray, t: int) -> None:
        # complaints that come in as a call or chat count towards the contact pressure
        calls_in, hour, minute = inbound_complaints(hu, key_base[rows] + np.uint64(t))
        _remember(rows[calls_in], t * DAY_MINUTES + hour[calls_in] * 60 + minute[calls_in],
                  last, ncontacts)

    for t in range(1, HORIZON + 1):
        act = np.flatnonzero(active & (t <= max_t))
        if act.size == 0:
            break
        day = ep.open_day[act] + t
        # pay cycle position
        nxt_col = np.minimum(ptr[act] + 1, ep.paydays.shape[1] - 1)
        moved = ep.paydays[act, nxt_col] <= day
        ptr[act] = np.minimum(ptr[act] + moved, ep.paydays.shape[1] - 2)
        prev_pay = ep.paydays[act, ptr[act]]
        next_pay = ep.paydays[act, np.minimum(ptr[act] + 1, ep.paydays.shape[1] - 1)]
        since_pay = day - prev_pay
        # customers short of money pay when it arrives: just after payday, rarely late in the cycle
        funds = np.where(ep.funds_bound[act], np.where(since_pay <= 1, 2.2, -2.0), 0.0)
        base = ep.base[act] + funds
        ttype = np.where(team[act] >= 0, TEAM_TYPE_OF[np.maximum(team[act], 0)], -1)
        tlo = np.where(ttype >= 0, team_log_odds[np.maximum(ttype, 0)], 0.0)

        # retries on days 3 and 7
        if t in (3, 7):
            lateness, _ = _lateness(prev_pay, next_pay, day, effects)
            # with the balance curve on, a retry after the next payday finds the money there
            funded = (since_pay < t) & (effects.timing_log_odds_at_eve != 0)
            p_fail = np.where(
                ep.retryable_if[act],
                sigmoid(np.where(funded, -1.6 + 0.5 * ep.risk[act], 1.6 + ep.risk[act])
                        + effects.timing_log_odds_at_eve * lateness),
                1.0 - ep.retry_success[act])
            tried = ep.retryable_if[act] | (ep.retry_success[act] > 0)
            ok = tried & (u(("retry",), act, t) >= p_fail)
            rows = act[tried]
            retries.add(ep=rows, t=t, ok=ok[tried])
            # the retry runs early in the morning: it takes precedence over a payment due later
            # that same day (the customer then has nothing left to pay)
            hit = act[ok]
            pay.day[hit] = t
            pay.src[hit] = RETRY
            pay.minute[hit] = 0

        silent = (ep.arm[act] == 2) & (t <= effects.holdout_silent_days)
        # short of money between paydays: a payment a message prompts waits for the next one
        wait = np.where(ep.funds_bound[act] & (since_pay > 1), next_pay - ep.open_day[act], 0)
        # digital cadence: the day's messages are timed first, so each one's contact pressure
        # counts exactly the contacts sent before it, whatever the order of the steps
        planned = []
        for k, (step_t, channel, intensive_only) in enumerate(DIGITAL_STEPS):
            if step_t != t:
                continue
            go = ~silent & (u(("send", k), act, t) < (1.0 if intensive_only else 0.92))
            if intensive_only:
                go &= ep.intensive[act]
            if channel == PUSH:
                go &= ep.app_user[act]
            rows = act[go]
            if rows.size == 0:
                continue
            hour = draw_send_hour(u(("hour", k), rows, t))
            minute = (u(("minute", k), rows, t) * 60).astype(np.int64)
            _remember(rows, t * DAY_MINUTES + hour * 60 + minute, last, ncontacts)
            planned.append((k, channel, go, rows, hour, minute))
        for k, channel, go, rows, hour, minute in planned:
            complained = _digital_contact(rows, t, channel, k, hour, minute, base[go], tlo[go],
                                          wait[go], ep, effects, u, last, pay, contacts,
                                          complaints)
            inbound(complained, t)

        # team calls, visits and agency work
        if t in CALL_DAYS:
            on = (team[act] >= 0) & ~silent
            rows = act[on]
            if rows.size:
                _call(rows, t, base[on], tlo[on], next_pay[on] - ep.open_day[rows], team, ep,
                      effects, u, last, ncontacts, pay, pending_partial, contacts,
                      arrangements)
        # paying by oneself: most likely in the days right after payday
        p_self = sigmoid(-5.6 + 0.6 * base + 1.5 * (since_pay <= 2) + 0.7 * (t <= 5)
                         + tlo)
        hit_mask = u(("self",), act, t) < p_self
        hit = act[hit_mask]
        src = np.where(ttype[hit_mask] == AGENCY, AGENCY_PAY,
                       np.where(ttype[hit_mask] == FIELD_AGENT, AGENT, SELF))
        pay.offer(hit, t, src, any_time(u(("self_minute",), hit, t)))
        # payment plans: the partial instalment lands on its promised day
        due_partial = act[pending_partial[act] == t]
        partials.add(ep=due_partial, t=t, share=0.5)
        pending_partial[due_partial] = NEVER

        # allocation to teams
        if t in (10, 45):
            waiting = act[pay_day[act] > t]
            if waiting.size:
                r = u(("alloc",), waiting, t)
                if t == 10:
                    kind = np.where(r < 0.5, IN_HOUSE, CALL_CENTER)
                else:
                    kind = np.where(r < 0.35, FIELD_AGENT, AGENCY)
                    released = waiting[team[waiting] >= 0]
                    allocations.add(ep=released, t=t, team=team[released], event=1)
                pick = u(("alloc_team",), waiting, t)
                team_idx = _team_of(kind, pick)
                team[waiting] = team_idx
                allocations.add(ep=waiting, t=t, team=team_idx, event=0)

        # escalation of what is still unpaid
        if t in (60, 90, 180):
            waiting = act[pay_day[act] > t]
            if t == 60:
                escalations.add(ep=waiting, t=t, stage=0)
                offer = waiting[u(("settle_offer",), waiting, t) < 0.2]
                # short of money: the settlement is paid when it arrives
                promised = np.where(ep.funds_bound[offer], _payday_from(ep, offer, t + 7), t + 14)
                kept = u(("settle_kept",), offer, t) < sigmoid(ep.base[offer] - 0.3)
                arrangements.add(ep=offer, t=t, kind=2, promised_t=promised, share=0.75,
                                 kept=kept, contact=-1)
                pending_partial[offer[kept]] = NEVER
                closed_t[offer[kept]] = promised[kept]
                partials.add(ep=offer[kept], t=promised[kept], share=0.75)
                escalations.add(ep=offer[kept], t=promised[kept], stage=3)
            elif t == 90:
                waiting = waiting[closed_t[waiting] < 0]
                r = u(("court",), waiting, t)
                stage = np.where(r < 0.45, 1, np.where(r < 0.70, 2, -1))
                gone = waiting[stage > 0]
                escalations.add(ep=gone, t=t, stage=stage[stage > 0])
                closed_t[gone] = t
            else:
                left = waiting[closed_t[waiting] < 0]
                escalations.add(ep=left, t=t, stage=3)
                closed_t[left] = t

        # settle the day
        paid = act[pay_day[act] == t]
        cured_t[paid] = t
        shut = act[(closed_t[act] >= 0) & (closed_t[act] <= t)]
        done = np.concatenate([paid, shut])
        active[done] = False
        with_team = done[team[done] >= 0]
        allocations.add(ep=with_team, t=t, team=team[with_team], event=1)

    return Outcome(
        cured_t=cured_t, pay_source=pay.src, pay_minute=pay.minute, closed_t=closed_t,
        contacts=contacts.done(), retries=retries.done(), arrangements=arrangements.done(),
        allocations=allocations.done(), escalations=escalations.done(),
        partials=partials.done(), complaints=complaints.done(),
    )


@functools.cache
def _purpose(tag: tuple) -> int:
    return 10_000 + zlib.crc32(repr(tag).encode())


def _lateness(prev_pay: np.ndarray, next_pay: np.ndarray, day: np.ndarray,
              effects: Effects) -> tuple[np.ndarray, np.ndarray]:
    to_next = next_pay - day
    window = np.where(next_pay - prev_pay >= 25, effects.timing_window_days_monthly,
                      effects.timing_window_days_short_cycle)
    return np.clip((window + 1 - to_next) / window, 0.0, 1.0), to_next


def _payday_from(ep: Episodes, rows: np.ndarray, t: np.ndarray | int) -> np.ndarray:
    """The first payday on or after day ``t`` of each episode (days since opening)."""
    rel = ep.paydays[rows] - ep.open_day[rows][:, None]
    t = np.broadcast_to(t, rows.shape)
    after = rel >= t[:, None]
    return np.where(after.any(axis=1), rel[np.arange(rows.size), after.argmax(axis=1)], t)


def _team_of(kind: np.ndarray, pick: np.ndarray) -> np.ndarray:
    out = np.empty(kind.size, dtype=np.int64)
    for k, members in enumerate(TEAMS_OF_TYPE):
        rows = kind == k
        out[rows] = members[np.minimum((pick[rows] * members.size).astype(np.int64),
                                       members.size - 1)]
    return out


def _prev_7d(rows: np.ndarray, now: np.ndarray, last: np.ndarray, ep: Episodes) -> np.ndarray:
    """Contacts in the 7 days before ``now`` (minutes since opening, local clock), counted as a
    contact-pressure analysis counts them from timestamps: the case's own messages, calls and
    inbound contacts, and the customer's pre-due reminders."""
    now = now[:, None]
    own = ((last[rows] >= now - WEEK_MINUTES) & (last[rows] < now)).sum(axis=1)
    rem = ep.reminders[rows]
    return own + ((rem >= now - WEEK_MINUTES) & (rem < now)).sum(axis=1)


def _remember(rows: np.ndarray, when: np.ndarray, last: np.ndarray,
              ncontacts: np.ndarray) -> None:
    last[rows, ncontacts[rows] % CONTACT_SLOTS] = when
    ncontacts[rows] += 1


def _digital_contact(rows, t, channel, step, hour, minute, base, tlo, wait, ep, effects, u, last,
                     pay, contacts, complaints) -> np.ndarray:
    """One dunning message to ``rows`` (already timed and remembered); returns who complained.

    ``wait``: day of the next payday for customers who have no money until then, else 0."""
    prev7 = _prev_7d(rows, t * DAY_MINUTES + hour * 60 + minute, last, ep)
    fatigued = prev7 >= effects.fatigue_threshold_prev_7d
    arm = ep.arm[rows]
    z = (base + CHANNEL_LOG_ODDS[channel] + np.where(fatigued, effects.fatigue_log_odds, 0.0)
         + np.where(arm == 1, effects.challenger_log_odds, 0.0) + tlo)
    hour_lo = sms_hour_log_odds(hour, effects) if channel == SMS else 0.0
    delivered = u(("deliv", step), rows, t) < DELIVERY[channel]
    if channel in OPEN_RATE:
        opened = delivered & (u(("open", step), rows, t) < OPEN_RATE[channel])
        p_click = np.where(opened, sigmoid(z + hour_lo + 2.0), 0.0)
    elif channel == LETTER:
        opened = np.zeros(rows.size, dtype=bool)
        p_click = np.zeros(rows.size)
    else:
        opened = None
        p_click = np.where(delivered, sigmoid(z + hour_lo + 1.0), 0.0)
    clicked = u(("click", step), rows, t) < p_click

    def pay_prob(extra):
        return np.where(delivered, sigmoid(z + extra - 0.2 + 1.6 * clicked), 0.0)

    p_pay = pay_prob(hour_lo)
    converted = u(("pay", step), rows, t) < p_pay
    r_delay = u(("delay", step), rows, t)
    delay = np.where(r_delay < 0.6, 0, np.where(r_delay < 0.85, 1, np.where(r_delay < 0.95, 2, 3)))
    # paying straight from the message: minutes to hours after it, the same evening at the latest
    soon = hour * 60 + minute + 5 + (u(("lag", step), rows, t) * 150).astype(np.int64)
    later = any_time(u(("pay_minute", step), rows, t))
    when = np.maximum(t + delay, wait)
    pay.offer(rows[converted], when[converted], SELF,
              np.where(when == t, np.minimum(soon, 23 * 60 + 59), later)[converted])
    complaint_p = np.where(fatigued, effects.complaint_rate_fatigued, effects.complaint_rate_base)
    complaint = delivered & (u(("complain", step), rows, t) < complaint_p)
    replied = (complaint | (u(("reply", step), rows, t) < 0.02)) & delivered & (
        channel in (SMS, EMAIL, WHATSAPP))
    if opened is None:
        opened = clicked | replied
    if contacts.record:
        best = sms_hour_log_odds(np.full(rows.size, effects.sms_best_hour), effects) \
            if channel == SMS else 0.0
        contacts.add(ep=rows, t=t, channel=channel, step=step, hour=hour, minute=minute,
                     delivered=delivered, opened=opened, clicked=clicked, replied=replied,
                     outcome=-1, team=-1, agent=-1, cost=COST_EUR[channel], prev7=prev7,
                     converted=converted, p_pay=p_pay, p_pay_best=pay_prob(best) if channel == SMS
                     else p_pay, arrangement=-1)
        complaints.add(ep=rows[complaint], t=t, channel=channel)
    return rows[complaint]


def _call(rows, t, base, tlo, next_pay_t, team, ep, effects, u, last, ncontacts, pay,
          pending_partial, contacts, arrangements) -> None:
    r_hour = u(("call_hour",), rows, t)
    hour = 9 + np.floor(r_hour * 11).astype(np.int64)
    hour = np.where(r_hour > 0.98, 20, hour)
    call_minute = (u(("call_minute",), rows, t) * 60).astype(np.int64)
    now = t * DAY_MINUTES + hour * 60 + call_minute
    prev7 = _prev_7d(rows, now, last, ep)
    team_type = TEAM_TYPE_OF[team[rows]]
    fatigued = prev7 >= effects.fatigue_threshold_prev_7d
    p_rpc = sigmoid(-0.9 + 0.3 * base + 0.25 * (hour >= 18) + tlo)
    r = u(("outcome",), rows, t)
    right = r < p_rpc
    rest = (r - p_rpc) / np.maximum(1 - p_rpc, 1e-9)
    outcome = np.where(right, 4, np.select([rest < 0.55, rest < 0.80, rest < 0.92],
                                           [0, 2, 1], default=3))
    z = base - 0.6 + tlo + np.where(fatigued, effects.fatigue_log_odds, 0.0)
    pay_now = right & (u(("pay_now",), rows, t) < sigmoid(z - 0.6))
    promise = right & ~pay_now & (u(("promise",), rows, t) < 0.55)
    plan_kind = promise & (u(("plan_kind",), rows, t) < 0.2)
    gap = next_pay_t - t
    # short of money: promise for payday; otherwise within the week
    promised_t = np.where((gap <= 10) | ep.funds_bound[rows],
                          next_pay_t + (u(("p_day",), rows, t) < 0.3),
                          t + 2 + np.floor(u(("p_day2",), rows, t) * 6).astype(np.int64))
    promised_t = np.maximum(promised_t, t + 1)
    kept = promise & (u(("kept",), rows, t) < sigmoid(0.4 + 0.8 * base + tlo))
    src = np.where(team_type == AGENCY, AGENCY_PAY, AGENT)
    during_call = np.minimum(hour * 60 + call_minute + 6, 23 * 60 + 59)
    pay.offer(rows[pay_now], t, src[pay_now], during_call[pay_now])
    full = kept & ~plan_kind
    when = any_time(u(("promise_minute",), rows, t))
    pay.offer(rows[full], promised_t[full], SELF, when[full])
    staged = kept & plan_kind
    pending_partial[rows[staged]] = promised_t[staged]
    # the rest of a payment plan: a payday later, or three weeks when money is not the issue
    rest_t = np.where(ep.funds_bound[rows], _payday_from(ep, rows, promised_t + 14),
                      promised_t + 21)
    pay.offer(rows[staged], rest_t[staged], SELF, when[staged])
    _remember(rows, now, last, ncontacts)
    if contacts.record:
        agent = team[rows] * AGENTS_PER_TEAM + np.floor(
            u(("agent",), rows, t) * AGENTS_PER_TEAM).astype(np.int64)
        contacts.add(ep=rows, t=t, channel=CALL, step=-1, hour=hour,
                     minute=call_minute,
                     delivered=np.zeros(rows.size, bool), opened=np.zeros(rows.size, bool),
                     clicked=np.zeros(rows.size, bool), replied=np.zeros(rows.size, bool),
                     outcome=outcome, team=team[rows], agent=agent,
                     cost=CALL_COST_EUR[team_type], prev7=prev7, converted=pay_now | kept,
                     p_pay=np.zeros(rows.size), p_pay_best=np.zeros(rows.size),
                     arrangement=np.where(promise, 1, -1))
        arrangements.add(ep=rows[promise], t=t, kind=plan_kind[promise].astype(np.int64),
                         promised_t=promised_t[promise],
                         share=np.where(plan_kind[promise], 0.5, 1.0), kept=kept[promise],
                         contact=np.ones(int(promise.sum()), dtype=np.int64))
