"""Assemble the contract tables (Arrow) from the simulated arrays."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from simulator import timeline as cal
from simulator.dunning import (
    AGENTS_PER_TEAM,
    ARMS,
    CALL,
    CHANNELS,
    CHAT,
    EMAIL,
    LETTER,
    PUSH,
    REASONS,
    RETRY,
    SMS,
    STAGES,
    TEAM_TYPE_OF,
    TEAM_TYPES,
    TEAMS,
    inbound_complaints,
)
from simulator.effects import Effects
from simulator.episodes import EpisodeResult
from simulator.ids import make_ids, take_strings, take_strings_nullable
from simulator.portfolio import (
    COUNTRIES,
    CURRENCIES,
    FAILURE_REASONS,
    IF,
    LANGUAGES,
    PAYMENT_METHODS,
    PLAN_TYPES,
    SECTORS,
    TIMEZONES,
    Portfolio,
    local_to_utc_us,
    reminder_installments,
    reminder_time,
)
from simulator.rand import HashUniform

TS = pa.timestamp("us", tz="UTC")
# Tables are returned as builders: the numpy work is done by the caller's thread, the Arrow
# columns (ids, casts) are built by the writer thread, in parallel with the next table.
Builder = Callable[[], pa.Table | Iterator[pa.Table]]
BLOCK_ROWS = 2_000_000


def in_blocks(n: int, block: Callable[[slice], pa.Table]) -> Builder:
    """A builder yielding the table ``BLOCK_ROWS`` rows at a time (bounded Arrow memory)."""
    def build() -> Iterator[pa.Table]:
        for lo in range(0, max(n, 1), BLOCK_ROWS):
            yield block(slice(lo, min(lo + BLOCK_ROWS, n)))
    return build
ATTEMPT_KINDS = ("scheduled", "retry", "customer_initiated", "agent_assisted", "agency")
SOURCE_TO_KIND = np.array([1, 2, 3, 4])  # pay source -> attempt kind


def customer_ids(idx: np.ndarray) -> pa.Array:
    return make_ids("C", idx, 8)


def plan_ids(idx: np.ndarray) -> pa.Array:
    return make_ids("P", idx, 9)


def merchant_ids(idx: np.ndarray) -> pa.Array:
    return make_ids("M", idx, 3)


def _seconds(us: np.ndarray) -> np.ndarray:
    """Whole seconds: providers' exports rarely carry sub-second times."""
    us = np.asarray(us, dtype=np.int64)
    return us - us % 1_000_000


def ts(us: np.ndarray) -> pa.Array:
    return pa.array(_seconds(us), type=pa.int64()).cast(TS)


def ts_nullable(us: np.ndarray, valid: np.ndarray) -> pa.Array:
    return pa.array(_seconds(us), mask=~np.asarray(valid, dtype=bool)).cast(TS)


def dates(days: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(days, dtype=np.int32), type=pa.int32()).cast(pa.date32())


def money(x: np.ndarray, decimals: int = 2) -> pa.Array:
    return pa.array(np.round(np.asarray(x, dtype=np.float64), decimals))


def local_time_us(day: np.ndarray, tz: np.ndarray, minutes_of_day: np.ndarray) -> np.ndarray:
    """UTC microseconds for a local wall-clock time on a local day."""
    return day * cal.DAY_US + local_to_utc_us(minutes_of_day * 60_000_000, tz, day)


def merchants_table(pf: Portfolio) -> Builder:
    m = pf.merchant_sector.size
    return lambda: pa.table({
        "merchant_id": merchant_ids(np.arange(m)),
        "merchant_name": pa.array(pf.merchant_names),
        "sector": take_strings(SECTORS, pf.merchant_sector),
        "country": take_strings(COUNTRIES, pf.merchant_country),
    })


def customers_table(pf: Portfolio) -> Builder:
    n = pf.cust_country.size
    return lambda: pa.table({
        "customer_id": customer_ids(np.arange(n)),
        "country": take_strings(COUNTRIES, pf.cust_country),
        "timezone": take_strings(TIMEZONES, pf.cust_tz),
        "created_at": ts(pf.cust_created_us),
        "language": take_strings(LANGUAGES, pf.cust_language),
        "birth_year": pa.array(pf.cust_birth_year.astype(np.int64)),
    })


