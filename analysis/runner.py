"""Run every analysis over a warehouse and persist the results atomically in ``insights``.

An analysis whose input is missing is skipped (and says why); one that fails is logged with its
error; the others still run. All tables are replaced in one transaction at the end, so a reader
sees the previous run or this one, never a mix.
"""

from __future__ import annotations

import platform
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path

import duckdb
import pandas as pd
from threadpoolctl import threadpool_limits

from analysis import channels, debit_timing, experiments, merchants, recovery, scoring
from analysis.db import NO_FILTERS, Filters, MissingInput, as_of_date, find_table
from analysis.recovery import months_between
from analysis.root_causes import rank_root_causes

SCHEMA = "insights"
DUCKDB_THREADS = 2
MODEL_THREADS = 1   # numpy/scipy BLAS and scikit-learn OpenMP threads while analyses run
Step = Callable[["Context"], dict[str, pd.DataFrame]]


@dataclass
class Context:
    con: duckdb.DuckDBPyConnection
    filters: Filters
    as_of: date
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    scratch: dict[str, object] = field(default_factory=dict)


@dataclass
class AnalysisResult:
    analysis: str
    status: str          # ok | skipped | failed
    rows: int
    seconds: float
    message: str = ""


@dataclass
class RunSummary:
    run_id: str
    as_of_date: date
    seconds: float
    results: list[AnalysisResult]
    tables: dict[str, int]
    root_causes: pd.DataFrame

    @property
    def failed(self) -> list[AnalysisResult]:
        return [r for r in self.results if r.status == "failed"]


def _propensity(ctx: Context) -> dict[str, pd.DataFrame]:
    out = scoring.propensity(ctx.con, ctx.filters)
    ctx.scratch["scored_cases"] = out.pop("_scored_cases")
    return out


def _segments(ctx: Context) -> dict[str, pd.DataFrame]:
    if "scored_cases" not in ctx.scratch:
        raise MissingInput("the propensity model did not run")
    return scoring.segments(ctx.con, ctx.scratch["scored_cases"])


def _root_causes(ctx: Context) -> dict[str, pd.DataFrame]:
    ranked = rank_root_causes(ctx.tables, _money_context(ctx))
    _write_back_significance(ctx.tables, ranked)
    return {"root_causes": ranked}


TEST_IDS: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "best_send_hour": lambda t: "send_hour:" + t["channel"],
    "fatigue_effect": lambda t: pd.Series("contact_fatigue", index=t.index),
    "debit_timing_effect": lambda t: pd.Series("debit_timing", index=t.index),
    "experiments": lambda t: "experiment:" + t["experiment_id"] + ":" + t["arm"],
    "allocation_comparison": lambda t: "team_type:" + t["team_type"] + ":" + t["stage"],
    "merchant_anomalies": lambda t: "merchant_" + t["metric"] + ":" + t["merchant_id"],
    "failure_waves": lambda t: ("failure_wave:" + t["payment_method"] + ":" + t["failure_reason"]
                                + ":" + pd.to_datetime(t["month"]).dt.strftime("%Y-%m")),
}


def _write_back_significance(tables: dict[str, pd.DataFrame], ranked: pd.DataFrame) -> None:
    """Give each analysis table the family-wide ``q_value`` and ``significant`` of its tests.

    A consumer reading one table then uses the same false-discovery control as the ranking
    (a row whose test is not a root-cause candidate, e.g. a reference arm, gets no q-value).
    """
    q_by_test = ranked.drop_duplicates("test_id").set_index("test_id")["q_value"]
    for name, test_id in TEST_IDS.items():
        table = tables.get(name)
        if table is None or table.empty:
            continue
        q = test_id(table).map(q_by_test)
        tables[name] = table.assign(q_value=q.astype(float), significant=(q < 0.05).fillna(False))


def _money_context(ctx: Context) -> dict[str, object]:
    """Monthly volumes that turn effect sizes into money per month."""
    con, out = ctx.con, {}
    contacts = find_table(con, "fct_contacts")
    if contacts is not None:
        span = con.execute(f"select min(sent_date), max(sent_date) from {contacts}").fetchone()
        months = months_between(span[0], span[1]) if span[0] else 1.0
        out["months"] = months
        volume = con.execute(
            f"select channel, count(*) from {contacts} where direction = 'outbound' group by 1"
        ).fetchall()
        out["contacts_month"] = {channel: n / months for channel, n in volume}
        value = con.execute(
            f"select avg(paid_amount_within_n_days) from {contacts} where paid_within_n_days"
        ).fetchone()[0]
        out["paid_amount_per_payment"] = float(value or 0.0)
    cases = find_table(con, "fct_collection_cases")
    if cases is not None:
        span = con.execute(f"select min(opened_date), max(opened_date) from {cases}").fetchone()
        months = months_between(span[0], span[1]) if span[0] else 1.0
        out["experiment_overdue_month"] = {
            k: v / months for k, v in con.execute(
                f"select experiment_id, sum(overdue_amount) from {cases} "
                "where experiment_id is not null group by 1").fetchall()}
        out["team_overdue_month"] = {
            k: v / months for k, v in con.execute(
                f"select team_type, sum(overdue_amount) from {cases} group by 1").fetchall()}
    return out


