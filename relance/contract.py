"""The raw data contract (v1), as data.

One definition of every table, column, type and enumeration a provider's export may hold. The
simulator writes exactly this, the warehouse build validates against it, and the dbt sources are
checked against it by a test, so the three can never drift apart. The prose version for humans is
``data/CONTRACT.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Logical column types. How each is stored on disk:
#   id, text, enum, country, currency, timezone, language -> string
#   timestamp -> ISO-8601 UTC string in CSV, timestamp[us, UTC] in Parquet
#   date -> YYYY-MM-DD string in CSV, date32 in Parquet
#   money, number -> decimal / float64
#   integer -> int64
LOGICAL_TYPES = frozenset(
    {"id", "text", "enum", "country", "currency", "timezone", "language",
     "timestamp", "date", "money", "number", "integer"}
)

PLAN_TYPES = ("pay_in_3", "pay_in_4", "pay_in_30", "financing")
PAYMENT_METHODS = ("card", "sepa_debit", "bank_transfer")
ATTEMPT_KINDS = ("scheduled", "retry", "customer_initiated", "agent_assisted", "agency")
ATTEMPT_STATUSES = ("succeeded", "failed")
FAILURE_REASONS = (
    "insufficient_funds", "card_expired", "card_declined", "authentication_failed",
    "technical_error", "account_closed", "mandate_revoked", "disputed",
)
CONTACT_CHANNELS = ("sms", "email", "call", "chat", "letter", "push", "whatsapp", "social")
CONTACT_DIRECTIONS = ("outbound", "inbound")
CONTACT_STAGES = ("reminder", "first_notice", "follow_up", "final_notice", "pre_litigation")
CALL_OUTCOMES = ("no_answer", "busy", "voicemail", "wrong_party", "right_party")
ARRANGEMENT_KINDS = ("promise_to_pay", "payment_plan", "settlement")
FEEDBACK_CHANNELS = ("sms", "email", "web", "chat", "call", "app")
TEAM_TYPES = ("in_house", "call_center", "field_agent", "agency")
ESCALATION_STAGES = ("pre_litigation", "litigation", "debt_sale", "write_off")

# The default-reason taxonomy: id -> what it means. Order is the display order.
REASONS: dict[str, str] = {
    "payday_timing": "money arrives after the debit date",
    "income_shock": "lost job, reduced hours, benefit stopped",
    "forgot_or_unaware": "did not know or forgot an installment was due",
    "payment_method_issue": "card expired or replaced, changed bank, technical failure",
    "dispute_or_return": "item not received, returned, refund pending, wrong amount billed",
    "fraud_or_identity": "did not make the purchase, account taken over",
    "hardship_life_event": "illness, bereavement, separation (also a vulnerability flag)",
    "over_indebtedness": "several debts or BNPL plans at once",
    "refuses_to_pay": "unwilling, disputes the obligation without a product issue",
    "other": "none of the above",
}
REASON_CODES = tuple(REASONS)


@dataclass(frozen=True)
class Column:
    """One column of a raw table. ``required`` columns must be present in the file header."""

    name: str
    type: str
    required: bool = True
    enum: tuple[str, ...] | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.type not in LOGICAL_TYPES:
            raise ValueError(f"unknown logical type {self.type!r} for column {self.name}")
        if (self.type == "enum") != (self.enum is not None):
            raise ValueError(f"column {self.name}: enum values go with type 'enum' only")


@dataclass(frozen=True)
class Table:
    """One raw table. Optional tables may be absent from a dataset altogether."""

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: dict[str, str] = field(default_factory=dict)  # column -> "table.column"
    optional: bool = False
    description: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


def _c(name: str, type_: str, required: bool = True, enum: tuple[str, ...] | None = None,
       description: str = "") -> Column:
    return Column(name, type_, required, enum, description)


TABLES: dict[str, Table] = {t.name: t for t in (
    Table("merchants", (
        _c("merchant_id", "id"),
        _c("merchant_name", "text", description="display name"),
        _c("sector", "text", description="fashion, electronics, travel, furniture, beauty, ..."),
        _c("country", "country"),
    ), ("merchant_id",), description="the shops whose purchases are financed"),
    Table("customers", (
        _c("customer_id", "id", description="pseudonymous"),
        _c("country", "country"),
        _c("timezone", "timezone", description="IANA name, for local send hours"),
        _c("created_at", "timestamp"),
        _c("language", "language", required=False),
        _c("birth_year", "integer", required=False),
    ), ("customer_id",)),
    Table("plans", (
        _c("plan_id", "id"),
        _c("customer_id", "id"),
        _c("merchant_id", "id"),
        _c("purchased_at", "timestamp"),
        _c("currency", "currency"),
        _c("principal_amount", "money", description="amount financed"),
        _c("plan_type", "enum", enum=PLAN_TYPES),
        _c("installment_count", "integer"),
        _c("payment_method", "enum", enum=PAYMENT_METHODS),
    ), ("plan_id",),
        {"customer_id": "customers.customer_id", "merchant_id": "merchants.merchant_id"},
        description="one BNPL purchase"),
    Table("installments", (
        _c("installment_id", "id"),
        _c("plan_id", "id"),
        _c("sequence", "integer", description="1..installment_count"),
        _c("due_date", "date", description="the scheduled debit date"),
        _c("amount", "money"),
    ), ("installment_id",), {"plan_id": "plans.plan_id"}),
    Table("payment_attempts", (
        _c("attempt_id", "id"),
        _c("installment_id", "id"),
        _c("attempted_at", "timestamp"),
        _c("amount", "money", description="asked; when succeeded, received (partial allowed)"),
        _c("kind", "enum", enum=ATTEMPT_KINDS),
        _c("status", "enum", enum=ATTEMPT_STATUSES),
        _c("failure_reason", "enum", required=True, enum=FAILURE_REASONS,
           description="empty when succeeded"),
    ), ("attempt_id",), {"installment_id": "installments.installment_id"},
        description="every charge or debit attempt, failed or not"),
    Table("contacts", (
        _c("contact_id", "id"),
        _c("customer_id", "id"),
        _c("plan_id", "id", required=False),
        _c("channel", "enum", enum=CONTACT_CHANNELS),
        _c("direction", "enum", enum=CONTACT_DIRECTIONS),
        _c("stage", "enum", enum=CONTACT_STAGES),
        _c("template_id", "text", required=False),
        _c("sent_at", "timestamp", description="when sent or dialled"),
        _c("delivered_at", "timestamp", required=False),
        _c("opened_at", "timestamp", required=False),
        _c("clicked_at", "timestamp", required=False),
        _c("replied_at", "timestamp", required=False),
        _c("call_outcome", "enum", required=False, enum=CALL_OUTCOMES, description="calls only"),
        _c("team_id", "id", required=False),
        _c("agent_id", "id", required=False),
        _c("cost", "money", required=False, description="in the reporting currency"),
    ), ("contact_id",), {"customer_id": "customers.customer_id", "plan_id": "plans.plan_id"},
        description="one message or call"),
    Table("arrangements", (
        _c("arrangement_id", "id"),
        _c("customer_id", "id"),
        _c("plan_id", "id"),
        _c("contact_id", "id", required=False),
        _c("created_at", "timestamp"),
        _c("kind", "enum", enum=ARRANGEMENT_KINDS),
        _c("promised_amount", "money"),
        _c("promised_date", "date"),
    ), ("arrangement_id",), {"customer_id": "customers.customer_id", "plan_id": "plans.plan_id",
                             "contact_id": "contacts.contact_id"},
        description="a promise to pay or a payment plan"),
    Table("feedback", (
        _c("feedback_id", "id"),
        _c("customer_id", "id"),
        _c("plan_id", "id", required=False),
        _c("submitted_at", "timestamp"),
        _c("channel", "enum", enum=FEEDBACK_CHANNELS),
        _c("reason_code", "enum", required=False, enum=REASON_CODES),
        _c("comment", "text", required=False),
        _c("satisfaction", "integer", required=False, description="1..5"),
    ), ("feedback_id",), {"customer_id": "customers.customer_id", "plan_id": "plans.plan_id"},
        description="a survey answer or free comment"),
    Table("calls", (
        _c("call_id", "id"),
        _c("contact_id", "id", required=False),
        _c("customer_id", "id"),
        _c("started_at", "timestamp"),
        _c("duration_s", "number"),
        _c("audio_path", "text", description="relative to the dataset directory"),
        _c("language", "language", required=False),
    ), ("call_id",), {"contact_id": "contacts.contact_id", "customer_id": "customers.customer_id"},
        description="one recorded call"),
    Table("allocations", (
        _c("allocation_id", "id"),
        _c("plan_id", "id"),
        _c("team_id", "id"),
        _c("team_type", "enum", enum=TEAM_TYPES),
        _c("assigned_at", "timestamp"),
        _c("released_at", "timestamp", required=False),
    ), ("allocation_id",), {"plan_id": "plans.plan_id"},
        description="a plan handed to a team or agency"),
    Table("escalations", (
        _c("escalation_id", "id"),
        _c("plan_id", "id"),
        _c("escalated_at", "timestamp"),
        _c("stage", "enum", enum=ESCALATION_STAGES),
    ), ("escalation_id",), {"plan_id": "plans.plan_id"}),
    Table("experiments", (
        _c("plan_id", "id"),
        _c("experiment_id", "text"),
        _c("arm", "text", description="champion, challenger, holdout, ..."),
        _c("assigned_at", "timestamp"),
    ), ("plan_id", "experiment_id"), {"plan_id": "plans.plan_id"}, optional=True,
        description="champion/challenger and hold-out assignment"),
    Table("fx_rates", (
        _c("date", "date"),
        _c("currency", "currency"),
        _c("rate_to_reporting", "number"),
    ), ("date", "currency"), optional=True,
        description="reporting currency is configurable (default EUR)"),
)}

REPORTING_CURRENCY = "EUR"
