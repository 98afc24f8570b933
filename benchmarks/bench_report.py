"""Benchmark: merchant reports on the 1,000,000-customer warehouse (goal <= 2 s per merchant).

Uses ``data/bench/warehouse_1m.duckdb`` (made by the warehouse and analysis benchmarks). If it is
missing but the raw 1M dataset ``data/bench/raw_1m`` exists, it is built and analysed first;
otherwise the benchmark says so and skips. Reports are written for the largest merchants (the
slowest case), HTML alone and then HTML + PDF with one Chromium for the run, and the per-merchant
figures are printed as ``name: value unit`` lines.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# RELANCE_BENCH_REPORT_WAREHOUSE measures another warehouse (e.g. a 100k one while the 1M one
# is being built); the figures then say how many customers they were measured on.
WAREHOUSE = Path(
    os.environ.get("RELANCE_BENCH_REPORT_WAREHOUSE") or ROOT / "data/bench/warehouse_1m.duckdb"
)
RAW = ROOT / "data/bench/raw_1m"
MERCHANTS = 20  # the largest ones; a run over every merchant amortises Chromium's start more


def _ensure_warehouse() -> bool:
    if WAREHOUSE.exists():
        return True
    if not RAW.exists():
        print(
            f"report: skipped: no {WAREHOUSE} and no raw dataset at "
            f"{RAW.relative_to(ROOT)}; run the simulator/warehouse benchmarks first "
            "(`python benchmarks/run.py simulator warehouse analysis`)."
        )
        return False
    from analysis import run_all
    from warehouse import build_warehouse

    print(f"report: building {WAREHOUSE} from {RAW.relative_to(ROOT)}")
    build_warehouse(data=RAW, warehouse=WAREHOUSE)
    run_all(WAREHOUSE)
    return True


def _largest_merchants(n: int) -> list[str]:
    with duckdb.connect(str(WAREHOUSE), read_only=True) as con:
        rows = con.execute(
            "select merchant_id from dim_merchants order by plans desc, merchant_id limit ?", [n]
        ).fetchall()
    return [r[0] for r in rows]


def main() -> int:
    if not _ensure_warehouse():
        return 0
    try:
        duckdb.connect(str(WAREHOUSE), read_only=True).close()
    except duckdb.IOException as locked:
        print(f"report: skipped: {WAREHOUSE} is being written by another process ({locked})")
        return 0
    from reports import write_reports
    from reports.content import ReportReader
    from reports.writer import open_warehouse

    ids = _largest_merchants(MERCHANTS)
    with duckdb.connect(str(WAREHOUSE), read_only=True) as con:
        customers = con.execute("select count(*) from dim_customers").fetchone()[0]
    print(f"report.customers: {customers}")
    print(f"report.merchants_timed: {len(ids)}")

    con = open_warehouse(WAREHOUSE)
    try:
        reader = ReportReader(con)
        start = time.perf_counter()
        for merchant_id in ids:
            reader.report(merchant_id)
        queries = (time.perf_counter() - start) / len(ids)
    finally:
        con.close()
    print(f"report.seconds_per_merchant_queries: {queries:.3f} s")

    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        write_reports(WAREHOUSE, ids, "html", Path(out))
        html = (time.perf_counter() - start) / len(ids)
    print(f"report.seconds_per_merchant_html: {html:.3f} s")

    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        write_reports(WAREHOUSE, ids, "html,pdf", Path(out))
        pdf = (time.perf_counter() - start) / len(ids)
    print(f"report.seconds_per_merchant_pdf: {pdf:.3f} s (HTML + PDF, Chromium start shared)")
    from reports.pdf import PdfPrinter

    start = time.perf_counter()
    with PdfPrinter():
        pass
    print(f"report.chromium_start_seconds: {time.perf_counter() - start:.3f} s (once per run)")
    goal = 2.0
    print(f"report.goal_met: {'yes' if max(html, pdf) <= goal else 'no'} (goal <= {goal} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