STEPS: list[tuple[str, Step]] = [
    ("cohort recovery", lambda c: {"cohort_recovery": recovery.cohort_recovery(c.con, c.filters)}),
    ("time to cure", lambda c: recovery.survival(c.con, c.filters, c.as_of)),
    ("funnel conversion",
     lambda c: {"funnel_conversion": channels.funnel_conversion(c.con, c.filters)}),
    ("send hour", lambda c: channels.send_hour(c.con, c.filters)),
    ("contact fatigue", lambda c: channels.contact_fatigue(c.con, c.filters)),
    ("debit timing", lambda c: debit_timing.debit_timing(c.con, c.filters, c.as_of)),
    ("merchant anomalies",
     lambda c: {"merchant_anomalies": merchants.merchant_anomalies(c.con, c.filters)}),
    ("failure waves", lambda c: {"failure_waves": merchants.failure_waves(c.con, c.filters)}),
    ("reason mix", lambda c: {"reason_mix": merchants.reason_mix(c.con, c.filters)}),
    ("experiments", lambda c: {"experiments": experiments.experiments(c.con, c.filters)}),
    ("propensity model", _propensity),
    ("segments and next-best action", _segments),
    ("allocation",
     lambda c: {"allocation_performance": scoring.allocation_performance(c.con, c.filters)}),
    ("team comparison",
     lambda c: {"allocation_comparison": scoring.allocation_comparison(c.con, c.filters)}),
    ("root causes", _root_causes),
]


def _connect(warehouse: Path, attempts: int = 20) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for writing, waiting briefly if a reader holds the file lock."""
    for attempt in range(attempts):
        try:
            return duckdb.connect(str(warehouse))
        except duckdb.IOException:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)
    raise AssertionError("unreachable")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def run_all(
    warehouse: Path,
    filters: Filters = NO_FILTERS,
    on_step: Callable[[str], None] | None = None,
) -> RunSummary:
    """Run every analysis on ``warehouse`` and replace the ``insights`` schema with the results.

    ``on_step(name)`` is called after each analysis (a progress bar advances on it).
    """
    warehouse = Path(warehouse)
    if not warehouse.exists():
        raise FileNotFoundError(f"no warehouse at {warehouse}: run `relance build` first")
    started = time.perf_counter()
    run_id = str(uuid.uuid4())
    con = _connect(warehouse)
    try:
        con.execute(f"set threads to {DUCKDB_THREADS}")
        ctx = Context(con=con, filters=filters, as_of=as_of_date(con))
        results = []
        # One BLAS / OpenMP thread for the models: their matrices are small (samples of at most
        # a few hundred thousand rows, tens of columns), and spinning worker threads lose far
        # more than they gain when DuckDB or another process holds the other core.
        with threadpool_limits(limits=MODEL_THREADS):
            for name, step in STEPS:
                t0 = time.perf_counter()
                try:
                    produced = step(ctx)
                    ctx.tables.update({k: v for k, v in produced.items() if v is not None})
                    rows = sum(len(v) for v in produced.values() if v is not None)
                    results.append(AnalysisResult(name, "ok", rows, time.perf_counter() - t0))
                except MissingInput as missing:
                    results.append(AnalysisResult(name, "skipped", 0, time.perf_counter() - t0,
                                                  str(missing)))
                except Exception as error:  # one failing analysis must not lose the others
                    message = f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=3)}"
                    results.append(AnalysisResult(name, "failed", 0, time.perf_counter() - t0,
                                                  message))
                if on_step is not None:
                    on_step(name)
        seconds = time.perf_counter() - started
        metadata_row = pd.DataFrame([{
            "run_id": run_id, "run_at": datetime.now(UTC).replace(tzinfo=None),
            "as_of_date": ctx.as_of, "relance_version": _version("relance"),
            "python_version": platform.python_version(), "duckdb_version": duckdb.__version__,
            "statsmodels_version": _version("statsmodels"),
            "sklearn_version": _version("scikit-learn"), "warehouse_path": str(warehouse),
            "filters": repr(filters) if filters != NO_FILTERS else "",
            "seconds": seconds,
            "analyses_ok": sum(r.status == "ok" for r in results),
            "analyses_failed": sum(r.status == "failed" for r in results),
        }])
        log = pd.DataFrame([{"run_id": run_id, **r.__dict__} for r in results])
        tables = {**ctx.tables, "run_metadata": metadata_row, "analysis_log": log}
        persist(con, tables)
    finally:
        con.close()
    return RunSummary(run_id=run_id, as_of_date=ctx.as_of, seconds=seconds, results=results,
                      tables={k: len(v) for k, v in tables.items()},
                      root_causes=ctx.tables.get("root_causes", pd.DataFrame()))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as strings even when every value is null (else DuckDB guesses a number type
    and a consumer's ``merchant_id = 'M001'`` fails)."""
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object and values.map(lambda v: v is None or isinstance(v, str)).all():
            frame[column] = values.astype("string")
    return frame


def persist(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]) -> None:
    """Replace the whole ``insights`` schema with ``tables`` in one transaction."""
    con.execute("begin transaction")
    try:
        con.execute(f"create schema if not exists {SCHEMA}")
        existing = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ?",
            [SCHEMA]).fetchall()}
        for stale in existing - set(tables):
            con.execute(f'drop table {SCHEMA}."{stale}"')
        for name, frame in tables.items():
            con.register("_insight_frame", _typed(frame))
            con.execute(f'create or replace table {SCHEMA}."{name}" as '
                        "select * from _insight_frame")
            con.unregister("_insight_frame")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
