"""Turn failed first debits into collection episodes, run them, and tie installments to them.

A plan's first failed installment opens an episode; later installments of the plan that fail
before the episode ends join it and are paid (or not) with it. Installments failing after a cure
open the plan's next episode, so the rounds repeat until every failed installment belongs to one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator import timeline as cal
from simulator.dunning import (
    DAY_MINUTES,
    HORIZON,
    REASON_LOG_ODDS,
    REASONS,
    Episodes,
    Outcome,
    run_episodes,
)
from simulator.effects import Effects
from simulator.portfolio import CARD_DECLINED, DISPUTED, IF, TECH, Portfolio, reminder_stamps
from simulator.rand import HashUniform

# Reasons of a funds failure that timing did not cause (plan count raises over-indebtedness).
_FUNDS_REASONS = np.array([1, 2, 7, 6, 8, 5, 9, 0])  # income, forgot, over-indebted, ...
_FUNDS_WEIGHTS = np.array([0.30, 0.14, 0.15, 0.12, 0.08, 0.03, 0.09, 0.09])
PAYDAY_TIMING, PAYMENT_METHOD_ISSUE, DISPUTE = 0, 3, 4


@dataclass
class EpisodeResult:
    episodes: Episodes
    outcome: Outcome
    inst_episode: np.ndarray  # per installment: episode index or -1
    head: np.ndarray  # per episode: the installment that opened it
    first_failure: np.ndarray  # per episode: failure reason index of the opening debit


def experiment_arms(n_plans: int, hu: HashUniform, effects: Effects) -> np.ndarray:
    u = hu(900, np.arange(n_plans, dtype=np.uint64))
    half = (1.0 - effects.holdout_share) / 2
    return np.where(u < half, 0, np.where(u < 2 * half, 1, 2)).astype(np.int64)


def episode_paydays(pf: Portfolio, cust: np.ndarray, open_day: np.ndarray) -> np.ndarray:
    count = cal.row_searchsorted(pf.paydays, cust, open_day - cal.PAY_FROM)
    cols = np.clip(count[:, None] - 1 + np.arange(20)[None, :], 0, cal.PAY_SLOTS - 1)
    return pf.paydays[cust[:, None], cols].astype(np.int64) + cal.PAY_FROM


def build_and_run(pf: Portfolio, effects: Effects, hu: HashUniform) -> EpisodeResult:
    failed = np.flatnonzero(pf.inst_first_failure >= 0)
    remaining = np.ones(failed.size, dtype=bool)
    inst_episode = np.full(pf.inst_plan.size, -1, dtype=np.int64)
    plan_arm = experiment_arms(pf.plan_customer.size, hu, effects)
    exp_start = int(np.datetime64(effects.experiment_start).astype("datetime64[D]").astype(int))
    reminders = reminder_stamps(pf, hu)
    parts: list[tuple[Episodes, Outcome, np.ndarray, np.ndarray]] = []
    offset = 0
    while remaining.any():
        rem = failed[remaining]
        _, first_pos = np.unique(pf.inst_plan[rem], return_index=True)
        head = rem[first_pos]
        ep = _episodes_for(pf, head, offset, plan_arm, exp_start, hu, reminders)
        out = run_episodes(ep, effects, hu, record=True)
        # join: remaining failures of the same plan due before the episode ended
        plan_to_ep = np.full(pf.plan_customer.size, -1, dtype=np.int64)
        plan_to_ep[ep.plan] = np.arange(ep.n)
        ends = np.where(out.cured_t >= 0, ep.open_day + out.cured_t, np.iinfo(np.int64).max)
        e = plan_to_ep[pf.inst_plan[rem]]
        joined = (e >= 0) & (pf.inst_due[rem] <= ends[np.maximum(e, 0)])
        inst_episode[rem[joined]] = e[joined] + offset
        remaining[np.flatnonzero(remaining)[joined]] = False
        parts.append((ep, out, head, pf.inst_first_failure[head]))
        offset += ep.n
    return _merge(parts, inst_episode)


def _episodes_for(pf: Portfolio, head: np.ndarray, offset: int, plan_arm: np.ndarray,
                  exp_start: int, hu: HashUniform, reminders: np.ndarray) -> Episodes:
    n = head.size
    plan = pf.inst_plan[head]
    cust = pf.plan_customer[plan]
    open_day = pf.inst_due[head]
    failure = pf.inst_first_failure[head].astype(np.int64)
    uid = np.arange(offset, offset + n, dtype=np.int64)
    timing_caused = (failure == IF) & pf.inst_misaligned[head] & ~pf.inst_failed_cf[head]
    u = hu(901, uid.astype(np.uint64))
    cum = np.cumsum(_FUNDS_WEIGHTS)
    draw = _FUNDS_REASONS[np.minimum(np.searchsorted(cum / cum[-1], u), len(cum) - 1)]
    many = pf.cust_plan_count[cust] >= 4
    draw = np.where(many & (hu(902, uid.astype(np.uint64)) < 0.35), 7, draw)
    says_timing = timing_caused & (hu(903, uid.astype(np.uint64)) < 0.9)
    reason = np.select(
        [failure == DISPUTED, failure != IF, says_timing],
        [DISPUTE, PAYMENT_METHOD_ISSUE, PAYDAY_TIMING], default=draw)
    retry_success = np.select([failure == CARD_DECLINED, failure == TECH], [0.4, 0.85], 0.0)
    base = (0.8 * pf.cust_willingness[cust] - 0.5 * pf.cust_risk[cust] + REASON_LOG_ODDS[reason])
    arm = np.where(open_day >= exp_start, plan_arm[plan], -1)
    return Episodes(
        uid=uid, plan=plan, cust=cust, open_day=open_day, reason=reason,
        retryable_if=failure == IF, retry_success=retry_success, base=base,
        funds_bound=(failure == IF) & ~np.isin(reason, (5, 8)),  # short of money, not unwilling
        risk=pf.cust_risk[cust], arm=arm, intensive=hu(904, uid.astype(np.uint64)) < 0.3,
        app_user=pf.cust_app_user[cust], tz=pf.cust_tz[cust],
        paydays=episode_paydays(pf, cust, open_day),
        reminders=reminders[cust] - open_day[:, None] * DAY_MINUTES,
    )


def _merge(parts, inst_episode) -> EpisodeResult:
    fields = parts[0][0].__dict__.keys()
    episodes = Episodes(**{k: np.concatenate([p[0].__dict__[k] for p in parts]) for k in fields})
    offsets = np.cumsum([0] + [p[0].n for p in parts])

    def cat(name: str) -> dict[str, np.ndarray]:
        out: dict[str, list[np.ndarray]] = {}
        for (_, o, _, _), off in zip(parts, offsets, strict=False):
            d = getattr(o, name)
            for k, v in d.items():
                out.setdefault(k, []).append(v + off if k == "ep" else v)
        return {k: np.concatenate(v) for k, v in out.items()}

    outcome = Outcome(
        cured_t=np.concatenate([p[1].cured_t for p in parts]),
        pay_source=np.concatenate([p[1].pay_source for p in parts]),
        pay_minute=np.concatenate([p[1].pay_minute for p in parts]),
        closed_t=np.concatenate([p[1].closed_t for p in parts]),
        contacts=cat("contacts"), retries=cat("retries"), arrangements=cat("arrangements"),
        allocations=cat("allocations"), escalations=cat("escalations"),
        partials=cat("partials"), complaints=cat("complaints"),
    )
    return EpisodeResult(
        episodes=episodes, outcome=outcome, inst_episode=inst_episode,
        head=np.concatenate([p[2] for p in parts]),
        first_failure=np.concatenate([p[3] for p in parts]),
    )


def counterfactual_cure(res: EpisodeResult, rows: np.ndarray, effects: Effects,
                        hu: HashUniform, arm: int) -> np.ndarray:
    """Cure day of ``rows`` had they been in ``arm`` instead, with the same random draws."""
    sub = res.episodes.subset(rows)
    sub.arm = np.full(rows.size, arm)
    return run_episodes(sub, effects, hu, record=False).cured_t


__all__ = ["HORIZON", "REASONS", "EpisodeResult", "build_and_run", "counterfactual_cure"]
