"""End to end: the real server started by `relance dashboard`, driven by headless Chromium.

Every page is opened, left to finish running, checked for Streamlit error elements and
screenshotted to ``test-artifacts/dashboard/``. Then the warehouse is rebuilt by the real build
while the server keeps serving: pages keep loading throughout, and show the new data after.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus, urlencode

import duckdb
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "dashboard"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# url path -> minimum number of rendered Plotly charts
PAGES = {"": 2, "recovery": 5, "channels": 5, "root-causes": 3, "voice": 2, "segments": 3,
         "compliance": 2, "merchants": 0}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"dashboard exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"dashboard not healthy at {url} after {timeout} s")


@pytest.fixture(scope="module")
def server(dashboard_setup, merchant_reports, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """`relance dashboard` on a free port, over a copy of the pipeline's warehouse."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps`")
    folder = tmp_path_factory.mktemp("served")
    warehouse = folder / "warehouse.duckdb"
    shutil.copy(dashboard_setup.warehouse, warehouse)
    shutil.copytree(merchant_reports, folder / "reports")
    port = free_port()
    relance = Path(sys.executable).with_name("relance")
    process = subprocess.Popen(
        [str(relance), "dashboard", "--warehouse", str(warehouse), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url, warehouse
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def load(page, url: str, min_charts: int, timeout_ms: int = 90_000) -> None:
    """Open a page and wait until its script finished and its charts are drawn."""
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]',
                           timeout=timeout_ms)
    settle(page, min_charts, timeout_ms)


def settle(page, min_charts: int, timeout_ms: int = 90_000) -> None:
    """Wait for lazily loaded parts: at least ``min_charts`` drawn charts and no skeletons."""
    page.wait_for_function(
        """n => document.querySelectorAll('[data-testid="stPlotlyChart"]:has(.main-svg)')
                   .length >= n
              && !document.querySelector('[data-testid="stSkeleton"]')""",
        arg=min_charts, timeout=timeout_ms)


def screenshot(page, name: str) -> Path:
    """A full-length shot: Streamlit scrolls inside its main block, so grow the viewport."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')"
                           ".scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 40, 8000)})
    page.wait_for_timeout(500)
    settle(page, 0)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def errors(page) -> list[str]:
    return page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]'
                        ).all_inner_texts()


def test_every_page_in_chromium(server, browser) -> None:
    url, _ = server
    page = browser.new_page()
    for path, min_charts in PAGES.items():
        load(page, f"{url}/{path}", min_charts)
        assert not errors(page), (path, errors(page))
        assert "Page not found" not in page.content()
        shot = screenshot(page, path or "overview")
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
    page = browser.new_page()
    load(page, f"{url}/voice?period={first}&period={last}", PAGES["voice"])
    page.locator('[data-testid="stExpander"] summary').first.click()
    page.wait_for_selector("audio", state="attached", timeout=30_000)
    assert page.locator('[data-testid="stExpander"] mark, '
                        '[data-testid="stExpander"] span[class*="background"]').count() >= 0
    assert not errors(page)
    screenshot(page, "voice-transcript")
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
        load(page, url, PAGES[""])
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
    screenshot(page, "overview-after-rebuild")
    page.close()
