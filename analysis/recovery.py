"""Recovery over time: banded cohort curves and Kaplan-Meier time-to-cure by segment.

Recovered amounts and case outcomes are the warehouse's (``fct_collection_cases``); this module
only adds the uncertainty (delta-method bands, Kaplan-Meier with censoring, log-rank tests).
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from analysis.db import Filters, MissingInput, find_table, read
from analysis.stats import Z95

CHECKPOINT_DAYS = (5, 30, 60, 90)
SURVIVAL_GRID = np.arange(0, 181)
MIN_GROUP_CASES = 30
COHORT_SEGMENTS = ("plan_type", "team_type", "merchant_id")
SURVIVAL_SEGMENTS = ("plan_type", "merchant_id", "channel_strategy", "team_type", "experiment_arm")


def cohort_recovery(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Recovered share of overdue amount by opening-month cohort at days 5/30/60/90, with bands.

    A case enters day d only once it is at least d days old (the mart's rule), so young cohorts
    are not shown as under-performing. The band is the ratio estimator's delta-method CI
    over the cohort's cases (cases assumed independent).
    """
    recovered = [f"recovered_d{d}" for d in CHECKPOINT_DAYS]
    cases = read(con, "fct_collection_cases",
                 ["opened_date", "age_days", "overdue_amount", *recovered, *COHORT_SEGMENTS],
                 filters, "opened_date")
    if cases.empty:
        return pd.DataFrame()
    cases["cohort_month"] = pd.to_datetime(cases["opened_date"]).dt.to_period("M").dt.to_timestamp()
    cases["team_type"] = cases["team_type"].fillna("unallocated")
    cases["all"] = "all"
    frames = []
    for day, column in zip(CHECKPOINT_DAYS, recovered, strict=True):
        # As in mart_cohort_recovery: a case counts at day d once it is at least d days old.
        eligible = cases[cases["age_days"] >= day].copy()
        if eligible.empty:
            continue
        eligible["x"] = eligible["overdue_amount"].astype(float)
        eligible["y"] = eligible[column].astype(float).fillna(0.0)
        eligible["xx"], eligible["yy"] = eligible["x"] ** 2, eligible["y"] ** 2
        eligible["xy"] = eligible["x"] * eligible["y"]
        for segment_type in ("all", *COHORT_SEGMENTS):
            sums = (eligible.groupby([segment_type, "cohort_month"], observed=True)
                    .agg(cases=("x", "size"), overdue_amount=("x", "sum"),
                         recovered_amount=("y", "sum"), xx=("xx", "sum"), yy=("yy", "sum"),
                         xy=("xy", "sum"))
                    .reset_index().rename(columns={segment_type: "segment"}))
            sums["segment_type"] = segment_type
            sums["day"] = day
            frames.append(sums)
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    out = out[out["overdue_amount"] > 0]
    share = out["recovered_amount"] / out["overdue_amount"]
    n = out["cases"].astype(float)
    residual = out["yy"] - 2 * share * out["xy"] + share**2 * out["xx"]
    se = np.sqrt(np.clip(residual, 0, None) * n / np.maximum(n - 1, 1)) / out["overdue_amount"]
    se[n < 2] = np.nan
    out["recovered_share"] = share
    out["ci_low"] = (share - Z95 * se).clip(lower=0)
    out["ci_high"] = share + Z95 * se
    out["segment"] = out["segment"].astype(str)
    return out[["segment_type", "segment", "cohort_month", "day", "cases", "overdue_amount",
                "recovered_amount", "recovered_share", "ci_low", "ci_high"]].reset_index(drop=True)


def _cases_for_survival(
    con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date
) -> pd.DataFrame:
    cases = read(con, "fct_collection_cases",
                 ["case_id", "opened_date", "closed_date", "outcome", "plan_type", "merchant_id",
                  "team_type", "experiment_arm"], filters, "opened_date")
    cases["opened_date"] = pd.to_datetime(cases["opened_date"])
    end = pd.to_datetime(cases["closed_date"]).fillna(pd.Timestamp(as_of))
    cases["time"] = (end - cases["opened_date"]).dt.days.clip(lower=0).astype(float)
    cases["cured"] = (cases["outcome"] == "cured").astype(int)
    contacts = find_table(con, "fct_contacts")
    if contacts is not None:
        strategy = con.execute(
            f"""
            select case_id, string_agg(distinct channel, '+' order by channel) as channel_strategy
            from {contacts} where case_id is not null and direction = 'outbound'
            group by case_id
            """
        ).df()
        cases = cases.merge(strategy, on="case_id", how="left")
        cases["channel_strategy"] = cases["channel_strategy"].fillna("none")
    else:
        cases["channel_strategy"] = "unknown"
    cases["experiment_arm"] = cases["experiment_arm"].fillna("not_in_experiment")
    cases["team_type"] = cases["team_type"].fillna("not_allocated")
    cases["all"] = "all"
    return cases


