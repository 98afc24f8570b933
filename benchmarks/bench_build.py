"""Benchmark `relance build` at 1,000,000 customers, and dbt's overhead over plain DuckDB.

1. The dataset: data/bench/raw_1m (written by bench_simulate.py) or simulated here.
2. The build, in a child process so its own peak memory is measured (goal: <= 90 s, <= 6 GiB).
3. The same compiled SQL (every model, seed and test dbt ran, in the order it finished them)
   replayed directly in DuckDB with the profile's settings, in another child process.
4. The write floor: every table of the built warehouse copied as is into a new DuckDB file with
   the same settings. It is the part of the build that no query rewrite can remove as long as the
   warehouse keeps those tables, and it shows how close the build's total CPU is to it.
Prints `build.seconds`, `build.peak_rss_mib`, `build.cpu_seconds` (on 2 cores the build cannot
take less than half of it), `build.raw_sql_seconds`, `build.dbt_overhead_ratio` (goal <= 1.3) and
`build.write_floor_*`. Usage: bench_build.py [--customers N] [--data DIR] [--warehouse FILE]
[--keep-artifacts DIR] [--no-raw-sql]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "data" / "bench"


def _child(args: list[str]) -> tuple[dict, float, float]:
    """Run this script in a child mode; return its JSON answer, peak RSS (MiB) and CPU seconds.

    CPU seconds (user + system) say how much work was done even when other jobs share the cores
    and stretch the wall-clock time.
    """
    child = subprocess.Popen([sys.executable, __file__, *args], cwd=ROOT, stdout=subprocess.PIPE)
    out = child.stdout.read() if child.stdout else b""
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"child {args[0]} failed")
    answer = json.loads(out.decode().strip().splitlines()[-1])
    return answer, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def _size_label(customers: int) -> str:
    """'1m' for the reference size, so the other benchmarks find this build's warehouse."""
    return "1m" if customers == 1_000_000 else str(customers)


def _dataset(customers: int) -> Path:
    data = BENCH / f"raw_{_size_label(customers)}"
    if not (data / "installments.parquet").exists():
        subprocess.run([sys.executable, "-c",
                        "from simulator import simulate_dataset; "
                        f"simulate_dataset(out={str(data)!r}, customers={customers}, seed=7)"],
                       cwd=ROOT, check=True)
    return data


