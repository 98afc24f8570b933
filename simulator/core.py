"""``simulate_dataset``: the whole simulation, from a seed to a dataset directory."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from relance.contract import TABLES
from simulator import timeline as cal
from simulator import truth as truth_mod
from simulator.effects import Effects
from simulator.episodes import build_and_run
from simulator.portfolio import build_portfolio
from simulator.rand import HashUniform
from simulator.schema import conform
from simulator.tables import (
    Assembler,
    customers_table,
    fx_rates_table,
    installments_table,
    merchants_table,
    plans_table,
)
from simulator.voice import calls as calls_table
from simulator.voice import feedback as feedback_table

FORMATS = ("parquet", "csv")
Progress = Callable[[str, int], None]  # (step description, units advanced)


def simulate_dataset(out: Path, customers: int, seed: int, calls: int = 0,
                     fmt: str = "parquet", null: bool = False,
                     progress: Progress | None = None,
                     call_languages: tuple[str, ...] = ("en",)) -> Path:
    """Simulate ``customers`` customers into ``out`` (every contract table, calls/, _truth*).

    Deterministic for (customers, seed, calls, null); ``null`` turns every planted effect off.
    Recorded calls are with customers speaking ``call_languages`` ('en', 'fr').
    Returns ``out``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    if customers < 1:
        raise ValueError("customers must be at least 1")
    out = Path(out)
    _prepare(out)
    tick = progress or (lambda _step, _n: None)
    effects = Effects.null() if null else Effects()
    rng = np.random.default_rng(seed)
    hu = HashUniform(seed)

    tick("portfolio", 1)
    pf = build_portfolio(customers, rng, hu, effects)
    # Arrow columns are built and files written by a background thread while the main thread
    # simulates or assembles the next table (numpy and Arrow release the GIL): the second core's
    # share of the work.
    writer = ThreadPoolExecutor(max_workers=1)
    jobs: dict[str, Future] = {}

    def write(name: str, build: Callable[[], pa.Table], queue: bool = False) -> None:
        # Tables whose columns the main thread has just computed go one at a time, to bound
        # memory; builders over the portfolio's arrays can queue (they hold nothing new).
        if not queue:
            for job in jobs.values():
                job.result()
        jobs[name] = writer.submit(_build_and_write, out, name, build, fmt)

    # the portfolio's tables are written while the collections loop runs
    write("merchants", merchants_table(pf), queue=True)
    write("customers", customers_table(pf), queue=True)
    write("plans", plans_table(pf), queue=True)
    write("installments", installments_table(pf), queue=True)
    write("fx_rates", lambda: fx_rates_table(pf), queue=True)
    tick("collections", 1)
    res = build_and_run(pf, effects, hu)
    asm = Assembler(pf, res, effects, hu, rng)
    tick("tables", 1)
    write("payment_attempts", asm.payment_attempts())
    write("contacts", asm.contacts())
    write("arrangements", asm.arrangements())
    write("allocations", asm.allocations())
    write("escalations", asm.escalations())
    write("experiments", asm.experiments())
    fb, fb_cols = feedback_table(pf, res, np.random.default_rng(seed + 1), asm.contact_index)
    write("feedback", lambda: fb)
    tick("calls", 1)
    call_tab, call_truth = calls_table(out, calls, pf, res, np.random.default_rng(seed + 2),
                                       asm.contact_index, progress=lambda: tick("call", 1),
                                       languages=tuple(call_languages))
    write("calls", lambda: call_tab)
    counts = {name: job.result() for name, job in jobs.items()}
    writer.shutdown()

    tick("truth", 1)
    truth = {
        "schema_version": 1,
        "seed": seed,
        "customers": customers,
        "null": null,
        "window": {"start": str(cal.START_DATE), "end": str(cal.END_DATE)},
        "reporting_currency": "EUR",
        "format": fmt,
        "row_counts": counts,
        "payday_timing": truth_mod.payday_timing(pf, effects),
        "send_hour": truth_mod.send_hour(res, effects, asm.dunning_sent, asm.payments),
        "defect_merchants": truth_mod.merchants(pf, effects),
        "card_expired_wave": truth_mod.card_wave(pf, effects),
        "fatigue": truth_mod.fatigue(res, effects),
        "experiment": truth_mod.experiment(res, effects, hu),
        "teams": truth_mod.teams(res, effects, asm.allocation_truth),
        "reasons": truth_mod.reasons(res),
        "feedback": {
            "rows": int(fb.num_rows),
            "with_reason_code": int(fb.column("reason_code").drop_null().__len__()),
            "complaints": int(fb_cols["complaint"].sum()),
        },
    }
    (out / "_truth.json").write_text(json.dumps(truth, indent=2, sort_keys=False))
    tdir = out / "_truth"
    tdir.mkdir(exist_ok=True)
    pq.write_table(truth_mod.customers_truth(pf), tdir / "customers.parquet")
    pq.write_table(truth_mod.cases_truth(res, pf), tdir / "cases.parquet")
    pq.write_table(_calls_truth(call_truth), tdir / "calls.parquet")
    return out


def _calls_truth(rows: list[dict]) -> pa.Table:
    names = ("call_id", "contact_id", "customer_id", "reason", "language", "script")
    return pa.table({k: pa.array([r[k] for r in rows], type=pa.string()) for k in names})


def _prepare(out: Path) -> None:
    """Start from a clean dataset: stale tables, recordings or truth of a previous run go."""
    out.mkdir(parents=True, exist_ok=True)
    for name in TABLES:
        for ext in FORMATS:
            (out / f"{name}.{ext}").unlink(missing_ok=True)
    for sub in ("calls", "_truth"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    (out / "_truth.json").unlink(missing_ok=True)


def _build_and_write(out: Path, name: str, build: Callable[[], pa.Table | Iterator[pa.Table]],
                     fmt: str) -> int:
    """Build a table (whole or block by block) and write it; returns its row count."""
    built = build()
    blocks = [built] if isinstance(built, pa.Table) else built
    rows = 0
    writer = None
    try:
        for block in blocks:
            table = conform(name, block)
            rows += table.num_rows
            if fmt == "csv":
                table = _csv_ready(table)
                if writer is None:
                    writer = pacsv.CSVWriter(out / f"{name}.csv", table.schema)
            elif writer is None:
                # unique keys gain nothing from a dictionary; everything else does; no Arrow
                # schema in the file, so readers see plain strings, not our dictionary encoding
                unique = set(TABLES[name].primary_key) if len(TABLES[name].primary_key) == 1 \
                    else set()
                writer = pq.ParquetWriter(
                    out / f"{name}.{fmt}", table.schema, compression="zstd", compression_level=1,
                    use_dictionary=[c for c in table.column_names if c not in unique],
                    store_schema=False)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    return rows


def _csv_ready(table: pa.Table) -> pa.Table:
    """Plain strings, and timestamps as ISO-8601 UTC with a Z."""
    cols = []
    for field in table.schema:
        col = table.column(field.name)
        if pa.types.is_dictionary(field.type):
            col = col.cast(field.type.value_type)
        if pa.types.is_timestamp(field.type):
            col = pc.strftime(col.cast(pa.timestamp("s", tz="UTC")),
                              format="%Y-%m-%dT%H:%M:%SZ")
        cols.append(col)
    return pa.table(cols, names=table.column_names)
