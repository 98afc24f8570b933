"""A tiny hand-made warehouse with the marts' and insights' columns, for edge cases.

The simulator decides how many merchants a sector has; these tests need control over it (a
sector with exactly 5 peers, one with too few, a merchant with almost no business), and figures
small enough to check by hand. Columns follow dbt_project/models/marts/_marts__models.yml and
analysis/README.md; only the columns reports read are created.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

AS_OF = date(2025, 6, 30)


@dataclass(frozen=True)
class HandmadeMerchant:
    merchant_id: str
    name: str
    sector: str
    plans: int


# Six fashion merchants (each has 5 sector peers), two travel merchants (their sector is too
# small, so they fall back to all other merchants), and a fashion merchant with almost no data.
MERCHANTS = (
    HandmadeMerchant("M01", "Atelier Lune", "fashion", 400),
    HandmadeMerchant("M02", "Boutique Riviera", "fashion", 350),
    HandmadeMerchant("M03", "Casa Verde", "fashion", 500),
    HandmadeMerchant("M04", "Denim Nord", "fashion", 300),
    HandmadeMerchant("M05", "Etoile Mode", "fashion", 450),
    HandmadeMerchant("M10", "Sky Hop Travel", "travel", 380),
    HandmadeMerchant("M11", "Wanderly Trips", "travel", 420),
    HandmadeMerchant("M12", "Tiny Thimble", "fashion", 4),
)
KPI_COLUMNS = (
    "cases_opened", "cases_overdue_amount", "cases_recovered_amount", "dpd6_installments",
    "dpd6_overdue_amount", "dpd6_recovered_amount", "realization_d30_overdue_amount",
    "realized_d30_amount", "realization_d60_overdue_amount", "realized_d60_amount",
    "realization_d90_overdue_amount", "realized_d90_amount", "cases_cured",
    "cure_d30_observed_cases", "cases_cured_within_30d", "late_paid_amount",
    "late_paid_amount_days", "promises_due", "promises_kept", "calls_dialled",
    "right_party_calls", "case_contacts", "collection_cost", "litigation_observed_cases",
    "litigation_escalated_cases",
)


def _kpis_daily(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    days = [AS_OF - timedelta(days=d) for d in range(0, 180, 3)]
    for m in MERCHANTS:
        scale = m.plans / 400
        for day in days:
            cases = int(rng.poisson(2 * scale))
            overdue = float(cases * rng.uniform(60, 140))
            rec = overdue * rng.uniform(0.4, 0.9)
            row = {"date_day": day, "merchant_id": m.merchant_id, "country": "FR",
                   "plan_type": "pay_in_4"}
            row.update({
                "cases_opened": cases, "cases_overdue_amount": overdue,
                "cases_recovered_amount": rec, "dpd6_installments": cases,
                "dpd6_overdue_amount": overdue * 0.5, "dpd6_recovered_amount": rec * 0.3,
                "realization_d30_overdue_amount": overdue, "realized_d30_amount": rec * 0.7,
                "realization_d60_overdue_amount": overdue, "realized_d60_amount": rec * 0.85,
                "realization_d90_overdue_amount": overdue, "realized_d90_amount": rec * 0.95,
                "cases_cured": int(cases * 0.7), "cure_d30_observed_cases": cases,
                "cases_cured_within_30d": int(cases * 0.5), "late_paid_amount": rec,
                "late_paid_amount_days": rec * rng.uniform(5, 20),
                "promises_due": int(rng.poisson(1)), "promises_kept": 0,
                "calls_dialled": int(rng.poisson(3 * scale)), "right_party_calls": 0,
                "case_contacts": int(cases * rng.uniform(2, 5)),
                "collection_cost": rec * rng.uniform(0.02, 0.1),
                "litigation_observed_cases": cases, "litigation_escalated_cases": int(cases * 0.05),
            })
            row["promises_kept"] = int(row["promises_due"] * rng.uniform(0.4, 0.9))
            row["right_party_calls"] = int(row["calls_dialled"] * rng.uniform(0.2, 0.5))
            rows.append(row)
    return pd.DataFrame(rows)


def _cohort_recovery(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for m in MERCHANTS:
        speed = rng.uniform(0.02, 0.05)
        for cohort in (date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)):
            overdue = m.plans * rng.uniform(5, 10)
            for d in range(0, 121):
                share = 0.8 * (1 - np.exp(-speed * d))
                rows.append({
                    "cohort_month": cohort, "segment_type": "merchant",
                    "segment_value": m.merchant_id, "days_since_opened": d,
                    "cases_observed": m.plans // 10 + 1, "overdue_amount_observed": overdue,
                    "recovered_amount_cumulative": overdue * share, "recovered_share": share,
                })
    return pd.DataFrame(rows)


def build_handmade_warehouse(path: Path, seed: int = 3) -> Path:
    """Write the hand-made warehouse to ``path`` and return it."""
    rng = np.random.default_rng(seed)
    merchants = pd.DataFrame(
        [{"merchant_id": m.merchant_id, "merchant_name": m.name, "sector": m.sector,
          "country": "FR", "plans": m.plans} for m in MERCHANTS]
    )
    installments = []
    for m in MERCHANTS:
        for p in range(m.plans):
            for seq in range(4):
                due = date(2025, 1, 5) + timedelta(days=int(rng.integers(0, 170)) + 30 * seq)
                installments.append({
                    "installment_id": f"{m.merchant_id}-P{p}-{seq}",
                    "plan_id": f"{m.merchant_id}-P{p}",
                    "customer_id": f"C{m.merchant_id}{p % max(m.plans // 2, 1)}",
                    "merchant_id": m.merchant_id, "due_date": due, "is_due": due <= AS_OF,
                })
    failures = pd.DataFrame([
        {"due_month": date(2025, month, 1), "merchant_id": m.merchant_id,
         "first_attempts": m.plans, "failed_first_attempts": int(m.plans * rng.uniform(0.05, 0.2))}
        for m in MERCHANTS for month in range(1, 7)
    ])
    continuity = pd.DataFrame([
        {"purchase_month": date(2025, 1, 1), "merchant_id": m.merchant_id, "plan_type": "pay_in_4",
         "plans": m.plans, "plans_fully_due": m.plans,
         "continuous_plans": int(m.plans * rng.uniform(0.7, 0.95))}
        for m in MERCHANTS
    ])
    funnel = pd.DataFrame([
        {"sent_month": date(2025, 3, 1), "merchant_id": m.merchant_id, "channel": ch,
         "direction": "outbound", "local_send_hour": hour, "contacts_sent": m.plans,
         "delivered": int(m.plans * 0.95), "opened": int(m.plans * 0.5) if ch == "email" else 0,
         "clicked": int(m.plans * 0.1), "paid": int(m.plans * rng.uniform(0.05, 0.2))}
        for m in MERCHANTS for ch in ("sms", "email") for hour in (9, 13, 18)
    ])
    reasons = pd.DataFrame([
        {"merchant_id": m.merchant_id, "reason": r, "source": "feedback", "mentions": n}
        for m in MERCHANTS
        for r, n in (("payday_timing", m.plans // 10), ("income_shock", m.plans // 20),
                     ("dispute_or_return", m.plans // 40))
    ])
    quotes = pd.DataFrame([
        {"reason_mention_id": f"feedback:{m.merchant_id}-F{i}:{r}", "source": "feedback",
         "source_id": f"{m.merchant_id}-F{i}", "merchant_id": m.merchant_id, "reason": r,
         "confidence": 0.9 - i / 10, "quote": q}
        for m in MERCHANTS
        for i, (r, q) in enumerate((
            ("payday_timing", "My salary comes on the 28th and you debit me on the 25th."),
            ("income_shock", "I lost my job last month and cannot pay right now."),
            # A quote naming another shop must never reach that shop's competitor's report.
            ("dispute_or_return", "I returned the parcel to Casa Verde weeks ago, refund pending."),
        ))
    ])
    root_causes = pd.DataFrame([
        {"cause_id": "debit_timing", "rank": 1, "title": "Debits fall before pay day",
         "category": "payment_timing", "scope": m.merchant_id, "merchant_id": m.merchant_id,
         "effect_metric": "odds_ratio", "effect_size": 2.1, "ci_low": 1.7, "ci_high": 2.6,
         "p_value": 0.0001, "q_value": 0.0004, "significant": m.plans > 10,
         "customers_affected": m.plans // 3, "money_at_stake_month": m.plans * 31.5,
         "money_ci_low": m.plans * 22.0, "money_ci_high": m.plans * 40.0,
         "recommended_action": "Offer payday-aligned debit dates",
         "evidence": "Debits before pay day fail twice as often."}
        for m in MERCHANTS
    ])
    best_hour = pd.DataFrame([{
        "channel": "sms", "best_hour": 18, "best_hour_ci_low": 17, "best_hour_ci_high": 19,
        "contacts": 9000, "rate_best": 0.2, "rate_other": 0.16, "uplift_abs": 0.04,
        "uplift_ci_low": 0.02, "uplift_ci_high": 0.06, "odds_ratio": 1.3, "or_ci_low": 1.1,
        "or_ci_high": 1.5, "p_value": 0.001, "q_value": 0.004, "significant": True,
    }])
    con = duckdb.connect(str(path))
    try:
        tables = {
            "dim_merchants": merchants, "fct_installments": pd.DataFrame(installments),
            "mart_kpis_daily": _kpis_daily(rng), "mart_payment_failures": failures,
            "mart_plan_continuity": continuity, "mart_cohort_recovery": _cohort_recovery(rng),
            "mart_channel_funnel": funnel, "mart_reason_mix": reasons,
            "mart_default_reasons": quotes,
            "mart_build_info": pd.DataFrame([{"as_of_date": AS_OF, "reporting_currency": "EUR"}]),
        }
        for name, frame in tables.items():
            con.register("frame", frame)
            con.execute(f"create table {name} as select * from frame")
            con.unregister("frame")
        con.execute("create schema insights")
        for name, frame in (("root_causes", root_causes), ("best_send_hour", best_hour)):
            con.register("frame", frame)
            con.execute(f"create table insights.{name} as select * from frame")
            con.unregister("frame")
    finally:
        con.close()
    return path