def child_build(data: str, warehouse: str, artifacts: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from warehouse import build_warehouse

    started = time.perf_counter()
    summary = build_warehouse(data=Path(data), warehouse=Path(warehouse),
                              keep_artifacts=Path(artifacts))
    return {"seconds": time.perf_counter() - started, "dbt_seconds": summary.dbt_seconds,
            "raw_rows": summary.raw_rows}


def child_raw_sql(artifacts: str, database: str, built: str) -> dict:
    """Replay dbt's compiled SQL in DuckDB: tables, views and test queries.

    Seeds (a few rows each) are copied from the dbt-built warehouse ``built`` with their types.
    """
    import duckdb

    target = Path(artifacts)
    manifest = json.loads((target / "manifest.json").read_text())
    results = json.loads((target / "run_results.json").read_text())["results"]
    nodes = manifest["nodes"]
    catalog = next(n["database"] for n in nodes.values() if n["resource_type"] == "model")
    Path(database).unlink(missing_ok=True)
    con = duckdb.connect()
    memory = os.environ.get("RELANCE_DUCKDB_MEMORY_LIMIT", "5GB")
    con.execute(f"set TimeZone = 'UTC'; set memory_limit = '{memory}'; set threads = 2; "
                "set preserve_insertion_order = false")
    con.execute(f"attach '{built}' as dbt_built (read_only)")
    con.execute(f"attach '{database}' as \"{catalog}\"; use \"{catalog}\"")
    started = time.perf_counter()
    for result in results:
        node = nodes.get(result["unique_id"])
        if node is None:
            continue
        kind, name = node["resource_type"], node.get("alias") or node["name"]
        sql = result.get("compiled_code") or node.get("compiled_code")
        if kind == "seed":
            con.execute(f'create or replace table "{name}" as '
                        f'select * from dbt_built.main."{name}"')
        elif kind == "model" and sql:
            materialized = node["config"]["materialized"]
            relation = "view" if materialized == "view" else "table"
            con.execute(f'create or replace {relation} "{name}" as {sql}')
        elif kind == "test" and sql:  # unit tests run on fixtures, not data: left out
            con.execute(f"select count(*) from ({sql}) as dbt_internal_test").fetchall()
    seconds = time.perf_counter() - started
    con.close()
    return {"seconds": seconds}


def child_write_floor(built: str, database: str) -> dict:
    """Copy every table of ``built`` into ``database``; wall and CPU seconds per model layer.

    The layer is the name's prefix (base, int, fct, dim, mart, ...): what writing each layer's
    tables costs on its own, whatever computed them.
    """
    import duckdb

    Path(database).unlink(missing_ok=True)
    con = duckdb.connect(database)
    memory = os.environ.get("RELANCE_DUCKDB_MEMORY_LIMIT", "5GB")
    con.execute(f"set memory_limit = '{memory}'; set threads = 2; "
                "set preserve_insertion_order = false")
    con.execute(f"attach '{built}' as built (read_only)")
    tables = [row[0] for row in con.execute(
        "select table_name from duckdb_tables() where database_name = 'built' "
        "and schema_name = 'main' order by table_name").fetchall()]
    layers: dict[str, dict[str, float]] = {}
    for table in tables:
        wall, cpu = time.perf_counter(), time.process_time()
        con.execute(f'create table "{table}" as select * from built.main."{table}"')
        con.execute("checkpoint")
        layer = layers.setdefault(table.split("_")[0], {"seconds": 0.0, "cpu_seconds": 0.0})
        layer["seconds"] += time.perf_counter() - wall
        layer["cpu_seconds"] += time.process_time() - cpu
    con.close()
    Path(database).unlink(missing_ok=True)
    return layers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, help="an existing dataset (default: the size's)")
    parser.add_argument("--warehouse", type=Path, help="where to build (default: the size's)")
    parser.add_argument("--keep-artifacts", type=Path,
                        help="keep dbt's target directory (run_results.json, compiled SQL) here")
    parser.add_argument("--no-raw-sql", action="store_true",
                        help="only the build, without replaying its SQL in plain DuckDB")
    args = parser.parse_args()
    data = args.data.resolve() if args.data else _dataset(args.customers)
    default_warehouse = BENCH / f"warehouse_{_size_label(args.customers)}.duckdb"
    warehouse = (args.warehouse or default_warehouse).resolve()
    artifacts = (args.keep_artifacts or BENCH / f"dbt_target_{args.customers}").resolve()
    load = os.getloadavg()[0]
    built, peak, cpu = _child(["build", str(data), str(warehouse), str(artifacts)])
    print(f"build.customers: {args.customers}")
    print(f"build.raw_rows: {built['raw_rows']}")
    print(f"build.seconds: {built['seconds']:.1f} s")
    print(f"build.dbt_seconds: {built['dbt_seconds']:.1f} s")
    print(f"build.peak_rss_mib: {peak:.0f} MiB")
    print(f"build.cpu_seconds: {cpu:.1f} s")
    print(f"build.load_before: {load:.2f} (1-minute load average; 2 cores)")
    if args.no_raw_sql:
        return
    raw_db = BENCH / f"raw_sql_{args.customers}.duckdb"
    replay, raw_peak, raw_cpu = _child(["raw-sql", str(artifacts), str(raw_db), str(warehouse)])
    print(f"build.raw_sql_seconds: {replay['seconds']:.1f} s")
    print(f"build.raw_sql_peak_rss_mib: {raw_peak:.0f} MiB")
    print(f"build.raw_sql_cpu_seconds: {raw_cpu:.1f} s")
    print(f"build.load_after: {os.getloadavg()[0]:.2f}")
    print(f"build.dbt_overhead_ratio: {built['dbt_seconds'] / replay['seconds']:.2f}")
    print(f"build.total_overhead_ratio: {built['seconds'] / replay['seconds']:.2f}")
    raw_db.unlink(missing_ok=True)
    floor_db = BENCH / f"write_floor_{args.customers}.duckdb"
    layers, _, _ = _child(["write-floor", str(warehouse), str(floor_db)])
    print(f"build.write_floor_seconds: {sum(v['seconds'] for v in layers.values()):.1f} s")
    print(f"build.write_floor_cpu_seconds: {sum(v['cpu_seconds'] for v in layers.values()):.1f} s")
    for layer, spent in sorted(layers.items(), key=lambda item: -item[1]["seconds"]):
        if spent["seconds"] >= 0.1:
            print(f"build.write_floor.{layer}_seconds: {spent['seconds']:.1f} s "
                  f"({spent['cpu_seconds']:.1f} CPU s)")
    if not args.keep_artifacts:
        shutil.rmtree(artifacts, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "build":
        print(json.dumps(child_build(*sys.argv[2:5])))
    elif len(sys.argv) > 1 and sys.argv[1] == "raw-sql":
        print(json.dumps(child_raw_sql(*sys.argv[2:5])))
    elif len(sys.argv) > 1 and sys.argv[1] == "write-floor":
        print(json.dumps(child_write_floor(*sys.argv[2:4])))
    else:
        main()
