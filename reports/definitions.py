"""The KPIs a report shows, tied to the mart columns that define them, and their plain wording.

Each KPI is the mart's own ratio, ``sum(numerator) / sum(denominator)`` over the report's period,
exactly as ``dbt_project/models/marts/_marts__models.yml`` documents it; nothing is recomputed
from raw rows. The wording follows the team's KPI definitions (kpis.md), rewritten for a
merchant who has never seen our warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KpiSpec:
    """A headline KPI: where it lives, how it reads, and which way is good."""

    key: str
    label: str
    unit: str  # 'share' | 'days' | 'number'
    higher_is_better: bool | None
    mart: str
    numerator: str
    denominator: str
    definition: str


KPI_SPECS: tuple[KpiSpec, ...] = (
    KpiSpec("first_attempt_failure_rate", "First debits that fail", "share", False,
            "mart_payment_failures", "failed_first_attempts", "first_attempts",
            "Of the installments we tried to collect on their due date, the share whose first "
            "scheduled debit failed (for example for insufficient funds or an expired card)."),
    KpiSpec("recovery_rate", "Recovery rate", "share", True,
            "mart_kpis_daily", "cases_recovered_amount", "cases_overdue_amount",
            "Of the amount that became overdue, the share received since. Counted on the "
            "collection cases opened in the period."),
    KpiSpec("efficiency_dpd6", "Recovery on debts over 5 days late", "share", True,
            "mart_kpis_daily", "dpd6_recovered_amount", "dpd6_overdue_amount",
            "Of the amount still unpaid 6 days after its due date, the share received "
            "afterwards."),
    KpiSpec("realization_d30", "Recovered within 30 days", "share", True,
            "mart_kpis_daily", "realized_d30_amount", "realization_d30_overdue_amount",
            "Of the overdue amount, the share received within 30 days of the installment "
            "becoming overdue; only cases at least 30 days old count."),
    KpiSpec("realization_d90", "Recovered within 90 days", "share", True,
            "mart_kpis_daily", "realized_d90_amount", "realization_d90_overdue_amount",
            "The same within 90 days, over cases at least 90 days old."),
    KpiSpec("cure_rate", "Cases fully settled", "share", True,
            "mart_kpis_daily", "cases_cured", "cases_opened",
            "Cure rate: of the collection cases opened, the share that ended with nothing left "
            "overdue. Cases still open count as not settled."),
    KpiSpec("cure_rate_d30", "Cases settled within 30 days", "share", True,
            "mart_kpis_daily", "cases_cured_within_30d", "cure_d30_observed_cases",
            "Of the cases at least 30 days old, the share settled within 30 days."),
    KpiSpec("average_days_outstanding", "Average days late before payment", "days", False,
            "mart_kpis_daily", "late_paid_amount_days", "late_paid_amount",
            "Average days outstanding: for installments paid late, the average number of days "
            "from the due date to full payment, weighted by amount."),
    KpiSpec("promise_kept_rate", "Promises to pay kept", "share", True,
            "mart_kpis_daily", "promises_kept", "promises_due",
            "Of the customers' promises to pay that fell due, the share where the promised "
            "amount arrived by the promised date (2 days' grace)."),
    KpiSpec("right_party_contact_rate", "Calls that reached the customer", "share", True,
            "mart_kpis_daily", "right_party_calls", "calls_dialled",
            "Right-party-contact rate: of the calls made, the share that reached the customer "
            "in person."),
    KpiSpec("contacts_per_case", "Reminders per collection case", "number", None,
            "mart_kpis_daily", "case_contacts", "cases_opened",
            "Messages and calls sent while a case was open, per case."),
    KpiSpec("cost_to_collect", "Cost per euro recovered", "share", False,
            "mart_kpis_daily", "collection_cost", "cases_recovered_amount",
            "Cost to collect: what reminders, calls and collection teams cost, as a share of "
            "the amount they recovered."),
    KpiSpec("litigation_rate", "Cases escalated to litigation or write-off", "share", False,
            "mart_kpis_daily", "litigation_escalated_cases", "litigation_observed_cases",
            "Of the cases old enough to tell, the share sent to litigation, sold or written "
            "off."),
    KpiSpec("plan_continuity", "Split payments paid on time throughout", "share", True,
            "mart_plan_continuity", "continuous_plans", "plans_fully_due",
            "Plan continuity: of the pay-in-3 and pay-in-4 plans whose last installment is due, "
            "the share where every installment was paid within 5 days of its due date."),
)

GLOSSARY: tuple[tuple[str, str], ...] = (
    ("Collection case", "One episode of a payment plan being late: it opens the day after an "
     "installment is missed and closes when nothing is overdue any more, or when the debt is "
     "escalated or written off."),
    ("Overdue amount", "What was still owed on an installment the day after its due date, in "
     "EUR at that day's exchange rate."),
    ("Money at stake", "What a cause costs you per month, or what fixing it would secure per "
     "month: the amount that would have been collected on time without it, averaged over the "
     "months observed."),
    ("95 % interval", "The range that contains the true value with 95 % confidence given the "
     "data. A wide interval means few cases; a change whose interval excludes zero is very "
     "unlikely to be chance."),
    ("Percentage points (pts)", "The difference between two percentages: going from 10 % to "
     "12 % is +2 pts."),
    ("Odds ratio", "How much more (above 1) or less (below 1) likely something is in one group "
     "than in another, in betting odds; x2.0 means twice the odds."),
    ("Peers' median", "Half of your peers do better and half do worse than this figure. It is "
     "computed over at least 5 merchants so no single merchant can be recognised."),
)


def definitions() -> list[tuple[str, str]]:
    """Every term the report uses, KPIs first, for the method appendix."""
    kpis = [(spec.label, spec.definition) for spec in KPI_SPECS]
    return kpis + list(GLOSSARY)
