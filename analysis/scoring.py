"""Scoring and action: propensity to pay, capacity/willingness segments, next-best action, and
allocation performance by team type.

The propensity model only uses what is known when a case opens (amount, plan, payment method,
country, merchant, the failure that opened it, the customer's earlier cases), and is validated on
cases opened *after* the training window, as it would be used.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import statsmodels.api as sm
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import brier_score_loss, roc_auc_score

from analysis.db import Filters, MissingInput, columns, find_table, require, where
from analysis.stats import Z95, design, ratio_ci, two_proportion_test, wilson

TRAIN_SAMPLE = 50_000
VALIDATION_SHARE = 0.25        # the latest quarter of eligible cases (by opening date) validates
CATEGORICAL = ["plan_type", "payment_method", "country", "merchant_id", "opening_failure"]
NUMERIC = ["log_amount", "installments_overdue", "earlier_cases", "sequence"]
MIN_NBA_CONTACTS = 100


def _cases(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    table = require(con, "fct_collection_cases",
                    ["case_id", "customer_id", "merchant_id", "country", "plan_type",
                     "payment_method", "opened_date", "age_days", "overdue_amount",
                     "recovered_amount", "cured_within_30d", "outcome", "arrangements"])
    installments = require(con, "fct_installments", ["case_id", "due_date", "sequence",
                                                     "first_attempt_failure_reason"])
    clause, params = where(filters, columns(con, "fct_collection_cases"), "opened_date", "c")
    return con.execute(
        f"""
        with opening as (
            select case_id, count(*) as installments_overdue,
                   arg_min(coalesce(first_attempt_failure_reason, 'none'), due_date)
                       as opening_failure,
                   min(sequence) as sequence,
                   max(case when first_attempt_failure_reason = 'insufficient_funds'
                            then 1 else 0 end) as insufficient_funds
            from {installments} where case_id is not null group by case_id
        )
        select c.case_id, c.customer_id, c.merchant_id, c.country, c.plan_type,
               c.payment_method, c.opened_date, c.age_days, c.overdue_amount,
               c.recovered_amount, c.cured_within_30d, c.outcome, c.arrangements,
               o.installments_overdue, o.opening_failure, o.sequence, o.insufficient_funds,
               count(*) over (partition by c.customer_id order by c.opened_date, c.case_id
                              rows between unbounded preceding and 1 preceding) as earlier_cases
        from {table} c left join opening o using (case_id) {clause}
        order by c.case_id
        """,
        params,
    ).df()


def _features(cases: pd.DataFrame, categories: dict[str, pd.Index]) -> pd.DataFrame:
    """Model inputs. A categorical is passed as its position in the sorted ``categories`` (the
    order the model's encoder would sort the text in), so encoding is a number lookup, not a
    string lookup per row; a value outside ``categories`` is missing."""
    x = pd.DataFrame({
        "log_amount": np.log1p(cases["overdue_amount"].astype(float)),
        "installments_overdue": cases["installments_overdue"].fillna(1).astype(float),
        "earlier_cases": cases["earlier_cases"].fillna(0).astype(float),
        "sequence": cases["sequence"].fillna(1).astype(float),
    })
    for column, cats in categories.items():
        codes = pd.Categorical(cases[column].fillna("(missing)"), categories=cats).codes
        x[column] = pd.Categorical.from_codes(codes, categories=np.arange(len(cats)))
    return x[[*NUMERIC, *CATEGORICAL]]


def propensity(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, pd.DataFrame]:
    """Calibrated gradient boosting of 30-day cure, trained early, validated on a later window."""
    cases = _cases(con, filters)
    eligible = cases[cases["age_days"] >= 30].sort_values("opened_date")
    if len(eligible) < 500 or eligible["cured_within_30d"].nunique() < 2:
        raise MissingInput(f"only {len(eligible)} cases old enough to score")
    cut = eligible["opened_date"].iloc[int(len(eligible) * (1 - VALIDATION_SHARE))]
    train = eligible[eligible["opened_date"] < cut]
    valid = eligible[eligible["opened_date"] >= cut]
    if len(train) > TRAIN_SAMPLE:
        train = train.groupby("cured_within_30d", group_keys=False).sample(
            frac=TRAIN_SAMPLE / len(train), random_state=0)
    categories = {c: pd.Categorical(cases[c].fillna("(missing)")).categories for c in CATEGORICAL}
    model = CalibratedClassifierCV(
        HistGradientBoostingClassifier(max_iter=60, learning_rate=0.15, max_leaf_nodes=15,
                                       categorical_features="from_dtype", random_state=0),
        method="isotonic", cv=3)
    y_train = train["cured_within_30d"].astype(int).to_numpy()
    y_valid = valid["cured_within_30d"].astype(int).to_numpy()
    model.fit(_features(train, categories), y_train)
    # Every case is scored once; the training and validation cases are rows of that score.
    score = model.predict_proba(_features(cases, categories))[:, 1]
    p_train = score[cases.index.get_indexer(train.index)]
    p_valid = score[cases.index.get_indexer(valid.index)]
    clipped = np.clip(p_valid, 1e-4, 1 - 1e-4)
    slope_fit = sm.GLM(y_valid, sm.add_constant(np.log(clipped / (1 - clipped))),
                       family=sm.families.Binomial()).fit()
    metrics = pd.DataFrame([
        ("auc_train", roc_auc_score(y_train, p_train), "cases opened before the cut"),
        ("auc_validation", roc_auc_score(y_valid, p_valid), "cases opened on or after the cut"),
        ("brier_train", brier_score_loss(y_train, p_train), ""),
        ("brier_validation", brier_score_loss(y_valid, p_valid), ""),
        ("calibration_slope_validation", float(slope_fit.params[1]), "1 = perfectly calibrated"),
        ("base_rate_validation", float(y_valid.mean()), "share cured within 30 days"),
        ("cases_train", float(len(train)), ""),
        ("cases_validation", float(len(valid)), ""),
    ], columns=["metric", "value", "detail"])
    metrics["cut_date"] = pd.Timestamp(cut).date()
    # Deciles of rank (ties split arbitrarily) so a score with few distinct values still bins.
    bins = pd.qcut(pd.Series(p_valid).rank(method="first"), 10, labels=False)
    calibration = (pd.DataFrame({"bin": bins, "p": p_valid, "y": y_valid}).groupby("bin")
                   .agg(predicted_mean=("p", "mean"), observed_rate=("y", "mean"), n=("y", "size"))
                   .reset_index())
    calibration["ci_low"], calibration["ci_high"] = wilson(
        calibration["observed_rate"] * calibration["n"], calibration["n"])
    calibration.insert(0, "window", "validation")
    cases["score"] = score
    return {"propensity_model": metrics, "propensity_calibration": calibration,
            "_scored_cases": cases}


def _engagement(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    contacts = find_table(con, "fct_contacts")
    if contacts is None:
        return pd.DataFrame(columns=["case_id", "engaged"])
    return con.execute(
        f"""select case_id, max(case when is_opened or is_clicked or is_replied
                                      or promise_within_n_days then 1 else 0 end) as engaged
            from {contacts} where case_id is not null group by case_id""").df()


def segments(con: duckdb.DuckDBPyConnection, scored: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Capacity x willingness segments of cases, and the next-best action per segment."""
    cases = scored.merge(_engagement(con), on="case_id", how="left")
    median_amount = cases["overdue_amount"].median()
    capacity_high = (cases["insufficient_funds"].fillna(0) == 0) & (
        cases["overdue_amount"] <= median_amount)
    willing = (cases["engaged"].fillna(0) > 0) | (cases["arrangements"].fillna(0) > 0)
    cases["capacity"] = np.where(capacity_high, "high", "low")
    cases["willingness"] = np.where(willing, "high", "low")
    cases["segment"] = cases["capacity"] + "_capacity_" + cases["willingness"] + "_willingness"
    observed = cases["age_days"] >= 30
    summary = cases.groupby(["segment", "capacity", "willingness"]).agg(
        cases=("case_id", "size"), overdue_amount=("overdue_amount", "sum"),
        recovered_amount=("recovered_amount", "sum"), mean_score=("score", "mean")).reset_index()
    cure = cases[observed].groupby("segment")["cured_within_30d"].mean()
    summary["cure_rate"] = summary["segment"].map(cure)
    summary["recovery_rate"] = summary["recovered_amount"] / summary["overdue_amount"]
    recent = cases[(cases["outcome"] == "open") | (cases["age_days"] <= 90)]
    scores = recent[["case_id", "customer_id", "merchant_id", "score", "capacity", "willingness",
                     "segment"]].reset_index(drop=True)
    return {"segments": summary, "customer_scores": scores,
            "next_best_action": _next_best_action(con, cases)}


ACTIONS = {
    ("high", "high"): "self-service payment link",
    ("high", "low"): "agent call",
    ("low", "high"): "offer a payment plan",
    ("low", "low"): "allocate to agency",
}


def _next_best_action(con: duckdb.DuckDBPyConnection, cases: pd.DataFrame) -> pd.DataFrame:
    """Per segment: the channel and hour with the best observed paid-within-N rate.

    Contacts are counted per segment, channel and hour in DuckDB; only those counts reach
    pandas (the contacts themselves never do).
    """
    table = require(con, "fct_contacts", ["case_id", "channel", "local_send_hour",
                                          "paid_within_n_days", "direction"])
    con.register("_nba_cases", cases[["case_id", "segment", "capacity", "willingness"]])
    try:
        counts = con.execute(
            f"""select s.segment, s.capacity, s.willingness, c.channel, c.local_send_hour,
                       count(*) as size, sum(cast(c.paid_within_n_days as integer)) as paid,
                       count(c.paid_within_n_days) as known
                from {table} c join _nba_cases s on s.case_id = c.case_id
                where c.case_id is not null and c.direction = 'outbound'
                group by all""").df()
    finally:
        con.unregister("_nba_cases")
    counts["paid"] = counts["paid"].fillna(0).astype(float)
    rows = []
    for (segment, capacity, willingness), group in counts.groupby(
            ["segment", "capacity", "willingness"]):
        by_channel = group.groupby("channel")[["size", "paid"]].sum().rename(
            columns={"paid": "sum"})
        by_channel = by_channel[by_channel["size"] >= MIN_NBA_CONTACTS]
        if by_channel.empty:
            continue
        rates = by_channel["sum"] / by_channel["size"]
        channel = rates.idxmax()
        low, high = wilson([by_channel.loc[channel, "sum"]], [by_channel.loc[channel, "size"]])
        by_hour = group[group["channel"] == channel].groupby("local_send_hour")[
            ["size", "paid", "known"]].sum()
        by_hour = by_hour[by_hour["size"] >= 30]
        mean = by_hour["paid"] / by_hour["known"].where(by_hour["known"] > 0)
        hour = int(mean.idxmax()) if mean.notna().any() else None
        runner_up = rates.drop(channel).max() if len(rates) > 1 else np.nan
        rows.append({
            "segment": segment, "action": ACTIONS[(capacity, willingness)], "channel": channel,
            "send_hour": hour, "expected_rate": float(rates[channel]), "ci_low": float(low[0]),
            "ci_high": float(high[0]), "contacts": int(by_channel.loc[channel, "size"]),
            "evidence": (f"{channel} converted {rates[channel]:.1%} of "
                         f"{int(by_channel.loc[channel, 'size']):,} "
                         f"contacts to payment within the attribution window (95% CI "
                         f"{low[0]:.1%}-{high[0]:.1%}); next best channel {runner_up:.1%}."),
        })
    return pd.DataFrame(rows)


def allocation_performance(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Recovery per case and cost per unit recovered by team type, with an adjusted lift."""
    table = require(con, "fct_collection_cases",
                    ["team_type", "overdue_amount", "recovered_amount", "collection_cost",
                     "plan_type", "country", "opened_date"])
    clause, params = where(filters, columns(con, "fct_collection_cases"), "opened_date")
    cases = con.execute(
        f"""select team_type, overdue_amount, recovered_amount, collection_cost, plan_type,
                   country from {table} {clause}""", params).df()
    cases = cases[cases["overdue_amount"] > 0]
    if cases["team_type"].nunique() < 2:
        raise MissingInput("fewer than two team types")
    rows = []
    for team, group in cases.groupby("team_type"):
        rate, low, high = ratio_ci(group["recovered_amount"], group["overdue_amount"])
        mean = group["recovered_amount"].mean()
        se = group["recovered_amount"].std(ddof=1) / np.sqrt(len(group))
        recovered = group["recovered_amount"].sum()
        rows.append({
            "team_type": team, "cases": len(group),
            "overdue_amount": group["overdue_amount"].sum(), "recovered_amount": recovered,
            "recovery_rate": rate, "rr_ci_low": low, "rr_ci_high": high,
            "recovery_per_case": mean, "rpc_ci_low": mean - Z95 * se,
            "rpc_ci_high": mean + Z95 * se,
            "cost": group["collection_cost"].sum(),
            "cost_per_unit_recovered": group["collection_cost"].sum() / recovered
            if recovered > 0 else np.nan,
        })
    out = pd.DataFrame(rows)
    reference = "in_house" if "in_house" in set(cases["team_type"]) else \
        cases["team_type"].value_counts().index[0]
    cases = cases.assign(share=cases["recovered_amount"] / cases["overdue_amount"],
                         log_amount=np.log(cases["overdue_amount"]))
    order = [reference, *sorted(set(cases["team_type"]) - {reference})]
    x = design(cases.assign(team_type=pd.Categorical(cases["team_type"], categories=order)),
               ["team_type", "plan_type", "country"], ["log_amount"])
    fit = sm.WLS(cases["share"].to_numpy(float), x, weights=cases["overdue_amount"]).fit(
        cov_type="HC1")
    out["reference"] = reference
    for column in ("lift_vs_reference", "lift_ci_low", "lift_ci_high", "p_value"):
        out[column] = np.nan
    for i, team in out["team_type"].items():
        term = f"team_type_{team}"
        if term in fit.params:
            beta, se = fit.params[term], fit.bse[term]
            out.loc[i, ["lift_vs_reference", "lift_ci_low", "lift_ci_high", "p_value"]] = [
                beta, beta - Z95 * se, beta + Z95 * se, fit.pvalues[term]]
    return out


STAGE_EDGES = [0, 30, 90, 100_000]
STAGE_LABELS = ["dpd_0_29", "dpd_30_89", "dpd_90_plus"]
FOLLOW_UP_DAYS = 90


def allocation_comparison(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Team types compared on comparable cases: cure within 90 days of the assignment, by stage.

    Each allocation is placed in the stage (days since its case opened) at which it was made;
    within a stage every team type is compared to that stage's most used one, so a team that
    only receives old debts is never compared with one that receives fresh ones. Allocations
    whose 90-day follow-up is not over at the as-of date are left out.
    """
    allocations = require(con, "stg_allocations", ["plan_id", "team_type", "assigned_at"])
    cases = require(con, "fct_collection_cases", ["plan_id", "opened_date", "closed_date",
                                                  "outcome", "merchant_id", "overdue_amount"])
    clause, params = where(filters, columns(con, "fct_collection_cases"), "opened_date", "c")
    info = con.execute(
        f"""
        select a.team_type,
               datediff('day', c.opened_date, cast(a.assigned_at as date)) as days_open,
               case when c.outcome = 'cured' and c.closed_date
                         <= cast(a.assigned_at as date) + {FOLLOW_UP_DAYS} then 1 else 0 end
                   as cured_90d
        from {allocations} a
        join {cases} c on c.plan_id = a.plan_id
         and cast(a.assigned_at as date) >= c.opened_date
         and (c.closed_date is null or cast(a.assigned_at as date) <= c.closed_date)
        {clause + ' and' if clause else 'where'}
            cast(a.assigned_at as date) + {FOLLOW_UP_DAYS}
                <= (select max(as_of_date) from {require(con, 'mart_build_info')})
        """, params).df()
    if info.empty:
        raise MissingInput("no allocation with a complete 90-day follow-up")
    info["stage"] = pd.cut(info["days_open"], STAGE_EDGES, right=False, labels=STAGE_LABELS)
    rows = []
    for stage, group in info.groupby("stage", observed=True):
        counts = group.groupby("team_type")["cured_90d"].agg(["size", "sum"])
        counts = counts[counts["size"] >= 30]
        if len(counts) < 2:
            continue
        reference = counts["size"].idxmax()
        k0, n0 = counts.loc[reference, "sum"], counts.loc[reference, "size"]
        for team, (n1, k1) in counts[["size", "sum"]].iterrows():
            low, high = wilson([k1], [n1])
            diff, d_low, d_high, p = (two_proportion_test(k1, n1, k0, n0) if team != reference
                                      else (np.nan,) * 4)
            rows.append({"stage": str(stage), "team_type": team, "reference": reference,
                         "allocations": int(n1), "cured_90d": int(k1), "cure_rate_90d": k1 / n1,
                         "ci_low": float(low[0]), "ci_high": float(high[0]),
                         "diff_vs_reference": diff, "diff_ci_low": d_low,
                         "diff_ci_high": d_high, "p_value": p})
    if not rows:
        raise MissingInput("no stage has two team types with enough allocations")
    return pd.DataFrame(rows)
