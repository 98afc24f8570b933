"""Champion/challenger and hold-out comparisons of cure and recovery rates, with power.

Assignment is randomised, so these are the causal estimates of the engine. Cure is the dbt
``cured_within_30d`` flag over cases at least 30 days old; recovery rate is the dbt ratio
Σ recovered_amount / Σ overdue_amount, compared per arm with a delta-method CI. A case counts
in an experiment only if it opened on or after its plan's assignment (``stg_experiments``):
cases opened earlier were never treated by their arm and would dilute the lift.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from analysis.db import Filters, MissingInput, find_table, read
from analysis.stats import Z95, two_proportion_test

TARGET_LIFT = 0.02           # absolute lift in cure rate the sample size is computed for
CONTROL_NAMES = ("champion", "control")
MIN_ARM_CASES = 30


def _ratio_parts(y: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    """Ratio of sums and its delta-method variance."""
    n = len(x)
    ratio = y.sum() / x.sum()
    var = np.sum((y - ratio * x) ** 2) * n / max(n - 1, 1) / x.sum() ** 2
    return ratio, var


def experiments(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Each arm against the control arm (champion) on 30-day cure rate and recovery rate."""
    cases = read(con, "fct_collection_cases",
                 ["case_id", "plan_id", "experiment_id", "experiment_arm", "opened_date",
                  "age_days", "cured_within_30d", "overdue_amount", "recovered_amount"],
                 filters, "opened_date",
                 extra_where="experiment_id is not null and age_days >= 30")
    assignments = find_table(con, "stg_experiments")
    if assignments is not None:
        # Only cases opened once the plan was assigned were treated by their arm.
        assigned = con.execute(f"select plan_id, experiment_id, cast(min(assigned_at) as date) "
                               f"as assigned_date from {assignments} group by all").df()
        cases = cases.merge(assigned, on=["plan_id", "experiment_id"], how="left")
        cases = cases[cases["assigned_date"].isna()
                      | (pd.to_datetime(cases["opened_date"])
                         >= pd.to_datetime(cases["assigned_date"]))]
    if cases.empty:
        raise MissingInput("no collection case is in an experiment")
    rows = []
    power = NormalIndPower()
    for experiment, group in cases.groupby("experiment_id"):
        arms = group["experiment_arm"].value_counts()
        controls = [a for a in CONTROL_NAMES if a in arms.index]
        control = controls[0] if controls else arms.index[0]
        reference = group[group["experiment_arm"] == control]
        for arm in arms.index:
            if arm == control:
                continue
            treated = group[group["experiment_arm"] == arm]
            if len(treated) < MIN_ARM_CASES or len(reference) < MIN_ARM_CASES:
                continue
            k1, n1 = treated["cured_within_30d"].sum(), len(treated)
            k0, n0 = reference["cured_within_30d"].sum(), len(reference)
            diff, low, high, p = two_proportion_test(k1, n1, k0, n0)
            p0 = k0 / n0
            target = min(p0 + TARGET_LIFT, 0.999)
            needed = power.solve_power(effect_size=abs(proportion_effectsize(target, p0)),
                                       alpha=0.05, power=0.8, ratio=1.0)
            rows.append(_row(experiment, "cure_rate", arm, control, n1, n0, k1 / n1, p0, diff,
                             low, high, p, needed))
            r1, v1 = _ratio_parts(treated["recovered_amount"].to_numpy(float),
                                  treated["overdue_amount"].to_numpy(float))
            r0, v0 = _ratio_parts(reference["recovered_amount"].to_numpy(float),
                                  reference["overdue_amount"].to_numpy(float))
            se = np.sqrt(v1 + v0)
            diff = r1 - r0
            p = float(2 * stats.norm.sf(abs(diff) / se)) if se > 0 else np.nan
            # Sample size for the same absolute lift in recovery rate, from the observed spread.
            sd_unit = np.sqrt(v0 * n0)
            needed = (2 * (Z95 + stats.norm.ppf(0.8)) ** 2 * sd_unit**2 / TARGET_LIFT**2
                      if sd_unit > 0 else np.nan)
            rows.append(_row(experiment, "recovery_rate", arm, control, n1, n0, r1, r0, diff,
                             diff - Z95 * se, diff + Z95 * se, p, needed))
    if not rows:
        raise MissingInput("no experiment arm has enough cases")
    return pd.DataFrame(rows)


def _row(experiment: str, metric: str, arm: str, control: str, n1: int, n0: int, rate1: float,
         rate0: float, diff: float, low: float, high: float, p: float, needed: float) -> dict:
    return {
        "experiment_id": experiment, "metric": metric, "arm": arm, "control_arm": control,
        "n_arm": int(n1), "n_control": int(n0), "rate_arm": float(rate1),
        "rate_control": float(rate0), "lift_abs": float(diff), "ci_low": float(low),
        "ci_high": float(high), "lift_rel": float(diff / rate0) if rate0 else np.nan,
        "p_value": float(p), "target_lift": TARGET_LIFT,
        "n_required_per_arm": float(np.ceil(needed)) if np.isfinite(needed) else np.nan,
        "powered": bool(min(n1, n0) >= needed) if np.isfinite(needed) else False,
    }
