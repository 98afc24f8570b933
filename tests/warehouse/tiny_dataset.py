"""A tiny, hand-made, contract-valid dataset, so warehouse tests need nothing but this file.

Small enough to reason about row by row (the bad-input tests corrupt single rows of it), yet
touching every table and column of the contract. Values are plain Python; `write_tiny_dataset`
stores them as Parquet (typed, like the simulator) or CSV (text, like a provider's export).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from relance.contract import TABLES

START = datetime(2025, 1, 6, 9, 30)


def _ts(days: float) -> datetime:
    return START + timedelta(days=days)


def tiny_tables() -> dict[str, list[dict[str, object]]]:
    """Rows per contract table: 3 merchants, 6 customers, 6 plans, their installments, ..."""
    merchants = [
        {"merchant_id": f"m{i}", "merchant_name": name, "sector": sector, "country": country}
        for i, (name, sector, country) in enumerate(
            [("Maison Lune", "fashion", "FR"), ("Volt Store", "electronics", "DE"),
             ("Casa Viaje", "travel", "ES")], start=1)
    ]
    customers = [
        {"customer_id": f"c{i}", "country": ("FR", "DE", "ES")[i % 3],
         "timezone": ("Europe/Paris", "Europe/Berlin", "Europe/Madrid")[i % 3],
         "created_at": _ts(-30 - i), "language": ("fr", "de", "es")[i % 3],
         "birth_year": 1970 + 4 * i}
        for i in range(1, 7)
    ]
    plan_specs = [  # customer, merchant, type, count, method, principal, currency
        ("c1", "m1", "pay_in_3", 3, "card", 90.00, "EUR"),
        ("c2", "m2", "pay_in_4", 4, "sepa_debit", 200.00, "EUR"),
        ("c3", "m3", "pay_in_30", 1, "card", 59.90, "EUR"),
        ("c4", "m1", "pay_in_3", 3, "card", 120.00, "EUR"),
        ("c5", "m2", "financing", 6, "bank_transfer", 600.00, "GBP"),
        ("c6", "m3", "pay_in_4", 4, "card", 80.00, "EUR"),
    ]
    plans, installments, attempts = [], [], []
    for n, (cust, merch, ptype, count, method, principal, currency) in enumerate(plan_specs, 1):
        plan_id = f"p{n}"
        plans.append({"plan_id": plan_id, "customer_id": cust, "merchant_id": merch,
                      "purchased_at": _ts(n), "currency": currency,
                      "principal_amount": principal, "plan_type": ptype,
                      "installment_count": count, "payment_method": method})
        share = round(principal / count, 2)
        for seq in range(1, count + 1):
            inst_id = f"{plan_id}-i{seq}"
            due = (_ts(n) + timedelta(days=30 * (seq - 1))).date()
            installments.append({"installment_id": inst_id, "plan_id": plan_id,
                                 "sequence": seq, "due_date": due, "amount": share})
            # Plan 4 fails its second installment once, then a retry succeeds three days later.
            if plan_id == "p4" and seq == 2:
                attempts.append(_attempt(inst_id, due, 0, share, "scheduled", "insufficient_funds"))
                attempts.append(_attempt(inst_id, due, 3, share, "retry", None))
            else:
                attempts.append(_attempt(inst_id, due, 0, share, "scheduled", None))
    contacts = [
        {"contact_id": "k1", "customer_id": "c4", "plan_id": "p4", "channel": "sms",
         "direction": "outbound", "stage": "reminder", "template_id": "sms_r1",
         "sent_at": _ts(35), "delivered_at": _ts(35.01), "opened_at": None,
         "clicked_at": None, "replied_at": None, "call_outcome": None, "team_id": "t1",
         "agent_id": None, "cost": 0.05},
        {"contact_id": "k2", "customer_id": "c4", "plan_id": "p4", "channel": "call",
         "direction": "outbound", "stage": "first_notice", "template_id": "call_script_a",
         "sent_at": _ts(36), "delivered_at": None, "opened_at": None, "clicked_at": None,
         "replied_at": None, "call_outcome": "right_party", "team_id": "t1",
         "agent_id": "a1", "cost": 1.20},
    ]
    arrangements = [
        {"arrangement_id": "r1", "customer_id": "c4", "plan_id": "p4", "contact_id": "k2",
         "created_at": _ts(36.01), "kind": "promise_to_pay", "promised_amount": 40.00,
         "promised_date": date(2025, 2, 15)},
    ]
    feedback = [
        {"feedback_id": "f1", "customer_id": "c4", "plan_id": "p4", "submitted_at": _ts(37),
         "channel": "web", "reason_code": "payday_timing",
         "comment": "I am paid on the 28th, the debit comes on the 10th.", "satisfaction": 3},
        {"feedback_id": "f2", "customer_id": "c2", "plan_id": None, "submitted_at": _ts(40),
         "channel": "app", "reason_code": None, "comment": "Tout va bien", "satisfaction": 5},
    ]
    calls = [
        {"call_id": "call1", "contact_id": "k2", "customer_id": "c4", "started_at": _ts(36),
         "duration_s": 42.5, "audio_path": "calls/call1.wav", "language": "en"},
    ]
    allocations = [
        {"allocation_id": "al1", "plan_id": "p4", "team_id": "t1", "team_type": "in_house",
         "assigned_at": _ts(34), "released_at": _ts(40)},
    ]
    escalations = [
        {"escalation_id": "e1", "plan_id": "p5", "escalated_at": _ts(90),
         "stage": "pre_litigation"},
    ]
    experiments = [
        {"plan_id": f"p{n}", "experiment_id": "exp1",
         "arm": ("champion", "challenger", "holdout")[n % 3], "assigned_at": _ts(n)}
        for n in range(1, 7)
    ]
    fx_rates = [
        {"date": date(2025, 1, 1) + timedelta(days=d), "currency": cur, "rate_to_reporting": r}
        for d in range(0, 240, 30) for cur, r in (("EUR", 1.0), ("GBP", 1.17))
    ]
    return {
        "merchants": merchants, "customers": customers, "plans": plans,
        "installments": installments, "payment_attempts": attempts, "contacts": contacts,
        "arrangements": arrangements, "feedback": feedback, "calls": calls,
        "allocations": allocations, "escalations": escalations, "experiments": experiments,
        "fx_rates": fx_rates,
    }


def _attempt(installment_id: str, due: date, days_late: int, amount: float, kind: str,
             failure: str | None) -> dict[str, object]:
    when = datetime(due.year, due.month, due.day, 6, 0) + timedelta(days=days_late)
    suffix = "" if days_late == 0 else f"-{kind}"
    return {"attempt_id": f"{installment_id}-a{days_late}{suffix}",
            "installment_id": installment_id, "attempted_at": when, "amount": amount,
            "kind": kind, "status": "failed" if failure else "succeeded",
            "failure_reason": failure}


_ARROW_TYPES = {
    "timestamp": pa.timestamp("us", tz="UTC"), "date": pa.date32(), "money": pa.float64(),
    "number": pa.float64(), "integer": pa.int64(),
}


def arrow_table(name: str, rows: list[dict[str, object]]) -> pa.Table:
    """Rows as an Arrow table typed the way the contract stores them in Parquet."""
    table = TABLES[name]
    fields = [pa.field(c.name, _ARROW_TYPES.get(c.type, pa.string())) for c in table.columns]
    extra = [k for k in (rows[0] if rows else {}) if k not in table.column_names]
    fields += [pa.field(k, pa.string()) for k in extra]
    return pa.Table.from_pylist(rows, schema=pa.schema(fields))


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def write_table(out: Path, name: str, rows: list[dict[str, object]], fmt: str) -> Path:
    """Write one table as ``<name>.parquet`` or ``<name>.csv`` (ISO-8601 UTC timestamps)."""
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        path = out / f"{name}.parquet"
        pq.write_table(arrow_table(name, rows), path)
        return path
    path = out / f"{name}.csv"
    columns = list(rows[0]) if rows else list(TABLES[name].column_names)
    text_rows = {c: [_csv_text(r.get(c)) for r in rows] for c in columns}
    pacsv.write_csv(pa.table({c: pa.array(v, pa.string()) for c, v in text_rows.items()}
                             ) if rows else pa.table({c: pa.array([], pa.string())
                                                       for c in columns}), path)
    return path


def write_tiny_dataset(out: Path, fmt: str = "parquet",
                       tables: dict[str, list[dict[str, object]]] | None = None) -> Path:
    """Write every table of ``tables`` (default: `tiny_tables()`) to ``out`` in one format."""
    for name, rows in (tables if tables is not None else tiny_tables()).items():
        write_table(out, name, rows, fmt)
    return out
