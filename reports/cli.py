"""Command-line entry for `relance report`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from relance.options import DEFAULT_DB, WarehousePath
from relance.paths import DEFAULT_REPORTS_DIR

# Options are declared with Annotated so the defaults are plain values: `relance demo` calls
# `report(all_merchants=True, warehouse=...)` as an ordinary function.
MerchantOption = Annotated[
    str | None, typer.Option("--merchant", help="Write the report of this merchant id.")
]
AllOption = Annotated[bool, typer.Option("--all", help="Write a report for every merchant.")]
FormatOption = Annotated[str, typer.Option("--format", help="Comma-separated: html, pdf.")]
OutOption = Annotated[Path, typer.Option("--out", help="Directory to write reports to.")]


def report(
    merchant: MerchantOption = None,
    all_merchants: AllOption = False,
    warehouse: WarehousePath = DEFAULT_DB,
    formats: FormatOption = "html,pdf",
    out: OutOption = DEFAULT_REPORTS_DIR,
) -> None:
    """Write merchant recommendation reports: <out>/<merchant_id>.html and .pdf, plus an index."""
    from reports.content import UnknownMerchantError
    from reports.pdf import ChromiumMissingError
    from reports.writer import IsolationError, parse_formats, write_reports

    err = Console(stderr=True)
    if (merchant is None) == (not all_merchants):
        err.print("[bold red]Choose exactly one of --merchant ID or --all.[/]")
        raise typer.Exit(code=2)
    try:
        chosen = parse_formats(formats)
    except ValueError as bad:
        err.print(f"[bold red]{bad}[/]")
        raise typer.Exit(code=2) from None
    if not Path(warehouse).exists():
        err.print(
            f"[bold red]No warehouse at {warehouse}.[/] Run `relance build` and "
            "`relance analyze` first, or pass --warehouse."
        )
        raise typer.Exit(code=1)

    console = Console()
    ids = [merchant] if merchant is not None else None
    try:
        if all_merchants:
            from reports.content import ReportReader
            from reports.writer import open_warehouse

            con = open_warehouse(warehouse)
            try:
                total = len(ReportReader(con).merchant_ids())
            finally:
                con.close()
            with Progress(
                TextColumn("[bold]Reports"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
            ) as progress:
                task = progress.add_task("", total=total)
                paths = write_reports(
                    warehouse, None, chosen, out,
                    on_progress=lambda mid: progress.update(task, advance=1, description=mid),
                )
        else:
            paths = write_reports(warehouse, ids, chosen, out)
    except UnknownMerchantError as unknown:
        err.print(f"[bold red]{unknown}[/]")
        raise typer.Exit(code=2) from None
    except (ChromiumMissingError, IsolationError, FileNotFoundError) as failure:
        err.print(f"[bold red]{failure}[/]")
        raise typer.Exit(code=1) from None
    reports_written = [p for p in paths if p.name != "index.html"]
    console.print(
        f"Wrote {len(reports_written)} report file(s) to {out} (index: {out / 'index.html'})."
    )
