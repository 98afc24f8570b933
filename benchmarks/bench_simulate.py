"""Benchmark: simulate 1,000,000 customers (all tables, Parquet, no calls).

Writes data/bench/raw_1m, which the warehouse benchmark reuses. benchmarks/run.py adds wall time
and peak memory; the goal is <= 60 s and <= 4 GiB on two cores.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator import simulate_dataset  # noqa: E402

CUSTOMERS = 1_000_000
OUT = ROOT / "data" / "bench" / "raw_1m"


def main() -> None:
    start = time.perf_counter()
    simulate_dataset(OUT, customers=CUSTOMERS, seed=7, calls=0, fmt="parquet")
    seconds = time.perf_counter() - start
    counts = json.loads((OUT / "_truth.json").read_text())["row_counts"]
    print(f"simulate.customers: {CUSTOMERS}")
    print(f"simulate.installments: {counts['installments']}")
    print(f"simulate.rows_all_tables: {sum(counts.values())}")
    print(f"simulate.seconds: {seconds:.1f} s")


if __name__ == "__main__":
    main()
