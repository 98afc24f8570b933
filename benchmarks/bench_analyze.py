"""Benchmark: `relance analyze` on the 1,000,000-customer warehouse (goal <= 120 s on 2 cores).

Uses data/bench/warehouse_1m.duckdb, building it with the warehouse's Python API from
data/bench/raw_1m (written by the simulator's benchmark; simulated here if missing).
Prints `analyze.seconds` and the number of insight tables written.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "bench" / "raw_1m"
WAREHOUSE = ROOT / "data" / "bench" / "warehouse_1m.duckdb"
CUSTOMERS = 1_000_000


def ensure_warehouse() -> None:
    if WAREHOUSE.exists():
        return
    if not (RAW / "_truth.json").exists():
        from simulator import simulate_dataset

        print(f"simulating {CUSTOMERS:,} customers into {RAW}", flush=True)
        simulate_dataset(out=RAW, customers=CUSTOMERS, seed=7, calls=0)
    from warehouse import build_warehouse

    print(f"building {WAREHOUSE}", flush=True)
    build_warehouse(data=RAW, warehouse=WAREHOUSE)


def main() -> int:
    ensure_warehouse()
    relance = Path(sys.executable).with_name("relance")
    start = time.perf_counter()
    done = subprocess.run([str(relance), "analyze", "--warehouse", str(WAREHOUSE)], cwd=ROOT)
    seconds = time.perf_counter() - start
    print(f"analyze.seconds: {seconds:.1f} s")
    import duckdb

    con = duckdb.connect(str(WAREHOUSE), read_only=True)
    tables = con.execute("select count(*) from information_schema.tables "
                         "where table_schema = 'insights'").fetchone()[0]
    print(f"analyze.insight_tables: {tables} tables")
    con.close()
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