def plans_table(pf: Portfolio) -> Builder:
    p = pf.plan_customer.size
    return lambda: pa.table({
        "plan_id": plan_ids(np.arange(p)),
        "customer_id": customer_ids(pf.plan_customer),
        "merchant_id": merchant_ids(pf.plan_merchant),
        "purchased_at": ts(pf.plan_purchased_us),
        "currency": take_strings(CURRENCIES, pf.plan_currency),
        "principal_amount": money(pf.plan_principal),
        "plan_type": take_strings(PLAN_TYPES, pf.plan_type),
        "installment_count": pa.array(pf.plan_count.astype(np.int64)),
        "payment_method": take_strings(PAYMENT_METHODS, pf.plan_method),
    })


def installments_table(pf: Portfolio) -> Builder:
    return in_blocks(pf.inst_plan.size, lambda s: pa.table({
        "installment_id": make_ids("I", np.arange(s.start, s.stop), 10),
        "plan_id": plan_ids(pf.inst_plan[s]),
        "sequence": pa.array(pf.inst_seq[s].astype(np.int64)),
        "due_date": dates(pf.inst_due[s]),
        "amount": money(pf.inst_amount[s]),
    }))


def fx_rates_table(pf: Portfolio) -> pa.Table:
    fx = pf.fx
    days = np.arange(cal.START, cal.END + 1)
    cur = np.repeat(np.arange(len(CURRENCIES)), days.size)
    return pa.table({
        "date": dates(np.tile(days, len(CURRENCIES))),
        "currency": take_strings(CURRENCIES, cur),
        "rate_to_reporting": pa.array(fx.reshape(-1)),
    })