def _km_on_grid(time: np.ndarray, status: np.ndarray) -> pd.DataFrame:
    """Kaplan-Meier survival (share not yet cured) on the day grid, log-log pointwise CI."""
    fit = SurvfuncRight(time, status)
    times, prob, se = fit.surv_times, fit.surv_prob, fit.surv_prob_se
    index = np.searchsorted(times, SURVIVAL_GRID, side="right") - 1
    before = index < 0
    index = np.clip(index, 0, None)
    survival = np.where(before, 1.0, prob[index])
    std = np.where(before, 0.0, se[index])
    with np.errstate(divide="ignore", invalid="ignore"):
        log_s = np.log(survival)
        theta = std / (survival * np.abs(log_s))
        low = survival ** np.exp(Z95 * theta)
        high = survival ** np.exp(-Z95 * theta)
    low = np.where((survival >= 1) | (survival <= 0) | ~np.isfinite(low), survival, low)
    high = np.where((survival >= 1) | (survival <= 0) | ~np.isfinite(high), survival, high)
    at_risk = len(time) - np.searchsorted(np.sort(time), SURVIVAL_GRID, side="left")
    cured = np.searchsorted(np.sort(time[status == 1]), SURVIVAL_GRID, side="right")
    return pd.DataFrame({"day": SURVIVAL_GRID, "at_risk": at_risk, "cured_cumulative": cured,
                         "survival": survival, "ci_low": low, "ci_high": high,
                         "cure_share": 1 - survival})


def survival(
    con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date
) -> dict[str, pd.DataFrame]:
    """Kaplan-Meier time-to-cure per segment, log-rank tests across each segment's groups.

    Escalated, written-off and open cases are censored at their close date or ``as_of``: the
    curve is cause-specific and assumes censoring independent of cure time within a segment.
    """
    cases = _cases_for_survival(con, filters, as_of)
    if len(cases) < MIN_GROUP_CASES:
        raise MissingInput(f"only {len(cases)} collection cases: too few for survival curves")
    curves, summaries, tests = [], [], []
    for segment_type in ("all", *SURVIVAL_SEGMENTS):
        sizes = cases[segment_type].value_counts()
        kept = sizes[sizes >= MIN_GROUP_CASES].index
        # only the columns the curves need: grouping then moves three columns, not the table
        subset = cases.loc[cases[segment_type].isin(kept), [segment_type, "time", "cured"]]
        for segment, group in subset.groupby(segment_type, observed=True):
            time = group["time"].to_numpy()
            status = group["cured"].to_numpy()
            grid = _km_on_grid(time, status)
            grid.insert(0, "segment", str(segment))
            grid.insert(0, "segment_type", segment_type)
            curves.append(grid)
            d30 = grid.loc[grid["day"] == 30].iloc[0]
            below = grid.loc[grid["survival"] <= 0.5, "day"]
            summaries.append({
                "segment_type": segment_type, "segment": str(segment), "cases": len(group),
                "cured": int(status.sum()),
                "median_days_to_cure": float(below.iloc[0]) if len(below) else np.nan,
                "cure_share_d30": 1 - d30["survival"], "cure_share_d30_low": 1 - d30["ci_high"],
                "cure_share_d30_high": 1 - d30["ci_low"],
            })
        if segment_type != "all" and len(kept) >= 2:
            # Groups as codes in the sorted order of their names (survdiff's reference is the
            # first): the same test, without comparing strings row by row per group.
            groups = pd.Categorical(subset[segment_type].astype(str)).codes
            chi2, p = survdiff(subset["time"].to_numpy(), subset["cured"].to_numpy(), groups)
            tests.append({"segment_type": segment_type, "groups": len(kept), "cases": len(subset),
                          "chi2": float(chi2), "df": len(kept) - 1, "p_value": float(p)})
    return {
        "survival_curves": pd.concat(curves, ignore_index=True)[
            ["segment_type", "segment", "day", "at_risk", "cured_cumulative", "survival",
             "ci_low", "ci_high", "cure_share"]],
        "survival_summary": pd.DataFrame(summaries),
        "survival_tests": pd.DataFrame(tests, columns=["segment_type", "groups", "cases", "chi2",
                                                       "df", "p_value"]),
    }


def months_between(start: date, end: date) -> float:
    """Calendar months in [start, end], at least one: the divisor for per-month figures."""
    return max((end - start + timedelta(days=1)).days / 30.4375, 1.0)
