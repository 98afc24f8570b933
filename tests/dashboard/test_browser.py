"""End to end: the real server started by `relance dashboard`, driven by headless Chromium.

Every page is opened, left to finish running, checked for Streamlit error elements and
screenshotted to ``test-artifacts/dashboard/``. Then the warehouse is rebuilt by the real build
while the server keeps serving: pages keep loading throughout, and show the new data after.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus, urlencode

import duckdb
import pytest

from tests.dashboard.browser import CHROMIUM, PAGES, chromium, errors, load, screenshot, served

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "dashboard"


@pytest.fixture(scope="module")
def server(dashboard_setup, merchant_reports, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """`relance dashboard` on a free port, over a copy of the pipeline's warehouse."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps`")
    folder = tmp_path_factory.mktemp("served")
    warehouse = folder / "warehouse.duckdb"
    shutil.copy(dashboard_setup.warehouse, warehouse)
    shutil.copytree(merchant_reports, folder / "reports")
    with served(warehouse) as url:
        yield url, warehouse


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


def test_every_page_in_chromium(server, browser) -> None:
    url, _ = server
    page = browser.new_page()
    for path, min_charts in PAGES.items():
        load(page, f"{url}/{path}", min_charts)
        assert not errors(page), (path, errors(page))
        assert "Page not found" not in page.content()
        shot = screenshot(page, ARTIFACTS, path or "overview")
        assert shot.stat().st_size > 20_000
    # the Merchants page embeds the written report
    load(page, f"{url}/merchants", 0)
    page.wait_for_selector("iframe", timeout=30_000)
    page.close()


def test_voice_page_plays_the_recording(server, browser) -> None:
    url, warehouse = server
    with duckdb.connect(str(warehouse), read_only=True) as con:
        first, last = con.execute("SELECT min(date_day), max(date_day) FROM mart_kpis_daily"
                                  ).fetchone()
        newest_quote = con.execute(
            "SELECT top_reason_quote FROM mart_transcripts WHERE status = 'ok' "
            "ORDER BY started_at DESC LIMIT 1").fetchone()[0]
    assert newest_quote, "the demo call's transcript yielded no supporting quote"
    page = browser.new_page()
    load(page, f"{url}/voice?period={first}&period={last}", PAGES["voice"])
    page.locator('[data-testid="stExpander"] summary').first.click()
    page.wait_for_selector("audio", state="attached", timeout=30_000)
    highlighted = page.locator('[data-testid="stExpander"] .stMarkdownColoredBackground')
    assert highlighted.first.inner_text().strip() == newest_quote.strip()
    assert not errors(page)
    screenshot(page, ARTIFACTS, "voice-transcript")
    page.close()


def test_the_address_bar_carries_the_filters(server, browser) -> None:
    url, warehouse = server
    with duckdb.connect(str(warehouse), read_only=True) as con:
        merchant, name = con.execute("SELECT merchant_id, merchant_name FROM dim_merchants "
                                     "ORDER BY plans DESC LIMIT 1").fetchone()
    label = f"{name} ({merchant})"
    page = browser.new_page()
    load(page, f"{url}/?{urlencode({'merchant': label, 'plan': 'pay_in_3'})}", 1)
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert label in sidebar.inner_text() and "pay_in_3" in sidebar.inner_text()
    sidebar.get_by_text("Recovery", exact=True).click()
    page.wait_for_url("**/recovery**", timeout=30_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=90_000)
    page.wait_for_timeout(500)
    assert f"merchant={quote_plus(label)}" in page.url or f"merchant={quote(label)}" in page.url
    assert "plan=pay_in_3" in page.url
    assert not errors(page)
    page.close()


def test_rebuild_while_serving(server, browser, small_dataset) -> None:
    """A real `relance build` swaps a new warehouse in while pages keep loading."""
    from warehouse import build_warehouse

    url, warehouse = server
    page = browser.new_page()
    load(page, url, PAGES[""])
    before = page.locator('[data-testid="stMetricValue"]').all_inner_texts()

    failure: list[BaseException] = []

    def rebuild() -> None:
        try:
            build_warehouse(data=small_dataset, warehouse=warehouse)
        except BaseException as error:  # reported by the test below
            failure.append(error)

    builder = threading.Thread(target=rebuild)
    builder.start()
    loads = 0
    while builder.is_alive():
        # One chart, not all: once the new warehouse is in, the insight-based chart gives way to
        # "run relance analyze" (checked below), even while the build thread is still finishing.
        load(page, url, 1)
        assert not errors(page), errors(page)
        loads += 1
    builder.join()
    assert not failure, failure
    assert loads >= 1

    load(page, url, 0)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
    after = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert after and after != before, "the rebuilt warehouse's numbers did not show"
    # the rebuild dropped the insights: the page now says how to get them back
    assert "relance analyze" in page.content()
    assert not errors(page)
    screenshot(page, ARTIFACTS, "overview-after-rebuild")
    page.close()
