"""Benchmark: every dashboard page on the 1,000,000-customer warehouse (goal <= 1.5 s per page).

Each page's server-side run (the entry script, the sidebar's filters and the page) is timed with
Streamlit's AppTest and a cold data cache, so the figure includes every DuckDB query the page
needs. Every query that reached DuckDB is then explained, and the scanned tables are checked:
no page may scan an installment-level table (fct_installments, fct_payment_attempts,
fct_contacts) at page load.

Then the real server (`relance dashboard`) is started over the same warehouse and every page is
opened in headless Chromium, as the end-to-end tests do on the demo data: each must finish with its
charts drawn and no error element (time to charts drawn is printed; screenshots go to
``test-artifacts/bench-dashboard/``).

Uses ``data/bench/warehouse_1m.duckdb`` (made by the warehouse and analysis benchmarks); if it is
missing it is built (simulating ``data/bench/raw_1m`` first if needed) and analysed. Another
warehouse file may be given as the first argument (for a quick look at a smaller one).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WAREHOUSE = ROOT / "data/bench/warehouse_1m.duckdb"
RAW = ROOT / "data/bench/raw_1m"
REPORTS = ROOT / "data/bench/reports_1m"
CUSTOMERS = 1_000_000
GOAL_SECONDS = 1.5
PAGES = ("overview", "recovery", "channels", "root_causes", "voice", "segments", "compliance",
         "merchants")


def ensure_warehouse() -> None:
    if WAREHOUSE.exists():
        return
    from analysis import run_all
    from warehouse import build_warehouse

    if not RAW.exists():
        from simulator import simulate_dataset

        print(f"dashboard: simulating {CUSTOMERS:,} customers into {RAW.relative_to(ROOT)}")
        simulate_dataset(out=RAW, customers=CUSTOMERS, seed=7)
    print(f"dashboard: building and analysing {WAREHOUSE.relative_to(ROOT)}")
    build_warehouse(data=RAW, warehouse=WAREHOUSE)
    run_all(WAREHOUSE)


def main(argv: list[str]) -> int:
    warehouse = Path(argv[0]).resolve() if argv else WAREHOUSE
    if not argv:
        ensure_warehouse()
    os.environ["RELANCE_WAREHOUSE"] = str(warehouse)
    os.environ["RELANCE_REPORTS_DIR"] = str(REPORTS)
    from streamlit.testing.v1 import AppTest

    from dashboard import data

    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
    app.run()  # imports and the first render, not timed
    failures = []
    scans: dict[str, set[str]] = {}
    for page in PAGES:
        data.clear_cache()
        data.reset_query_log()
        start = time.perf_counter()
        app.switch_page(f"views/{page}.py").run()
        seconds = time.perf_counter() - start
        executed = data.executed_queries()
        if app.exception:
            failures.append(f"{page}: exception {app.exception[0].value}")
        detail = set()
        for query in executed:
            detail |= data.scanned_tables(query.sql, query.params) & data.INSTALLMENT_LEVEL_TABLES
        scans[page] = detail
        print(f"dashboard.{page}.seconds: {seconds:.3f} s")
        print(f"dashboard.{page}.queries: {len(executed)}")
        print(f"dashboard.{page}.query_seconds: {sum(q.seconds for q in executed):.3f} s")
        if seconds > GOAL_SECONDS:
            failures.append(f"{page}: {seconds:.2f} s > {GOAL_SECONDS} s")
        if detail:
            failures.append(f"{page}: scanned {sorted(detail)}")
    scanned = sorted(set().union(*scans.values()))
    print(f"dashboard.installment_level_tables_scanned: {len(scanned)} {scanned}")
    failures += browser_pass(warehouse)
    for failure in failures:
        print(f"dashboard: FAILED {failure}")
    return 1 if failures else 0


def _has_mined_reasons(warehouse: Path) -> bool:
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select count(*) from mart_reason_mix").fetchone()[0] > 0


def browser_pass(warehouse: Path) -> list[str]:
    """Every page in headless Chromium against the served warehouse; the failures found."""
    from tests.dashboard.browser import PAGES as BROWSER_PAGES
    from tests.dashboard.browser import chromium, errors, load, screenshot, served

    failures = []
    expected = dict(BROWSER_PAGES)
    if not _has_mined_reasons(warehouse):
        # The benchmark dataset has no recordings and `relance transcribe` was not run on it:
        # the voice page must say so (an info box), not draw charts.
        expected["voice"] = 0
    with served(warehouse, {"RELANCE_REPORTS_DIR": str(REPORTS)}) as url, chromium() as browser:
        page = browser.new_page()
        for path, min_charts in expected.items():
            name = path or "overview"
            start = time.perf_counter()
            try:
                load(page, f"{url}/{path}", min_charts)
            except Exception as error:  # a timeout: the page never drew its charts
                failures.append(f"browser {name}: {type(error).__name__}: {error}")
                continue
            print(f"dashboard.browser.{name}.seconds_to_charts: "
                  f"{time.perf_counter() - start:.2f} s")
            if errors(page):
                failures.append(f"browser {name}: {errors(page)}")
            if min_charts == 0 and path == "voice" and "relance transcribe" not in page.content():
                failures.append("browser voice: no charts and no hint to run relance transcribe")
            screenshot(page, ROOT / "test-artifacts" / "bench-dashboard", name)
        page.close()
    print(f"dashboard.browser.pages_with_errors: {len(failures)}")
    return failures


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
