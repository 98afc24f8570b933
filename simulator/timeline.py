"""The simulated calendar: the window, local time offsets, and each customer's paydays.

Days are integers (days since 1970-01-01, numpy's ``datetime64[D]``) so every date operation is
integer arithmetic on arrays. The window is anchored to a fixed end date, so a seed gives the same
data whatever day it is run, and nothing lies in the future.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

END_DATE = date(2026, 10, 31)
START_DATE = date(2025, 7, 1)
DAY_US = 86_400_000_000
HOUR_US = 3_600_000_000


def day_number(d: date) -> int:
    return (d - date(1970, 1, 1)).days


START = day_number(START_DATE)
END = day_number(END_DATE)
# Paydays are generated over a margin around the window so "previous" and "next" always exist.
PAY_FROM = START - 45
PAY_TO = END + 75
PAY_SLOTS = 64  # per customer; the shortest pay cycle (10 days) fits the range
PAD = np.int16(32000)


def weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday)."""
    return (days + 3) % 7


def previous_business_day(days: np.ndarray) -> np.ndarray:
    """Move Saturdays and Sundays back to the Friday before, as most payrolls do."""
    wd = weekday(days)
    return days - np.where(wd == 5, 1, np.where(wd == 6, 2, 0))


def month_starts(first: int, last: int) -> np.ndarray:
    """Day numbers of the first day of every month touching [first, last], plus the next one."""
    m0 = np.datetime64(int(first), "D").astype("datetime64[M]")
    m1 = np.datetime64(int(last), "D").astype("datetime64[M]") + 2
    months = np.arange(m0, m1)
    return months.astype("datetime64[D]").astype(np.int64)


# Lookup tables over every day the simulation can touch (integer indexing beats datetime64).
_LUT_FROM = day_number(date(2020, 1, 1))
_LUT_TO = day_number(date(2031, 1, 1))
_LUT_DAYS = np.arange(_LUT_FROM, _LUT_TO)
_LUT_MONTH = _LUT_DAYS.astype("datetime64[D]").astype("datetime64[M]")
_MONTH_INDEX = (_LUT_MONTH - _LUT_MONTH[0]).astype(np.int64)  # per day
_DOM = (_LUT_DAYS - _LUT_MONTH.astype("datetime64[D]").astype(np.int64)) + 1  # per day
_MONTHS = np.arange(_LUT_MONTH[0], _LUT_MONTH[-1] + 2)
_MONTH_START = _MONTHS.astype("datetime64[D]").astype(np.int64)  # per month index
_MONTH_LEN = np.diff(_MONTH_START)


def day_of_month(days: np.ndarray) -> np.ndarray:
    return _DOM[np.asarray(days) - _LUT_FROM]


def month_index(days: np.ndarray) -> np.ndarray:
    """Months since January 2020 (a sortable month key)."""
    return _MONTH_INDEX[np.asarray(days) - _LUT_FROM]


def month_index_of(month: str) -> int:
    return int((np.datetime64(month, "M") - _LUT_MONTH[0]).astype(np.int64))


