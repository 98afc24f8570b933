"""What a merchant report holds, independent of where it came from and how it is drawn.

``reports.content`` fills these from the warehouse (marts and insights, one merchant's id as a
bound parameter, peers only as aggregates); ``reports.render`` turns them into HTML. Keeping
the two apart means the template never runs SQL and the queries never format text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Merchant:
    merchant_id: str
    name: str
    sector: str
    country: str


@dataclass(frozen=True)
class PeerGroup:
    """Who the merchant is compared with: never named, only counted."""

    scope: str  # 'sector' | 'all_other' | 'none'
    merchants: int
    description: str


@dataclass(frozen=True)
class Kpi:
    """One headline figure for the merchant beside the median of its peers."""

    key: str
    label: str
    unit: str  # 'share' | 'days' | 'number' | 'money'
    higher_is_better: bool | None
    value: float | None
    peer_median: float | None
    definition: str

    @property
    def verdict(self) -> str:
        """'better', 'worse' or 'similar' than peers, for a reader who skims."""
        if self.value is None or self.peer_median is None or self.higher_is_better is None:
            return ""
        gap = self.value - self.peer_median
        scale = max(abs(self.peer_median), 1e-9)
        if abs(gap) / scale < 0.02:
            return "similar"
        return "better" if (gap > 0) == self.higher_is_better else "worse"


@dataclass(frozen=True)
class CurvePoint:
    day: int
    share: float


@dataclass(frozen=True)
class RootCause:
    """One detected cause for this merchant, sized in money per month, with its action."""

    cause_id: str
    title: str
    category: str
    effect_metric: str
    effect_size: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    significant: bool
    customers_affected: int | None
    money_at_stake_month: float | None
    money_ci_low: float | None
    money_ci_high: float | None
    recommended_action: str
    evidence: str
    who: str = ""  # which of the merchant's customers it concerns, in plain words


@dataclass(frozen=True)
class ChannelAdvice:
    """A channel or send-time recommendation with the figure that supports it."""

    channel: str
    advice: str
    figure: str
    interval: str


@dataclass(frozen=True)
class ChannelRow:
    """This merchant's own funnel for one channel."""

    channel: str
    contacts: int
    delivered: float | None
    opened: float | None
    clicked: float | None
    paid: float | None


@dataclass(frozen=True)
class ReasonShare:
    reason: str
    label: str
    texts: int
    share: float


@dataclass(frozen=True)
class Quote:
    reason: str
    source: str  # 'call' | 'feedback'
    text: str


@dataclass(frozen=True)
class Volume:
    """How much of this merchant's business the report rests on."""

    customers_behind: int  # customers with at least one collection case
    plans: int
    installments: int  # installments whose first scheduled debit was attempted
    cases: int
    overdue_amount: float | None


@dataclass(frozen=True)
class Definition:
    term: str
    meaning: str


@dataclass
class MerchantReport:
    """Everything one merchant's report shows."""

    merchant: Merchant
    period_start: date | None
    period_end: date | None
    volume: Volume
    enough_data: bool
    data_note: str
    peers: PeerGroup
    kpis: list[Kpi] = field(default_factory=list)
    curve: list[CurvePoint] = field(default_factory=list)
    peer_curve: list[CurvePoint] = field(default_factory=list)
    root_causes: list[RootCause] = field(default_factory=list)
    portfolio_merchants: int = 0  # merchants pooled in portfolio-wide figures
    causes_tested: int = 0  # candidate causes tested on this merchant's data, clear or not
    channels: list[ChannelRow] = field(default_factory=list)
    channel_advice: list[ChannelAdvice] = field(default_factory=list)
    reasons: list[ReasonShare] = field(default_factory=list)
    reason_texts: int = 0  # calls and comments that gave at least one reason
    quotes: list[Quote] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    currency: str = "EUR"
