"""A tiny dataset with one row per kind of row problem, and the verdict each must get.

Built on the hand-made valid dataset; a few tables are CSV (text, so values can be unparseable)
and the rest Parquet (typed), so both read paths are exercised in one build.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tests.warehouse.tiny_dataset import tiny_tables, write_table

CSV_TABLES = ("merchants", "plans", "installments", "contacts", "fx_rates")
FAR_FUTURE = datetime(2099, 1, 1, 12, 0)


@dataclass(frozen=True)
class Expected:
    """A raw row that must land in quarantine_<table> with this reason and column."""

    kind: str  # the test id
    table: str
    key: str  # the row's primary key column
    value: str  # ... and its raw value
    reason: str
    column: str
    raw_column: str | None = None  # a column whose raw text must be kept as it arrived
    raw_value: str | None = None


EXPECTED = (
    Expected("missing_value", "customers", "customer_id", "c9", "missing_value", "timezone"),
    Expected("duplicate_key", "customers", "customer_id", "c7", "duplicate_key", "customer_id",
             "country", "DE"),
    Expected("duplicate_row", "customers", "customer_id", "c8", "duplicate_row", "customer_id"),
    Expected("future_timestamp", "customers", "customer_id", "c10", "future_timestamp",
             "created_at"),
    Expected("unparseable_number", "plans", "plan_id", "p7", "unparseable_number",
             "principal_amount", "principal_amount", "abc"),
    Expected("bad_enum", "plans", "plan_id", "p8", "bad_enum", "plan_type",
             "plan_type", "pay_in_12"),
    Expected("orphan_foreign_key", "plans", "plan_id", "p9", "orphan_foreign_key",
             "customer_id", "customer_id", "c999"),
    Expected("orphan_of_quarantined_parent", "plans", "plan_id", "p10", "orphan_foreign_key",
             "customer_id"),
    Expected("unparseable_timestamp", "plans", "plan_id", "p12", "unparseable_timestamp",
             "purchased_at", "purchased_at", "last tuesday"),
    Expected("unparseable_date", "installments", "installment_id", "p11-i2", "unparseable_date",
             "due_date", "due_date", "2025-02-30"),
    Expected("sequence_beyond_count", "installments", "installment_id", "p11-i3",
             "sequence_out_of_range", "sequence", "sequence", "3"),
    Expected("sequence_zero", "installments", "installment_id", "p11-i0",
             "sequence_out_of_range", "sequence"),
    Expected("negative_amount", "installments", "installment_id", "p2-x", "negative_amount",
             "amount", "amount", "-10.00"),
    Expected("orphan_installment", "installments", "installment_id", "p7-i1",
             "orphan_foreign_key", "plan_id"),
    Expected("bad_enum_parquet", "payment_attempts", "attempt_id", "a-robot", "bad_enum", "kind",
             "kind", "robot"),
    Expected("orphan_attempt", "payment_attempts", "attempt_id", "a-nope", "orphan_foreign_key",
             "installment_id"),
    Expected("orphan_attempt_of_quarantined_installment", "payment_attempts", "attempt_id",
             "a-seq3", "orphan_foreign_key", "installment_id"),
    Expected("future_timestamp_parquet", "payment_attempts", "attempt_id", "a-future",
             "future_timestamp", "attempted_at"),
    Expected("unparseable_timestamp_csv", "contacts", "contact_id", "k3",
             "unparseable_timestamp", "sent_at", "sent_at", "yesterday"),
    Expected("bad_enum_csv", "contacts", "contact_id", "k4", "bad_enum", "channel",
             "channel", "pigeon"),
    Expected("orphan_optional_foreign_key", "contacts", "contact_id", "k5",
             "orphan_foreign_key", "plan_id"),
    Expected("bad_optional_enum", "feedback", "feedback_id", "f3", "bad_enum", "reason_code"),
    Expected("unparseable_rate", "fx_rates", "currency", "USD", "unparseable_number",
             "rate_to_reporting", "rate_to_reporting", "n/a"),
    Expected("duplicate_row_composite_key", "fx_rates", "currency", "EUR", "duplicate_row",
             "date,currency"),
    Expected("duplicate_key_composite_key", "experiments", "plan_id", "p1", "duplicate_key",
             "plan_id,experiment_id"),
)

# Rows that duplicate_key quarantines besides the one named (the other variant(s)).
EXTRA_QUARANTINED = {"customers": 1, "experiments": 1}

EMAIL_DOMAIN = "@mail.example"


def bad_tables() -> dict[str, list[dict[str, object]]]:
    t = tiny_tables()
    for row in t["customers"]:  # personal data a provider might add: must never be stored
        row["email"] = f"{row['customer_id']}{EMAIL_DOMAIN}"
    c = dict(t["customers"][0])
    t["customers"] += [
        {**c, "customer_id": "c7", "country": "FR", "email": "c7a" + EMAIL_DOMAIN},
        {**c, "customer_id": "c7", "country": "DE", "email": "c7b" + EMAIL_DOMAIN},
        {**c, "customer_id": "c8", "email": "c8" + EMAIL_DOMAIN},
        {**c, "customer_id": "c8", "email": "c8" + EMAIL_DOMAIN},
        {**c, "customer_id": "c9", "timezone": None, "email": "c9" + EMAIL_DOMAIN},
        {**c, "customer_id": "c10", "created_at": FAR_FUTURE, "email": "c10" + EMAIL_DOMAIN},
    ]
    p = dict(t["plans"][0])
    t["plans"] += [
        {**p, "plan_id": "p7", "principal_amount": "abc"},
        {**p, "plan_id": "p8", "plan_type": "pay_in_12"},
        {**p, "plan_id": "p9", "customer_id": "c999"},
        {**p, "plan_id": "p10", "customer_id": "c9"},
        {**p, "plan_id": "p11", "installment_count": 2, "plan_type": "pay_in_4"},
        {**p, "plan_id": "p12", "purchased_at": "last tuesday"},
    ]
    i = dict(t["installments"][0])
    t["installments"] += [
        {**i, "installment_id": "p11-i1", "plan_id": "p11", "sequence": 1},
        {**i, "installment_id": "p11-i2", "plan_id": "p11", "sequence": 2,
         "due_date": "2025-02-30"},
        {**i, "installment_id": "p11-i3", "plan_id": "p11", "sequence": 3},
        {**i, "installment_id": "p11-i0", "plan_id": "p11", "sequence": 0},
        {**i, "installment_id": "p2-x", "plan_id": "p2", "sequence": 2, "amount": "-10.00"},
        {**i, "installment_id": "p7-i1", "plan_id": "p7", "sequence": 1},
    ]
    a = dict(t["payment_attempts"][0])
    t["payment_attempts"] += [
        {**a, "attempt_id": "a-robot", "kind": "robot"},
        {**a, "attempt_id": "a-nope", "installment_id": "nope"},
        {**a, "attempt_id": "a-seq3", "installment_id": "p11-i3"},
        {**a, "attempt_id": "a-future", "attempted_at": FAR_FUTURE},
    ]
    k = dict(t["contacts"][0])
    # A timestamp with a UTC offset: staged as naive UTC (09:30 here).
    t["contacts"][0]["sent_at"] = "2025-02-10T11:30:00+02:00"
    t["contacts"] += [
        {**k, "contact_id": "k3", "sent_at": "yesterday"},
        {**k, "contact_id": "k4", "channel": "pigeon"},
        {**k, "contact_id": "k5", "plan_id": "p404"},
    ]
    t["feedback"] += [{**t["feedback"][1], "feedback_id": "f3", "reason_code": "bad_luck"}]
    first_rate = dict(t["fx_rates"][0])
    t["fx_rates"] += [first_rate, {**first_rate, "currency": "USD", "rate_to_reporting": "n/a"}]
    t["experiments"] += [{**t["experiments"][0], "arm": "other_arm"}]
    for row in t["calls"]:  # an optional column left out of the file
        del row["language"]
    return t


def write_bad_dataset(out: Path) -> Path:
    for name, rows in bad_tables().items():
        write_table(out, name, rows, "csv" if name in CSV_TABLES else "parquet")
    return out
