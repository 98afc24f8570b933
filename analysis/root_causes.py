"""The root-cause ranking: every tested cause, sized in money per month, ranked.

Each analysis proposes candidates with a p-value; the whole family gets one Benjamini-Hochberg
correction here, so "significant" controls the false discovery rate across everything reported.
Per-merchant rows of a portfolio cause (e.g. the merchant's share of misaligned debits) inherit the
cause's test; merchant-specific causes (anomalies) have their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.stats import bh

COLUMNS = ["cause_id", "rank", "title", "category", "scope", "merchant_id", "effect_metric",
           "effect_size", "ci_low", "ci_high", "p_value", "q_value", "significant",
           "customers_affected", "money_at_stake_month", "money_ci_low", "money_ci_high",
           "recommended_action", "evidence", "test_id"]


def one_sided(p: float, harmful: bool) -> float:
    """One-sided p-value in the harmful direction from a two-sided one."""
    if p is None or not np.isfinite(p):
        return np.nan
    return p / 2 if harmful else 1 - p / 2


def _debit_timing(effect: pd.DataFrame) -> list[dict]:
    rows = []
    for r in effect.itertuples():
        p = one_sided(r.p_value, r.odds_ratio > 1)
        scope = "your customers" if r.merchant_id else "customers"
        rows.append({
            "cause_id": "debit_timing", "test_id": "debit_timing",
            "title": "Debits scheduled before customers' pay day fail more often",
            "category": "payment_timing", "scope": r.scope, "merchant_id": r.merchant_id,
            "effect_metric": "share_of_failed_debits_attributable",
            "effect_size": r.attributable_share, "ci_low": r.share_ci_low,
            "ci_high": r.share_ci_high, "p_value": p,
            "customers_affected": r.customers_to_move,
            "money_at_stake_month": r.amount_secured_month, "money_ci_low": r.amount_ci_low,
            "money_ci_high": r.amount_ci_high,
            "recommended_action": ("Offer payday-aligned debit dates: move "
                                   f"{r.customers_to_move:,} "
                                   f"{scope}' debits to the day after their funding day."),
            "evidence": (f"First debits 1-{r.window_days} days before the customer's pay day "
                         f"(a window the data chose) fail at "
                         f"{r.failure_rate_before:.1%} vs {r.failure_rate_after:.1%} after "
                         f"(adjusted odds ratio {r.odds_ratio:.2f}, 95% CI {r.ci_low:.2f}-"
                         f"{r.ci_high:.2f}); moving them avoids ~{r.failures_avoided_month:,.0f} "
                         f"failed debits a month ({r.attributable_share:.0%} of failures)."),
        })
    return rows


def _send_hour(best: pd.DataFrame, monthly: dict[str, float]) -> list[dict]:
    rows = []
    for r in best.itertuples():
        per_month = monthly.get(r.channel, 0.0)
        value = monthly.get("paid_amount_per_payment", 0.0)
        # Payments gained if the contacts not yet sent at the best hour had been.
        moved = per_month * (1 - r.contacts_at_best / max(r.contacts, 1))
        rows.append({
            "cause_id": f"send_hour:{r.channel}", "test_id": f"send_hour:{r.channel}",
            "title": f"{r.channel.upper()} converts best when sent at {r.best_hour}:00 local time",
            "category": "channel_timing", "scope": "portfolio", "merchant_id": None,
            "effect_metric": "uplift_in_customer_payment_within_3_days",
            "effect_size": r.uplift_abs, "ci_low": r.uplift_ci_low, "ci_high": r.uplift_ci_high,
            "p_value": one_sided(r.p_value, r.odds_ratio > 1),
            "customers_affected": np.nan,
            "money_at_stake_month": moved * r.uplift_abs * value,
            "money_ci_low": moved * r.uplift_ci_low * value,
            "money_ci_high": moved * r.uplift_ci_high * value,
            "recommended_action": f"Schedule {r.channel} reminders at {r.best_hour}:00 local time.",
            "evidence": (f"Customer payment (not a scheduled debit or retry) within 3 days "
                         f"{r.rate_best:.1%} at "
                         f"{r.best_hour}:00 vs {r.rate_other:.1%} at other hours (odds ratio "
                         f"{r.odds_ratio:.2f}, 95% CI {r.or_ci_low:.2f}-{r.or_ci_high:.2f}; hour "
                         f"chosen on half the customers, measured on the other half)."),
        })
    return rows


def _fatigue(effect: pd.DataFrame, months: float, value: float) -> list[dict]:
    rows = []
    for r in effect.itertuples():
        lost = r.contacts_above / months * (r.rate_below - r.rate_above)
        rows.append({
            "cause_id": "contact_fatigue", "test_id": "contact_fatigue",
            "title": f"Contacts after {r.threshold} others in 7 days get fewer responses",
            "category": "contact_policy", "scope": "portfolio", "merchant_id": None,
            "effect_metric": "odds_ratio", "effect_size": r.odds_ratio, "ci_low": r.ci_low,
            "ci_high": r.ci_high, "p_value": one_sided(r.p_value, r.odds_ratio < 1),
            "customers_affected": np.nan,
            "money_at_stake_month": lost * value, "money_ci_low": np.nan, "money_ci_high": np.nan,
            "recommended_action": (f"Cap contacts at {r.threshold} per customer in 7 days and "
                                   "spread the rest."),
            "evidence": (f"Messages seen after {r.threshold}+ contacts in the previous 7 days lead "
                         f"to a click {r.rate_above:.1%} vs {r.rate_below:.1%} (odds ratio "
                         f"{r.odds_ratio:.2f}, 95% CI {r.ci_low:.2f}-{r.ci_high:.2f})."),
        })
    return rows


def _merchants(anomalies: pd.DataFrame) -> list[dict]:
    rows = []
    for r in anomalies.itertuples():
        what = {"default_rate": "default rate",
                "disputed_plan_share": "share of disputed plans"}.get(
            r.metric, "share of dispute/return reasons")
        test_id = f"merchant_{r.metric}:{r.merchant_id}"
        common = {
            "test_id": test_id, "category": "merchant_defect",
            "effect_metric": "rate_ratio_vs_peers", "effect_size": r.rate_ratio,
            "ci_low": r.ci_low, "ci_high": r.ci_high,
            "p_value": one_sided(r.p_value, r.z > 0), "customers_affected": np.nan,
            "money_at_stake_month": max(r.money_at_stake_month, 0.0),
            "money_ci_low": np.nan, "money_ci_high": np.nan,
            "evidence": (f"{what.capitalize()} {r.rate:.1%} vs peers' {r.peer_rate:.1%} "
                         f"({r.events:,.0f} of {r.base:,.0f}; source: {r.source})."),
        }
        action = ("Review delivery, returns and billing with the merchant: disputed purchases "
                  "turn into defaults." if r.metric == "dispute_share" else
                  "Review the merchant's customer base and checkout: defaults exceed peers.")
        rows.append({**common, "cause_id": test_id, "scope": "portfolio", "merchant_id": None,
                     "title": f"Merchant {r.merchant_id}: anomalous {what}",
                     "recommended_action": action})
        rows.append({**common, "cause_id": test_id, "scope": r.merchant_id,
                     "merchant_id": r.merchant_id,
                     "title": f"Your {what} is above comparable merchants",
                     "recommended_action": action})
    return rows


def _waves(waves: pd.DataFrame) -> list[dict]:
    rows = []
    for r in waves.itertuples():
        month = pd.Timestamp(r.month).strftime("%Y-%m")
        rows.append({
            "cause_id": f"failure_wave:{r.payment_method}:{r.failure_reason}:{month}",
            "test_id": f"failure_wave:{r.payment_method}:{r.failure_reason}:{month}",
            "title": f"Wave of {r.failure_reason} failures on {r.payment_method} in {month}",
            "category": "payment_method", "scope": "portfolio", "merchant_id": None,
            "effect_metric": "rate_ratio_vs_other_months", "effect_size": r.rate_ratio,
            "ci_low": r.ci_low, "ci_high": r.ci_high, "p_value": r.p_value,
            "customers_affected": max(r.excess_failures, 0.0),
            "money_at_stake_month": max(r.excess_amount, 0.0), "money_ci_low": np.nan,
            "money_ci_high": np.nan,
            "recommended_action": ("Ask customers to update expiring cards ahead of the due date "
                                   "(card updater / reminder before expiry)."
                                   if r.failure_reason == "card_expired" else
                                   f"Investigate {r.failure_reason} failures with the payment "
                                   "provider."),
            "evidence": (f"{r.failures:,} of {r.attempts:,} first debits failed for "
                         f"{r.failure_reason} ({r.rate:.2%}) vs {r.baseline_rate:.2%} in other "
                         f"months (x{r.rate_ratio:.1f}; ~{r.excess_failures:,.0f} excess)."),
        })
    return rows


def _experiments(results: pd.DataFrame, overdue_month: dict[str, float]) -> list[dict]:
    """One row per arm: tested on the 30-day cure rate, sized with the recovery-rate lift."""
    rows = []
    recovery = results[results["metric"] == "recovery_rate"].set_index(["experiment_id", "arm"])
    for r in results[results["metric"] == "cure_rate"].itertuples():
        volume = overdue_month.get(r.experiment_id, 0.0)
        money = recovery["lift_abs"].get((r.experiment_id, r.arm), np.nan)
        better = r.lift_abs > 0
        rows.append({
            "cause_id": f"experiment:{r.experiment_id}:{r.arm}",
            "test_id": f"experiment:{r.experiment_id}:{r.arm}",
            "title": (f"{r.experiment_id}: {r.arm} cures {'more' if better else 'fewer'} cases "
                      f"than {r.control_arm} within 30 days"),
            "category": "experiment", "scope": "portfolio", "merchant_id": None,
            "effect_metric": "lift_in_cure_rate_30d", "effect_size": r.lift_abs,
            "ci_low": r.ci_low, "ci_high": r.ci_high, "p_value": r.p_value,
            "customers_affected": r.n_arm,
            "money_at_stake_month": abs(money) * volume if np.isfinite(money) else np.nan,
            "money_ci_low": np.nan, "money_ci_high": np.nan,
            "recommended_action": (f"Roll out {r.arm}." if better and r.arm != "holdout" else
                                   f"Keep {r.control_arm} (and its contacts)." if not better else
                                   "Review the value of contacting: the hold-out does better."),
            "evidence": (f"30-day cure rate {r.rate_arm:.1%} ({r.arm}, {r.n_arm:,} cases) vs "
                         f"{r.rate_control:.1%} ({r.control_arm}, {r.n_control:,}); lift "
                         f"{r.lift_abs:+.1%} (95% CI {r.ci_low:+.1%} to {r.ci_high:+.1%}); "
                         f"recovery-rate lift {money:+.1%}."),
        })
    return rows


def _allocation(comparison: pd.DataFrame, overdue_month: dict[str, float]) -> list[dict]:
    rows = []
    for r in comparison.dropna(subset=["diff_vs_reference"]).itertuples():
        volume = overdue_month.get(r.team_type, 0.0)
        worse = r.diff_vs_reference < 0
        rows.append({
            "cause_id": f"team_type:{r.team_type}:{r.stage}",
            "test_id": f"team_type:{r.team_type}:{r.stage}",
            "title": (f"{r.team_type} cures {'fewer' if worse else 'more'} cases than "
                      f"{r.reference} at the same stage ({r.stage.replace('_', ' ')})"),
            "category": "allocation", "scope": "portfolio", "merchant_id": None,
            "effect_metric": "diff_in_cure_rate_90d_after_assignment",
            "effect_size": r.diff_vs_reference, "ci_low": r.diff_ci_low,
            "ci_high": r.diff_ci_high, "p_value": r.p_value,
            "customers_affected": r.allocations,
            "money_at_stake_month": abs(r.diff_vs_reference) * volume,
            "money_ci_low": np.nan, "money_ci_high": np.nan,
            "recommended_action": (f"Shift cases at this stage from {r.team_type} to "
                                   f"{r.reference}." if worse else
                                   f"Allocate more cases at this stage to {r.team_type}."),
            "evidence": (f"Cured within 90 days of assignment: {r.cure_rate_90d:.1%} of "
                         f"{r.allocations:,} allocations vs the reference's; difference "
                         f"{r.diff_vs_reference:+.1%} (95% CI {r.diff_ci_low:+.1%} to "
                         f"{r.diff_ci_high:+.1%})."),
        })
    return rows


def rank_root_causes(tables: dict[str, pd.DataFrame], context: dict[str, object]) -> pd.DataFrame:
    """Assemble, correct (BH over the family of distinct tests) and rank every candidate."""
    rows: list[dict] = []
    months = float(context.get("months", 1.0))
    value = float(context.get("paid_amount_per_payment", 0.0))
    if "debit_timing_effect" in tables:
        rows += _debit_timing(tables["debit_timing_effect"])
    if "best_send_hour" in tables:
        rows += _send_hour(tables["best_send_hour"], {**context.get("contacts_month", {}),
                                                       "paid_amount_per_payment": value})
    if "fatigue_effect" in tables:
        rows += _fatigue(tables["fatigue_effect"], months, value)
    if "merchant_anomalies" in tables:
        rows += _merchants(tables["merchant_anomalies"])
    if "failure_waves" in tables:
        rows += _waves(tables["failure_waves"])
    if "experiments" in tables:
        rows += _experiments(tables["experiments"], context.get("experiment_overdue_month", {}))
    if "allocation_comparison" in tables:
        rows += _allocation(tables["allocation_comparison"], context.get("team_overdue_month", {}))
    out = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "rank"])
    out = out.loc[:, ~out.columns.duplicated()]
    if out.empty:
        return pd.DataFrame(columns=COLUMNS)
    tests = out.drop_duplicates("test_id")[["test_id", "p_value"]]
    tests = tests.assign(q_value=bh(tests["p_value"]))
    out = out.drop(columns=["q_value", "significant"]).merge(tests[["test_id", "q_value"]],
                                                            on="test_id")
    out["significant"] = (out["q_value"] < 0.05).fillna(False).astype(bool)
    # A cause that goes the other way puts no money at stake.
    for column in ("money_at_stake_month", "money_ci_low", "money_ci_high"):
        out[column] = out[column].astype(float).clip(lower=0)
    out = out.sort_values(["scope", "significant", "money_at_stake_month"],
                          ascending=[True, False, False])
    out["rank"] = out.groupby("scope").cumcount() + 1
    return out[COLUMNS].reset_index(drop=True)
