"""How numbers read in a report: one place, so every figure is written the same way.

Merchants read these reports without us in the room, so figures use thousands separators, a
space before units (``31.2 %``, ``18k EUR``) and a dash for what is unknown, never ``nan``.
"""

from __future__ import annotations

import math
from datetime import date

MISSING = "\N{EN DASH}"
TIMES = "\N{MULTIPLICATION SIGN}"


def _is_missing(value: float | int | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def count(value: float | int | None) -> str:
    """A whole number with thousands separators: ``1,240``."""
    if _is_missing(value):
        return MISSING
    return f"{round(value):,}"


def percent(share: float | None, digits: int = 1) -> str:
    """A share (0..1) as a percentage: ``0.3124`` → ``31.2 %``."""
    if _is_missing(share):
        return MISSING
    return f"{share * 100:.{digits}f} %"


def signed_percent(share: float | None, digits: int = 1) -> str:
    """A relative change (a share) with its sign: ``-0.31`` → ``-31.0 %``."""
    if _is_missing(share):
        return MISSING
    return f"{share * 100:+.{digits}f} %"


def points(diff: float | None, digits: int = 1) -> str:
    """A difference between two shares, in percentage points: ``+2.3 pts``."""
    if _is_missing(diff):
        return MISSING
    return f"{diff * 100:+.{digits}f} pts"


def money(amount: float | None, currency: str = "EUR") -> str:
    """An amount, exact below 10,000 and rounded to thousands (``18k``) or millions above."""
    if _is_missing(amount):
        return MISSING
    sign = "-" if amount < 0 else ""
    a = abs(amount)
    if a >= 1_000_000:
        text = f"{a / 1_000_000:.1f}M"
    elif a >= 10_000:
        text = f"{a / 1_000:.0f}k"
    else:
        text = f"{a:,.0f}"
    return f"{sign}{text} {currency}"


def ratio(value: float | None) -> str:
    """A multiplier such as an odds ratio: ``1.8`` → ``x1.80`` (with a multiplication sign)."""
    if _is_missing(value):
        return MISSING
    return f"{TIMES}{value:.2f}"


def days(value: float | None) -> str:
    """A number of days with one decimal: ``12.4 days``."""
    if _is_missing(value):
        return MISSING
    return f"{value:.1f} days"


def number(value: float | None, digits: int = 2) -> str:
    """A plain decimal number: ``1.84``."""
    if _is_missing(value):
        return MISSING
    return f"{value:,.{digits}f}"


def day(value: date | None) -> str:
    """A date in a form no reader misreads: ``3 Mar 2025``."""
    if value is None:
        return MISSING
    return f"{value.day} {value:%b %Y}"