class Assembler:
    """Builds the event tables, which share ids (contacts <- arrangements, calls)."""

    def __init__(self, pf: Portfolio, res: EpisodeResult, effects: Effects, hu: HashUniform,
                 rng: np.random.Generator) -> None:
        self.pf, self.res, self.effects, self.hu, self.rng = pf, res, effects, hu, rng
        ep = res.episodes
        out = res.outcome
        self.ep_end = np.where(out.cured_t >= 0, ep.open_day + out.cured_t,
                               np.iinfo(np.int64).max // 4)
        # plans closed by litigation, debt sale or write-off stop being debited
        close = np.full(pf.plan_customer.size, np.iinfo(np.int64).max // 4, dtype=np.int64)
        closing = (out.closed_t >= 0) & (out.cured_t < 0)
        np.minimum.at(close, ep.plan[closing], ep.open_day[closing] + out.closed_t[closing])
        self.plan_closed_day = close

    # --- payment attempts
    def payment_attempts(self) -> Builder:
        pf, res, rng = self.pf, self.res, self.rng
        ep, out = res.episodes, res.outcome
        inst_ep = res.inst_episode
        parts: list[dict[str, np.ndarray]] = []
        # 1. first scheduled debits (none after the plan was closed)
        first = np.flatnonzero(pf.inst_has_attempt
                               & (pf.inst_due <= self.plan_closed_day[pf.inst_plan]))
        at_checkout = pf.inst_at_checkout[first]
        failure = pf.inst_first_failure[first]
        # debit batches run between 02:00 and 09:00 UTC; checkout payments at purchase time
        batch_minute = 120 + (self.hu(3, first.astype(np.uint64)) * 420).astype(np.int64)
        first_at = np.where(at_checkout, pf.plan_purchased_us[pf.inst_plan[first]],
                            pf.inst_due[first] * cal.DAY_US + batch_minute * 60_000_000)
        parts.append(dict(inst=first, at=first_at, amount=pf.inst_amount[first],
                          kind=np.where(at_checkout, 2, 0).astype(np.int8), failed=failure >= 0,
                          reason=failure))
        # members of each episode (installment, episode), by episode
        members = np.flatnonzero(inst_ep >= 0)
        m_ep = inst_ep[members]
        order = np.argsort(m_ep, kind="stable")
        members, m_ep = members[order], m_ep[order]
        # 2. retries: every member due by the retry day
        r = out.retries
        if r and r["ep"].size:
            rows_i, rows_r = _pair(m_ep, r["ep"])
            inst = members[rows_i]
            day = ep.open_day[r["ep"][rows_r]] + r["t"][rows_r]
            keep = pf.inst_due[inst] <= day
            inst, rows_r, day = inst[keep], rows_r[keep], day[keep]
            ok = r["ok"][rows_r]
            head_fail = res.first_failure[r["ep"][rows_r]].astype(np.int64)
            parts.append(dict(
                inst=inst, at=day * cal.DAY_US + rng.integers(4 * 60, 9 * 60, inst.size)
                * 60_000_000, amount=pf.inst_amount[inst], kind=np.full(inst.size, 1, np.int8),
                failed=~ok, reason=np.where(ok, -1, head_fail).astype(np.int8)))
        # 3. partial payments on the opening installment
        paid_part = np.zeros(pf.inst_plan.size)
        pr = out.partials
        if pr and pr["ep"].size:
            e, t = pr["ep"], pr["t"]
            ok = ((out.cured_t[e] < 0) | (t < out.cured_t[e])) & (ep.open_day[e] + t <= cal.END)
            ok &= out.pay_source[e] != RETRY
            e, t, share = e[ok], t[ok], pr["share"][ok]
            e, first_pos = np.unique(e, return_index=True)  # one partial per episode
            t, share = t[first_pos], share[first_pos]
            inst = res.head[e]
            amt = np.round(pf.inst_amount[inst] * share, 2)
            paid_part[inst] = amt
            day = ep.open_day[e] + t
            parts.append(dict(inst=inst, at=local_time_us(day, ep.tz[e],
                                                          rng.integers(8 * 60, 22 * 60, e.size)),
                              amount=amt, kind=np.full(e.size, 2, np.int8),
                              failed=np.zeros(e.size, bool), reason=np.full(e.size, -1, np.int8)))
        # 4. the payment that cures the episode (retry cures are already rows of part 2)
        cured = (out.cured_t[m_ep] >= 0) & (out.pay_source[m_ep] != RETRY)
        inst, e = members[cured], m_ep[cured]
        day = ep.open_day[e] + out.cured_t[e]
        parts.append(dict(
            inst=inst, at=local_time_us(day, ep.tz[e], out.pay_minute[e]) + rng.integers(
                0, 60, inst.size) * 1_000_000,
            amount=pf.inst_amount[inst] - paid_part[inst],
            kind=SOURCE_TO_KIND[out.pay_source[e]].astype(np.int8),
            failed=np.zeros(inst.size, bool),
            reason=np.full(inst.size, -1, np.int8)))
        cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        n = cols["inst"].size
        self.attempt_count = n
        # successful payments by plan and time, for the truth
        ok = ~cols["failed"]
        self.payments = {"plan": pf.inst_plan[cols["inst"][ok]].astype(np.int64),
                         "at": cols["at"][ok], "kind": cols["kind"][ok]}
        return in_blocks(n, lambda s: pa.table({
            "attempt_id": make_ids("A", np.arange(s.start, s.stop), 10),
            "installment_id": make_ids("I", cols["inst"][s], 10),
            "attempted_at": ts(cols["at"][s]),
            "amount": money(cols["amount"][s]),
            "kind": take_strings(ATTEMPT_KINDS, cols["kind"][s]),
            "status": take_strings(("succeeded", "failed"), cols["failed"][s].astype(np.int64)),
            "failure_reason": take_strings_nullable(FAILURE_REASONS, np.where(
                cols["failed"][s], cols["reason"][s], -1)),
        }))

    # --- contacts
    def contacts(self) -> Builder:
        pf, res, rng, hu = self.pf, self.res, self.rng, self.hu
        ep, c = res.episodes, res.outcome.contacts
        # pre-due reminders on a share of installments
        pick = reminder_installments(pf, hu)
        rc = pf.plan_customer[pf.inst_plan[pick]]
        r_ch = hu(951, pick.astype(np.uint64))
        rem_channel = np.where(pf.cust_app_user[rc] & (r_ch < 0.5), PUSH,
                               np.where(r_ch > 0.85, SMS, EMAIL))
        rem_day = pf.inst_due[pick] - 2
        rem_hour, rem_minute = reminder_time(pick, hu)
        k = pick.size
        reminders = dict(
            cust=rc, plan=pf.inst_plan[pick], channel=rem_channel, stage=np.zeros(k, np.int64),
            template=rem_channel * 100, day=rem_day, tz=pf.cust_tz[rc],
            hour=rem_hour, minute=rem_minute,
            delivered=hu(954, pick.astype(np.uint64)) < 0.94,
            opened=hu(955, pick.astype(np.uint64)) < np.where(rem_channel == SMS, 0.0, 0.35),
            clicked=hu(956, pick.astype(np.uint64)) < 0.06, replied=np.zeros(k, bool),
            outcome=np.full(k, -1), team=np.full(k, -1), agent=np.full(k, -1),
            cost=np.select([rem_channel == SMS, rem_channel == EMAIL], [0.065, 0.002], 0.001),
            ep=np.full(k, -1), t=np.full(k, -1),
        )
        reminders["opened"] &= reminders["delivered"]
        reminders["clicked"] &= reminders["opened"] | (rem_channel == SMS) & reminders["delivered"]
        reminders["opened"] |= reminders["clicked"]
        e = c["ep"]
        stage = np.select([c["t"] <= 3, c["t"] <= 20, c["t"] <= 59], [1, 2, 3], 4)
        variant = np.where(ep.arm[e] == 1, 1, 0)
        template = np.where(c["channel"] == CALL, 1000 + TEAM_TYPE_OF[np.maximum(c["team"], 0)],
                            c["channel"].astype(np.int64) * 100 + stage * 10 + variant)
        dunning = dict(
            cust=ep.cust[e], plan=ep.plan[e], channel=c["channel"], stage=stage,
            template=template, day=ep.open_day[e] + c["t"], tz=ep.tz[e], hour=c["hour"],
            minute=c["minute"], delivered=c["delivered"], opened=c["opened"],
            clicked=c["clicked"], replied=c["replied"], outcome=c["outcome"], team=c["team"],
            agent=c["agent"], cost=c["cost"], ep=e, t=c["t"],
        )
        reminders["inbound"] = np.zeros(k, bool)
        dunning["inbound"] = np.zeros(e.size, bool)
        inbound = self._inbound()
        cols = {k: np.concatenate([reminders[k], dunning[k], inbound[k]]) for k in reminders}
        sent = local_time_us(cols["day"], cols["tz"], cols["hour"] * 60 + cols["minute"])
        sent += rng.integers(0, 60_000_000, sent.size)
        self.dunning_sent = sent[k: k + e.size]  # in the order of the outcome's contacts
        n = sent.size
        ch = cols["channel"]
        lag = np.where(ch == LETTER, 2 * cal.DAY_US, rng.integers(2, 90, n) * 1_000_000)
        delivered_at = sent + lag
        opened_at = delivered_at + (np.exp(rng.normal(7.5, 1.5, n)) * 1e6).astype(np.int64)
        clicked_at = opened_at + rng.integers(3, 240, n) * 1_000_000
        replied_at = opened_at + rng.integers(30, 3600, n) * 1_000_000
        templates = _template_names()
        is_call = ch == CALL
        self.contact_index = {  # for arrangements, calls and feedback
            "ep": cols["ep"], "t": cols["t"], "sent": sent, "channel": ch,
            "outcome": cols["outcome"], "cust": cols["cust"], "plan": cols["plan"],
            "inbound": cols["inbound"],
        }
        delivered = cols["delivered"] & ~is_call & ~cols["inbound"]
        outcome = np.where(is_call, cols["outcome"], -1)
        return in_blocks(n, lambda s: pa.table({
            "contact_id": make_ids("K", np.arange(s.start, s.stop), 10),
            "customer_id": customer_ids(cols["cust"][s]),
            "plan_id": plan_ids(cols["plan"][s]),
            "channel": take_strings(CHANNELS, ch[s]),
            "direction": take_strings(("outbound", "inbound"), cols["inbound"][s].astype(np.int8)),
            "stage": take_strings(STAGES, cols["stage"][s]),
            "template_id": _template_column(templates, cols["template"][s]),
            "sent_at": ts(sent[s]),
            "delivered_at": ts_nullable(delivered_at[s], delivered[s]),
            "opened_at": ts_nullable(opened_at[s], cols["opened"][s]),
            "clicked_at": ts_nullable(clicked_at[s], cols["clicked"][s]),
            "replied_at": ts_nullable(replied_at[s], cols["replied"][s]),
            "call_outcome": take_strings_nullable(
                ("no_answer", "busy", "voicemail", "wrong_party", "right_party"), outcome[s]),
            "team_id": take_strings_nullable([t for t, _ in TEAMS], cols["team"][s]),
            "agent_id": make_agent_ids(cols["agent"][s]),
            "cost": money(cols["cost"][s], 4),
        }))

    def _inbound(self) -> dict[str, np.ndarray]:
        """Customers who write or call in to complain about the messages (half of complaints)."""
        ep, comp, hu = self.res.episodes, self.res.outcome.complaints, self.hu
        if not comp or comp["ep"].size == 0:
            return {k: np.zeros(0, dtype=np.int64) for k in _CONTACT_KEYS}
        key = comp["ep"].astype(np.uint64) * np.uint64(256) + comp["t"].astype(np.uint64)
        calls_in, hour, minute = inbound_complaints(hu, key)
        keep = calls_in & (ep.open_day[comp["ep"]] + comp["t"] <= cal.END)
        e, t = comp["ep"][keep].astype(np.int64), comp["t"][keep].astype(np.int64)
        key, hour, minute = key[keep], hour[keep], minute[keep]
        m = e.size
        chat = ep.app_user[e] & (hu(961, key) < 0.6)
        channel = np.where(chat, CHAT, CALL)
        team = np.zeros(m, dtype=np.int64)  # the in-house team answers
        return dict(
            cust=ep.cust[e], plan=ep.plan[e], channel=channel,
            stage=np.select([t <= 3, t <= 20, t <= 59], [1, 2, 3], 4),
            template=np.where(chat, 1005, 1004), day=ep.open_day[e] + t, tz=ep.tz[e],
            hour=hour, minute=minute, delivered=np.zeros(m, bool),
            opened=np.zeros(m, bool), clicked=np.zeros(m, bool), replied=np.zeros(m, bool),
            outcome=np.where(chat, -1, 4), team=team,
            agent=team * AGENTS_PER_TEAM + (hu(964, key) * AGENTS_PER_TEAM).astype(np.int64),
            cost=np.where(chat, 0.45, 1.6), ep=e, t=t, inbound=np.ones(m, bool),
        )

    # --- arrangements
    def arrangements(self) -> Builder:
        res, rng = self.res, self.rng
        ep, a = res.episodes, res.outcome.arrangements
        n = a["ep"].size if a else 0
        if n == 0:
            return lambda: _empty("arrangements")
        e, t = a["ep"].astype(np.int64), a["t"].astype(np.int64)
        ci = self.contact_index
        # the call that produced a promise: same episode and day, a call
        call_rows = np.flatnonzero((ci["channel"] == CALL) & (ci["ep"] >= 0) & ~ci["inbound"])
        key_c = ci["ep"][call_rows] * 1024 + ci["t"][call_rows]
        order = np.argsort(key_c)
        key_a = e * 1024 + t
        pos = np.searchsorted(key_c[order], key_a)
        pos = np.minimum(pos, max(order.size - 1, 0))
        found = (a["contact"] > 0) & (order.size > 0) & (key_c[order][pos] == key_a)
        contact_row = np.where(found, call_rows[order][pos], -1)
        created = np.where(found, ci["sent"][np.maximum(contact_row, 0)] + 300_000_000,
                           local_time_us(ep.open_day[e] + t, ep.tz[e],
                                         rng.integers(9 * 60, 17 * 60, n)))
        outstanding = self.pf.inst_amount[res.head[e]]
        self.arrangement_truth = {"ep": e, "kept": a["kept"]}
        return lambda: pa.table({
            "arrangement_id": make_ids("R", np.arange(n), 9),
            "customer_id": customer_ids(ep.cust[e]),
            "plan_id": plan_ids(ep.plan[e]),
            "contact_id": _nullable_ids("K", contact_row, 10),
            "created_at": ts(created),
            "kind": take_strings(("promise_to_pay", "payment_plan", "settlement"), a["kind"]),
            "promised_amount": money(outstanding * a["share"]),
            "promised_date": dates(ep.open_day[e] + a["promised_t"]),
        })

    def allocations(self) -> Builder:
        res, rng = self.res, self.rng
        ep, al = res.episodes, res.outcome.allocations
        if not al or al["ep"].size == 0:
            return lambda: _empty("allocations")
        e, t, team, event = al["ep"], al["t"], al["team"], al["event"]
        assign = np.flatnonzero(event == 0)
        release = np.flatnonzero(event == 1)
        a_order = assign[np.lexsort((t[assign], e[assign]))]
        r_order = release[np.lexsort((t[release], e[release]))]
        a_rank = _rank_within(e[a_order])
        r_rank = _rank_within(e[r_order])
        key_a = e[a_order] * 8 + a_rank
        key_r = e[r_order] * 8 + r_rank
        pos = np.searchsorted(key_r, key_a)
        pos_c = np.minimum(pos, max(key_r.size - 1, 0))
        has = (key_r.size > 0) & (key_r[pos_c] == key_a)
        n = a_order.size
        ae = e[a_order]
        assigned = local_time_us(ep.open_day[ae] + t[a_order], np.full(n, 0),
                                 rng.integers(7 * 60, 9 * 60, n))
        rel_t = np.where(has, t[r_order][pos_c], 0)
        released = local_time_us(ep.open_day[ae] + rel_t, np.full(n, 0),
                                 rng.integers(20 * 60, 23 * 60, n))
        tt = team[a_order]
        self.allocation_truth = {"ep": ae, "team": tt, "t": t[a_order]}
        return lambda: pa.table({
            "allocation_id": make_ids("L", np.arange(n), 9),
            "plan_id": plan_ids(ep.plan[ae]),
            "team_id": take_strings([x for x, _ in TEAMS], tt),
            "team_type": take_strings(TEAM_TYPES, TEAM_TYPE_OF[tt]),
            "assigned_at": ts(assigned),
            "released_at": ts_nullable(released, has),
        })

    def escalations(self) -> Builder:
        res, rng = self.res, self.rng
        ep, es = res.episodes, res.outcome.escalations
        if not es or es["ep"].size == 0:
            return lambda: _empty("escalations")
        inside = ep.open_day[es["ep"]] + es["t"] <= cal.END
        e = es["ep"][inside]
        n = e.size
        order = np.lexsort((es["t"][inside], e))
        e, t, stage = e[order], es["t"][inside][order], es["stage"][inside][order]
        return lambda: pa.table({
            "escalation_id": make_ids("E", np.arange(n), 9),
            "plan_id": plan_ids(ep.plan[e]),
            "escalated_at": ts(local_time_us(ep.open_day[e] + t, np.full(n, 0),
                                             rng.integers(6 * 60, 18 * 60, n))),
            "stage": take_strings(("pre_litigation", "litigation", "debt_sale", "write_off"),
                                  stage),
        })

    def experiments(self) -> Builder:
        ep = self.res.episodes
        inx = np.flatnonzero(ep.arm >= 0)
        order = np.lexsort((ep.open_day[inx], ep.plan[inx]))
        inx = inx[order]
        plans, first = np.unique(ep.plan[inx], return_index=True)
        rows = inx[first]
        n = rows.size
        assigned = ep.open_day[rows] * cal.DAY_US + 6 * cal.HOUR_US
        return lambda: pa.table({
            "plan_id": plan_ids(plans),
            "experiment_id": pa.array([self.effects.experiment_id] * n, type=pa.string()),
            "arm": take_strings(ARMS, ep.arm[rows]),
            "assigned_at": ts(assigned),
        })

_CONTACT_KEYS = ("cust", "plan", "channel", "stage", "template", "day", "tz", "hour", "minute",
                 "delivered", "opened", "clicked", "replied", "outcome", "team", "agent", "cost",
                 "ep", "t", "inbound")


def make_agent_ids(agent: np.ndarray) -> pa.Array:
    return _nullable_ids("AG", agent, 4)


def _nullable_ids(prefix: str, idx: np.ndarray, width: int) -> pa.Array:
    valid = idx >= 0
    full = make_ids(prefix, np.where(valid, idx, 0), width)
    return pc.if_else(pa.array(valid), full, pa.scalar(None, pa.string()))


def _template_names() -> list[str]:
    names = [""] * 1010
    for ch in range(len(CHANNELS)):
        for st in range(5):
            for v in range(2):
                names[ch * 100 + st * 10 + v] = f"{CHANNELS[ch]}_{STAGES[st]}_{'ab'[v]}"
    for k, tt in enumerate(TEAM_TYPES):
        names[1000 + k] = f"call_script_{tt}"
    names[1004], names[1005] = "inbound_call", "inbound_chat"
    return names


def _template_column(names: list[str], codes: np.ndarray) -> pa.Array:
    return take_strings(names, codes)


def _rank_within(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2... within runs of equal values of a sorted array."""
    if groups.size == 0:
        return groups
    start = np.r_[True, groups[1:] != groups[:-1]]
    idx = np.arange(groups.size)
    return idx - np.maximum.accumulate(np.where(start, idx, 0))


def _pair(sorted_groups: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (member row, query row) pairs with equal group, members sorted by group."""
    lo = np.searchsorted(sorted_groups, queries, side="left")
    hi = np.searchsorted(sorted_groups, queries, side="right")
    counts = hi - lo
    q = np.repeat(np.arange(queries.size), counts)
    starts = np.repeat(lo - np.cumsum(np.r_[0, counts[:-1]]), counts)
    return starts + np.arange(q.size), q


def _empty(name: str) -> pa.Table:
    from simulator.schema import empty_table

    return empty_table(name)


REASON_NAMES = REASONS
IF_REASON = IF
