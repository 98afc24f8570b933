"""Driving the real dashboard in headless Chromium: serve it, open a page, wait, look for errors.

Shared by the end-to-end tests (on the demo warehouse) and the dashboard benchmark (on the
1,000,000-customer warehouse), so both check pages the same way.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# url path -> minimum number of Plotly charts the page draws on the demo data
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


@contextmanager
def served(warehouse: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """`relance dashboard` over ``warehouse`` on a free port; yields its address."""
    port = free_port()
    relance = Path(sys.executable).with_name("relance")
    process = subprocess.Popen(
        [str(relance), "dashboard", "--warehouse", str(warehouse), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's headless Chromium under Playwright (no browser download needed)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing: run `make system-deps`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


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


def screenshot(page, folder: Path, name: str) -> Path:
    """A full-length shot: Streamlit scrolls inside its main block, so grow the viewport."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')"
                           ".scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 40, 8000)})
    page.wait_for_timeout(500)
    settle(page, 0)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def errors(page) -> list[str]:
    """The text of every Streamlit exception or error box on the page."""
    return page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]'
                        ).all_inner_texts()
