"""Print report HTML to PDF with one headless Chromium reused for every merchant.

Starting a browser costs about a second; printing a page a fraction of that. The printer is a
context manager so ``--all`` pays the start once. Charts are drawn by plotly.js in the page, so
printing waits until every chart has its SVG before it prints.
"""

from __future__ import annotations

import os
import re
import shutil
from html import unescape
from pathlib import Path
from types import TracebackType

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# A4 at 96 dpi minus the page margins: charts are laid out at the width they will print at.
PRINT_VIEWPORT = {"width": 720, "height": 1000}
CHART_TIMEOUT_MS = 30_000


# True once every chart container has been turned into a drawn plotly chart.
_CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('.plotly-graph-div'))
    .every(el => el.classList.contains('js-plotly-plot') && el.querySelector('.main-svg'))"""
# Replace the body and run its scripts (scripts set through innerHTML do not run by themselves).
_SWAP_BODY = """({title, body}) => {
    document.title = title;
    document.body.innerHTML = body;
    for (const old of Array.from(document.body.querySelectorAll('script'))) {
        const fresh = document.createElement('script');
        fresh.text = old.text;
        old.replaceWith(fresh);
    }
}"""
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL | re.IGNORECASE)


def _split_page(html: str) -> tuple[str, str]:
    """The page's head (everything before ``<body>``, title excluded) and its body's inside."""
    match = _BODY.search(html)
    if match is None:
        return html, ""
    return _TITLE.sub("", html[: match.start()]), match.group(1)


def _title(html: str) -> str:
    match = _TITLE.search(html)
    return unescape(match.group(1)) if match else ""


class ChromiumMissingError(RuntimeError):
    """No Chromium on this machine: ``make system-deps`` installs it."""


def chromium_path() -> str:
    """The Chromium binary to drive: ``RELANCE_CHROMIUM`` if set, else the Debian one."""
    configured = os.environ.get("RELANCE_CHROMIUM")
    candidates = [configured] if configured else list(CHROMIUM_CANDIDATES)
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    raise ChromiumMissingError(
        "Chromium is needed to print PDFs and was not found at "
        f"{', '.join(c for c in candidates if c)}. Run `make system-deps` to install it, "
        "or ask for HTML only with `--format html`."
    )


class PdfPrinter:
    """A headless Chromium that prints HTML strings to PDF files; use it in a ``with`` block."""

    def __init__(self) -> None:
        self._playwright = None
        self._browser = None
        self._page = None
        self._head: str | None = None  # the <head> of the page currently loaded

    def __enter__(self) -> PdfPrinter:
        from playwright.sync_api import sync_playwright

        executable = chromium_path()
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=executable,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            # Offline by construction: a report that tried to fetch anything would fail here
            # rather than print a page with holes in it.
            context = self._browser.new_context(viewport=PRINT_VIEWPORT, offline=True)
            self._page = context.new_page()
        except Exception:
            self.__exit__(None, None, None)
            raise
        return self

    def print(self, source: Path, target: Path) -> Path:
        """Open the HTML report ``source``, wait for every chart to be drawn, print to ``target``.

        The first report is opened as a file. Parsing plotly.js (4.6 MB) is most of the cost of
        opening one, and every report embeds the same library and styles, so later reports
        reuse that page: their ``<body>`` replaces the previous one and their chart scripts
        are run again. Nothing of the previous report survives the swap (the head holds only
        styles and the library), and the caller scans each PDF's text anyway.
        """
        if self._page is None:
            raise RuntimeError("PdfPrinter must be used inside a `with` block")
        page = self._page
        html = Path(source).read_text(encoding="utf-8")
        head, body = _split_page(html)
        if self._head != head:
            page.goto(Path(source).resolve().as_uri(), wait_until="load")
            self._head = head
        else:
            page.evaluate(_SWAP_BODY, {"title": _title(html), "body": body})
        page.wait_for_function(_CHARTS_DRAWN, timeout=CHART_TIMEOUT_MS)
        page.emulate_media(media="print")
        target.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(
            path=str(target),
            format="A4",
            print_background=True,
            margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
        )
        page.emulate_media(media="screen")
        return target

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()
        self._browser = self._page = self._playwright = None
