"""The planted root causes and their sizes; ``null`` switches every one of them off.

Sizes are deliberately modest (odds ratios of about 1.4 to 2): large enough to be found in a
40,000-customer portfolio by a careful analysis, small enough that a naive one can miss them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Effects:
    # (a) debit before payday: extra log-odds of insufficient funds on the day before payday,
    # fading linearly to zero over the window (days before the next payday).
    timing_log_odds_at_eve: float = 0.85
    timing_window_days_monthly: int = 7
    timing_window_days_short_cycle: int = 4
    # (b) SMS send hour: extra log-odds of click and payment at the best local hour (half of it
    # at the neighbouring hours).
    sms_best_hour: int = 18
    sms_best_hour_log_odds: float = 0.80
    # (c) merchants with a delivery/billing defect: share of their plans disputed.
    defect_merchant_count: int = 2
    defect_dispute_rate: float = 0.045
    base_dispute_rate: float = 0.008
    # (d) card_expired wave: month and the multiplier on the card_expired rate.
    card_wave_month: str = "2026-04"
    card_wave_multiplier: float = 4.0
    card_expired_base_rate: float = 0.004
    # (e) contact fatigue: from the 4th contact in 7 days (3 or more before it).
    fatigue_threshold_prev_7d: int = 3
    fatigue_log_odds: float = -0.50
    complaint_rate_base: float = 0.004
    complaint_rate_fatigued: float = 0.020
    # (f) champion/challenger with a hold-out: extra log-odds of paying after a challenger
    # message; the hold-out gets no digital dunning for its first 14 days.
    experiment_id: str = "dunning-cadence-2026"
    experiment_start: str = "2026-01-01"
    challenger_log_odds: float = 0.70
    holdout_share: float = 0.10
    holdout_silent_days: int = 14
    # (g) team types: log-odds of payment per contact or day while allocated.
    team_log_odds: dict[str, float] = field(default_factory=lambda: {
        "in_house": 0.0, "call_center": -0.40, "field_agent": 0.70, "agency": 0.10})

    @classmethod
    def null(cls) -> Effects:
        """Everything realistic, nothing planted."""
        return cls(
            timing_log_odds_at_eve=0.0,
            sms_best_hour_log_odds=0.0,
            defect_merchant_count=0,
            card_wave_multiplier=1.0,
            fatigue_log_odds=0.0,
            complaint_rate_fatigued=0.004,
            challenger_log_odds=0.0,
            holdout_silent_days=0,
            team_log_odds={"in_house": 0.0, "call_center": 0.0, "field_agent": 0.0,
                           "agency": 0.0},
        )

    def as_dict(self) -> dict:
        return asdict(self)