def add_months(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Same day of month ``months`` later, clipped to the month's last day (Jan 31 -> Feb 28)."""
    rel = np.asarray(days) - _LUT_FROM
    target = _MONTH_INDEX[rel] + np.asarray(months)
    return _MONTH_START[target] + np.minimum(_DOM[rel] - 1, _MONTH_LEN[target] - 1)


# --- local time ----------------------------------------------------------------------------

def utc_offsets_hours(timezones: tuple[str, ...], first: int, last: int) -> np.ndarray:
    """UTC offset in hours at local noon, per timezone (rows) and day (columns), DST included."""
    out = np.empty((len(timezones), last - first + 1), dtype=np.float64)
    base = date(1970, 1, 1)
    for i, name in enumerate(timezones):
        tz = ZoneInfo(name)
        for j, day in enumerate(range(first, last + 1)):
            local = datetime.combine(base + timedelta(days=day), datetime.min.time()).replace(
                hour=12, tzinfo=tz
            )
            out[i, j] = local.utcoffset().total_seconds() / 3600
    return out


# --- paydays ---------------------------------------------------------------------------------

PAY_SCHEDULES = ("monthly_fixed_day", "monthly_last_business_day", "semi_monthly", "biweekly",
                 "irregular")


def payday_matrix(schedule: np.ndarray, payday_dom: np.ndarray, biweekly_phase: np.ndarray,
                  rng: np.random.Generator) -> np.ndarray:
    """Every customer's paydays as offsets from PAY_FROM, sorted, padded with PAD (int16).

    schedule: index into PAY_SCHEDULES; payday_dom: nominal day of month for monthly_fixed_day;
    biweekly_phase: 0..13, which Friday cycle a bi-weekly payroll runs on.
    """
    n = schedule.size
    out = np.full((n, PAY_SLOTS), PAD, dtype=np.int16)
    months = month_starts(PAY_FROM, PAY_TO)
    month_len = np.diff(months)
    months = months[:-1]

    def put(rows: np.ndarray, days: np.ndarray) -> None:
        days = np.sort(days, axis=1)
        rel = days - PAY_FROM
        rel = np.where((rel >= 0) & (rel <= PAY_TO - PAY_FROM), rel, PAD)
        rel = np.sort(rel, axis=1)
        out[rows, : rel.shape[1]] = rel.astype(np.int16)

    rows = np.flatnonzero(schedule == 0)
    if rows.size:
        dom = np.minimum(payday_dom[rows, None], month_len[None, :])
        put(rows, previous_business_day(months[None, :] + dom - 1))
    rows = np.flatnonzero(schedule == 1)
    if rows.size:
        last = np.broadcast_to(months + month_len - 1, (rows.size, months.size))
        put(rows, previous_business_day(last))
    rows = np.flatnonzero(schedule == 2)
    if rows.size:
        mid = previous_business_day(months + 14)
        last = previous_business_day(months + month_len - 1)
        both = np.concatenate([mid, last])
        put(rows, np.broadcast_to(both, (rows.size, both.size)))
    rows = np.flatnonzero(schedule == 3)
    if rows.size:
        first_friday = PAY_FROM + (4 - weekday(np.array(PAY_FROM))) % 7
        count = (PAY_TO - PAY_FROM) // 14 + 2
        days = first_friday + biweekly_phase[rows, None] * 7 % 14 + 14 * np.arange(count)[None, :]
        put(rows, days)
    rows = np.flatnonzero(schedule == 4)
    if rows.size:
        count = (PAY_TO - PAY_FROM) // 12 + 2
        gaps = rng.integers(12, 41, size=(rows.size, count))
        gaps[:, 0] = rng.integers(0, 20, size=rows.size)
        put(rows, previous_business_day(PAY_FROM + np.cumsum(gaps, axis=1)))
    return out


def row_searchsorted(matrix: np.ndarray, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each query, how many entries of ``matrix[rows[i]]`` are <= ``values[i]``.

    A vectorised binary search over sorted rows of fixed width (a power of two), so millions of
    "previous payday" look-ups cost a handful of gathers each.
    """
    width = matrix.shape[1]
    lo = np.zeros(rows.size, dtype=np.int64)
    step = width // 2
    while step >= 1:
        probe = lo + step - 1
        go = matrix[rows, probe] <= values
        lo = np.where(go, lo + step, lo)
        step //= 2
    last = matrix[rows, np.minimum(lo, width - 1)] <= values
    return lo + (last & (lo == width - 1))


def pay_cycle(matrix: np.ndarray, rows: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, ...]:
    """(previous payday, next payday) as day numbers, a payday counting as its own previous."""
    rel = days - PAY_FROM
    count = row_searchsorted(matrix, rows, rel)
    prev = matrix[rows, np.maximum(count - 1, 0)].astype(np.int64) + PAY_FROM
    nxt = matrix[rows, np.minimum(count, PAY_SLOTS - 1)].astype(np.int64) + PAY_FROM
    return prev, nxt
