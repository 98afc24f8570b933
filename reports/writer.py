"""Write merchant reports to disk: HTML for each, PDF printed from it, and an index page.

One read-only warehouse connection and one Chromium serve every merchant of a run. Before a
report is written it is scanned for every other merchant's id and name; a report that would
leak is never written (``IsolationError``), because a report is sent outside the company.
"""

from __future__ import annotations

import html as html_lib
import tempfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from datetime import date
from pathlib import Path

import duckdb

from reports.content import ReportReader
from reports.isolation import find_leaks, pdf_text, scannable_text
from reports.pdf import PdfPrinter
from reports.render import embed_library, render_report

FORMATS = ("html", "pdf")


class IsolationError(RuntimeError):
    """A report mentioned another merchant; it was not written."""


def parse_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """``"html,pdf"`` → ``("html", "pdf")``; unknown formats are refused by name."""
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in items if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise ValueError(
            f"unknown report format(s) {', '.join(unknown) or '(none)'}; choose from "
            f"{', '.join(FORMATS)}, comma-separated"
        )
    return chosen


def open_warehouse(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection, with a clear error when the warehouse is not built yet.

    The file is attached to a fresh in-memory database instead of opened with
    ``duckdb.connect(path)``: DuckDB shares one instance per path within a process, and the
    dashboard (which previews reports in its own process) must see a rebuilt file, not a
    cached instance of the one it replaced.
    """
    path = Path(warehouse)
    if not path.exists():
        raise FileNotFoundError(
            f"warehouse {warehouse} does not exist: run `relance build` (and `relance analyze`) "
            "first"
        )
    con = duckdb.connect(":memory:")
    try:
        quoted = str(path.resolve()).replace("'", "''")
        con.execute(f"attach '{quoted}' as warehouse (read_only)")
        con.execute("use warehouse")
    except duckdb.Error:
        con.close()
        raise
    return con


def _check_isolation(text: str, others: dict[str, str], where: str) -> None:
    leaks = find_leaks(text, others)
    if leaks:
        first = leaks[0]
        raise IsolationError(
            f"{where} mentions another merchant ({first.found!r} in …{first.context}…); "
            "it was not written"
        )


def _write_index(out: Path, written: dict[str, dict[str, Path]], names: dict[str, str]) -> Path:
    """A page linking every report of this run, for whoever sends them out."""
    rows = []
    for merchant_id in sorted(written):
        links = " · ".join(
            f'<a href="{html_lib.escape(p.name)}">{fmt.upper()}</a>'
            for fmt, p in sorted(written[merchant_id].items())
        )
        rows.append(
            f"<tr><td>{html_lib.escape(merchant_id)}</td>"
            f"<td>{html_lib.escape(names.get(merchant_id, ''))}</td><td>{links}</td></tr>"
        )
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Merchant reports</title><style>body{font-family:Helvetica,Arial,sans-serif;"
        "margin:32px}td,th{padding:4px 12px;text-align:left;border-bottom:1px solid #ddd}</style>"
        f"</head><body><h1>Merchant reports</h1><p>{len(written)} merchants, prepared "
        f"{date.today():%d %b %Y}. Internal page: each report goes to its merchant only.</p>"
        "<table><tr><th>Merchant</th><th>Name</th><th>Reports</th></tr>"
        + "".join(rows)
        + "</table></body></html>"
    )
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def write_reports(
    warehouse: Path,
    merchant_ids: Sequence[str] | None = None,
    formats: str | Iterable[str] = FORMATS,
    out: Path = Path("data/reports"),
    on_progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write each merchant's report (all merchants when ``merchant_ids`` is None).

    Returns the written files: per merchant ``<out>/<merchant_id>.html`` and/or ``.pdf``, then
    ``<out>/index.html``. ``on_progress`` is called with each merchant id once it is done.
    """
    chosen = parse_formats(formats)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    con = open_warehouse(warehouse)
    try:
        reader = ReportReader(con)
        ids = list(merchant_ids) if merchant_ids is not None else reader.merchant_ids()
        for merchant_id in ids:
            reader.merchant(merchant_id)  # unknown ids fail before anything is written
        names = reader.merchant_names()
        written: dict[str, dict[str, Path]] = {}
        with ExitStack() as stack:
            printer = stack.enter_context(PdfPrinter()) if "pdf" in chosen else None
            scratch = None
            if "html" not in chosen:
                scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            for merchant_id in ids:
                page = render_report(reader.report(merchant_id), include_library=False)
                others = {k: v for k, v in names.items() if k != merchant_id}
                _check_isolation(scannable_text(page), others, f"the report for {merchant_id}")
                html_path = (scratch or out) / f"{merchant_id}.html"
                html_path.write_text(embed_library(page), encoding="utf-8")
                files: dict[str, Path] = {}
                if "html" in chosen:
                    files["html"] = html_path
                if printer is not None:
                    files["pdf"] = printer.print(html_path, out / f"{merchant_id}.pdf")
                    _check_pdf(files["pdf"], others, merchant_id)
                written[merchant_id] = files
                if on_progress is not None:
                    on_progress(merchant_id)
    finally:
        con.close()
    paths = [p for files in written.values() for p in files.values()]
    paths.append(_write_index(out, written, names))
    return paths


def _check_pdf(path: Path, others: dict[str, str], merchant_id: str) -> None:
    try:
        _check_isolation(pdf_text(path), others, f"the PDF for {merchant_id}")
    except IsolationError:
        path.unlink(missing_ok=True)
        path.with_suffix(".html").unlink(missing_ok=True)
        raise


def render_html(warehouse: Path, merchant_id: str) -> str:
    """One merchant's report as an HTML string (the dashboard's Merchants page previews it)."""
    con = open_warehouse(warehouse)
    try:
        reader = ReportReader(con)
        page = render_report(reader.report(merchant_id), include_library=False)
        others = {k: v for k, v in reader.merchant_names().items() if k != merchant_id}
    finally:
        con.close()
    _check_isolation(scannable_text(page), others, f"the report for {merchant_id}")
    return embed_library(page)
