"""The insight engine against the simulator's planted truth (simulator/TRUTH.md), and on --null.

Each planted effect that the warehouse makes observable must be detected (significant after
Benjamini-Hochberg over every test of the run), with its estimate within ±20 % of the truth and a
95 % CI covering it. Effects the data cannot reveal are xfail(strict=True) with the reason, so the
suite fails the day they become detectable and this file must be updated.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from analysis import run_all

pytestmark = pytest.mark.slow


def _run(warehouse: Path, tmp: Path) -> tuple[Path, dict]:
    copy = tmp / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    summary = run_all(copy)
    return copy, {r.analysis: r for r in summary.results}


@pytest.fixture(scope="module")
def planted(validation_warehouse: Path, validation_dataset: Path, tmp_path_factory):
    path, results = _run(validation_warehouse, tmp_path_factory.mktemp("analysis_validation"))
    truth = json.loads((validation_dataset / "_truth.json").read_text())
    con = duckdb.connect(str(path), read_only=True)
    yield con, truth, results, validation_dataset
    con.close()


@pytest.fixture(scope="module")
def null_run(null_warehouse: Path, tmp_path_factory):
    path, results = _run(null_warehouse, tmp_path_factory.mktemp("analysis_null"))
    con = duckdb.connect(str(path), read_only=True)
    yield con, results
    con.close()


def _close(estimate: float, truth: float, low: float, high: float) -> None:
    assert estimate == pytest.approx(truth, rel=0.20), f"estimate {estimate} vs truth {truth}"
    assert low <= truth <= high, f"95% CI [{low}, {high}] misses truth {truth}"


def test_every_analysis_runs(planted):
    _, _, results, _ = planted
    failed = {name: r.message for name, r in results.items() if r.status != "ok"}
    assert not failed


def test_card_expired_wave_found_in_its_month_only(planted):
    con, truth, _, _ = planted
    wave = truth["card_expired_wave"]
    found = con.execute(
        """select month, rate_ratio, ci_low, ci_high from insights.failure_waves
           where significant and failure_reason = 'card_expired'""").df()
    assert list(found["month"].dt.strftime("%Y-%m")) == [wave["month"]]
    ratio = wave["observed_rate_wave_month"] / wave["observed_rate_other_months"]
    row = found.iloc[0]
    _close(row["rate_ratio"], ratio, row["ci_low"], row["ci_high"])


def test_defect_merchants_found_and_sized(planted):
    con, truth, _, _ = planted
    planted_ = truth["defect_merchants"]
    found = con.execute(
        """select merchant_id, rate_ratio, ci_low, ci_high from insights.merchant_anomalies
           where significant and metric = 'disputed_plan_share' and rate_ratio > 1""").df()
    assert sorted(found["merchant_id"]) == sorted(planted_["defect_merchant_ids"])
    ratio = (planted_["observed_disputed_plan_share_defect"]
             / planted_["observed_disputed_plan_share_others"])
    for row in found.itertuples():
        _close(row.rate_ratio, ratio, row.ci_low, row.ci_high)


def test_experiment_lifts_match_the_counterfactual_truth(planted):
    con, truth, _, _ = planted
    experiment = truth["experiment"]
    rows = con.execute(
        """select arm, lift_abs, ci_low, ci_high, p_value from insights.experiments
           where metric = 'cure_rate'""").df().set_index("arm")
    challenger = rows.loc["challenger"]
    _close(challenger["lift_abs"], experiment["true_lift_cure30_challenger_vs_champion"],
           challenger["ci_low"], challenger["ci_high"])
    holdout = rows.loc["holdout"]       # hold-out minus champion = -(champion minus hold-out)
    _close(-holdout["lift_abs"], experiment["true_lift_cure30_champion_vs_holdout"],
           -holdout["ci_high"], -holdout["ci_low"])


def test_team_types_compared_at_the_same_stage(planted):
    con, truth, _, _ = planted
    cure = truth["teams"]["observed_cure_within_90d_of_assignment"]
    rows = con.execute("select * from insights.allocation_comparison").df().set_index("team_type")
    call_center = rows.loc["call_center"]
    assert call_center["reference"] == "in_house"
    _close(call_center["diff_vs_reference"], cure["call_center"] - cure["in_house"],
           call_center["diff_ci_low"], call_center["diff_ci_high"])
    field = rows.loc["field_agent"]
    assert field["reference"] == "agency"
    _close(field["diff_vs_reference"], cure["field_agent"] - cure["agency"],
           field["diff_ci_low"], field["diff_ci_high"])


def test_detected_causes_are_significant_in_the_ranking(planted):
    con, truth, _, _ = planted
    causes = con.execute(
        "select cause_id, significant from insights.root_causes where scope = 'portfolio'"
    ).df().set_index("cause_id")["significant"]
    month = truth["card_expired_wave"]["month"]
    # call_center vs in_house is planted too, but its true gap in cure-within-90-days is small
    # (about -0.03; p about 0.02 on 40k customers): it is sized correctly above, yet does not
    # survive false-discovery control over the ~380 tests of a run, as it should not.
    expected = [f"failure_wave:card:card_expired:{month}",
                "experiment:dunning-cadence-2026:challenger",
                "team_type:field_agent:dpd_30_89",
                *[f"merchant_disputed_plan_share:{m}"
                  for m in truth["defect_merchants"]["defect_merchant_ids"]]]
    assert causes.reindex(expected).fillna(False).all(), causes.reindex(expected)
    merchant = truth["defect_merchants"]["defect_merchant_ids"][0]
    own = con.execute("select cause_id from insights.root_causes where scope = ? and significant",
                      [merchant]).df()
    assert f"merchant_disputed_plan_share:{merchant}" in set(own["cause_id"])


def test_funding_day_matches_planted_payday(planted):
    con, _, _, dataset = planted
    truth = pd.read_parquet(dataset / "_truth" / "customers.parquet")
    found = con.execute(
        "select customer_id, funding_day, signals from insights.funding_days").df()
    both = found.merge(truth[truth["pay_schedule"] == "monthly_fixed_day"], on="customer_id")
    both = both[both["signals"] >= 2]
    gap = (both["funding_day"] - both["payday_median_day_of_month"]).abs()
    gap = np.minimum(gap, 31 - gap)
    assert len(both) > 100
    assert (gap <= 1).mean() >= 0.80


def test_timing_share_of_failures(planted):
    """Measured: 0.069 (CI 0.040-0.098) against the truth's 0.084. With one funding day per
    customer (semi-monthly, bi-weekly and irregular payers and misread days spreading their
    pre-payday failures over the reference) it read 0.041 (CI 0.019-0.066); the posterior
    over pay schedules, with the portfolio's learned prior, as probability exposures in a
    linear model fixed that. The estimate is noise-limited (the same model with the true
    schedules reads 0.083 ± 0.011 on every debit)."""
    con, truth, _, _ = planted
    row = con.execute("""select attributable_share, share_ci_low, share_ci_high
                         from insights.debit_timing_effect where scope = 'portfolio'""").df()
    share = truth["payday_timing"]["share_failed_caused_by_timing"]
    _close(row.iloc[0, 0], share, row.iloc[0, 1], row.iloc[0, 2])


def test_best_sms_hour(planted):
    """Measured on the customer's own payments within 3 days (scheduled debits and retries left
    out) with the overdue state at the start of the send day as control; on every payment (the
    truth's ``observed_lift``) it found hour 19 and lift 0.020 against 18 and 0.0135, and pushes
    at 7 o'clock, right after failed debits, looked best because retries fell in their window."""
    con, truth, _, _ = planted
    row = con.execute("select * from insights.best_send_hour where channel = 'sms'").df().iloc[0]
    assert row["best_hour"] == truth["send_hour"]["best_local_hour"]
    _close(row["uplift_abs"], truth["send_hour"]["observed_customer_lift"], row["uplift_ci_low"],
           row["uplift_ci_high"])


def test_send_hour_planted_on_sms_only_is_found_on_sms_only(planted):
    """No hour effect is planted on push, e-mail, letters or WhatsApp (before counting only the
    customer's payments, push at 7 came out significant: lift 0.10, q 0.043)."""
    con, _, _, _ = planted
    flagged = con.execute("select channel from insights.best_send_hour "
                          "where significant and channel <> 'sms'").df()
    assert flagged.empty, flagged


def test_contact_fatigue_threshold_and_size(planted):
    """Measured on the response to the message (a click among messages seen), which the planted
    log-odds act on; payment within N days would mix in retries and payday payments the cadence
    ties to the count (it found threshold 4, odds ratio 1.21 against the planted 3 and 0.61)."""
    con, truth, _, _ = planted
    row = con.execute("select * from insights.fatigue_effect").df().iloc[0]
    assert row["threshold"] == truth["fatigue"]["threshold_prev_7d"]
    _close(row["odds_ratio"], float(np.exp(truth["fatigue"]["log_odds_conversion"])),
           row["ci_low"], row["ci_high"])


def test_null_data_yields_no_significant_root_cause(null_run):
    con, results = null_run
    assert all(r.status == "ok" for r in results.values()), {
        n: r.message for n, r in results.items() if r.status != "ok"}
    causes = con.execute("select * from insights.root_causes").df()
    assert len(causes) > 50            # many candidates were tested...
    flagged = causes[causes["significant"]]
    assert flagged.empty, flagged[["cause_id", "scope", "p_value", "q_value"]]
