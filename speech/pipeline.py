"""The whole speech step on one dataset: transcribe calls, then mine calls and comments.

``transcribe_dataset`` is what `relance transcribe` runs. Its outputs (``_derived/*.parquet``)
are rewritten as a whole each run from the stored transcripts and the current comments, so the
same inputs always give the same files and nothing is ever duplicated.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from speech import dataset as ds
from speech.mining import mine
from speech.reason_model import ReasonModel, load_or_train
from speech.redact import redact
from speech.themes import find_themes
from speech.transcribe import plan_jobs, resolve_model, run_jobs

REASON_MODEL_DIR = "reason_model"


@dataclass
class TranscribeSummary:
    """What a run did; ``ok`` is False when any recording failed."""

    data: Path
    model: str
    listed: int = 0
    transcribed: int = 0
    skipped: int = 0
    unchanged_failed: int = 0
    failed: int = 0
    audio_seconds: float = 0.0
    transcribe_wall_s: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
    comments: int = 0
    reason_rows: int = 0
    flag_rows: int = 0
    themes: int = 0
    reason_model_version: str = ""
    reason_model_mode: str = ""
    reason_model_note: str = ""
    reason_model_dir: Path | None = None
    held_out_macro_f1: float | None = None

    @property
    def ok(self) -> bool:
        return self.failed == 0

    @property
    def real_time_factor(self) -> float | None:
        """Audio seconds transcribed per wall-clock second, over this run's new transcriptions."""
        if self.transcribe_wall_s <= 0 or self.audio_seconds <= 0:
            return None
        return self.audio_seconds / self.transcribe_wall_s


def _transcribe_calls(data: Path, model: Path | None, summary: TranscribeSummary,
                      progress: Callable[[int, dict | None], None] | None,
                      workers: int | None) -> pd.DataFrame:
    calls = ds.read_table(data, "calls")
    previous = ds.read_output(data, "transcripts", ds.TRANSCRIPTS_SCHEMA)
    if calls is None or calls.empty:
        empty = ds.TRANSCRIPTS_SCHEMA.empty_table().to_pandas()
        ds.write_output(data, "transcripts", empty, ds.TRANSCRIPTS_SCHEMA)
        return empty
    spec = resolve_model(model)
    summary.model = spec.name
    calls = calls.assign(call_id=calls["call_id"].astype(str)).drop_duplicates("call_id")
    summary.listed = len(calls)
    jobs, skipped = plan_jobs(calls, data, previous, spec)
    summary.skipped = int((previous["call_id"].isin(skipped) & (previous["status"] == "ok")).sum())
    summary.unchanged_failed = len(skipped) - summary.skipped
    if progress:
        progress(len(jobs), None)
    start = time.perf_counter()
    new_rows = list(run_jobs(jobs, spec, workers=workers,
                             on_done=(lambda row: progress(0, row)) if progress else None))
    summary.transcribe_wall_s = time.perf_counter() - start if jobs else 0.0
    new = pd.DataFrame(new_rows, columns=[c for c in ds.TRANSCRIPTS_SCHEMA.names
                                          if c not in ("customer_id", "audio_path")])
    for row in new_rows:
        if row["status"] == "ok":
            summary.transcribed += 1
            summary.audio_seconds += row["duration_s"] or 0.0
    keep = previous[previous["call_id"].isin(skipped)].drop(columns=["customer_id", "audio_path"],
                                                             errors="ignore")
    # A recording that failed before and has not changed still counts as failed: the dataset
    # still has a bad recording, so the run still says so.
    for frame in (keep, new):
        for row in frame[frame["status"] == "failed"].itertuples():
            summary.failed += 1
            summary.failures.append((row.call_id, row.error))
    frames = [f for f in (keep, new) if not f.empty]
    merged = pd.concat(frames, ignore_index=True) if frames else new
    listed = calls[["call_id", "customer_id", "audio_path"]].astype("string").astype(object)
    merged = merged.merge(listed.where(listed.notna(), None), on="call_id", how="left")
    merged = merged.sort_values("call_id").reset_index(drop=True)
    ds.write_output(data, "transcripts", merged, ds.TRANSCRIPTS_SCHEMA)
    return merged


def _comments(data: Path) -> pd.DataFrame:
    feedback = ds.read_table(data, "feedback")
    if feedback is None or "comment" not in feedback or feedback.empty:
        return pd.DataFrame(columns=["feedback_id", "customer_id", "reason_code", "comment"])
    feedback = feedback[feedback["comment"].notna() & (feedback["comment"].astype(str).str.strip()
                                                       != "")]
    if "reason_code" not in feedback:
        feedback = feedback.assign(reason_code=None)
    out = feedback[["feedback_id", "customer_id", "reason_code", "comment"]].copy()
    # Comments are free text typed by customers: redact before they are used or quoted.
    out["comment"] = [redact(str(c)) for c in out["comment"]]
    return out.reset_index(drop=True)


def mine_dataset(data: Path, transcripts: pd.DataFrame,
                 summary: TranscribeSummary) -> ReasonModel:
    """Train (or reuse) the reason model, mine every text, write reasons, flags and themes."""
    comments = _comments(data)
    summary.comments = len(comments)
    labelled = comments[comments["reason_code"].notna() & (comments["reason_code"] != "")]
    model = load_or_train(labelled["comment"].tolist(), labelled["reason_code"].tolist(),
                          ds.derived_dir(data) / REASON_MODEL_DIR)
    summary.reason_model_version = model.version
    summary.reason_model_mode = model.report.get("mode", "")
    summary.reason_model_note = model.report.get("why", "")
    summary.reason_model_dir = ds.derived_dir(data) / REASON_MODEL_DIR / model.version
    held_out = model.report.get("held_out", {}).get("combined", {})
    summary.held_out_macro_f1 = held_out.get("macro_f1")

    ok = transcripts[transcripts["status"] == "ok"] if not transcripts.empty else transcripts
    docs = pd.concat([
        pd.DataFrame({"source": "call", "source_id": ok.get("call_id", pd.Series(dtype=str)),
                      "customer_id": ok.get("customer_id", pd.Series(dtype=str)),
                      "text": ok.get("text", pd.Series(dtype=str))}),
        pd.DataFrame({"source": "feedback", "source_id": comments["feedback_id"].astype(str),
                      "customer_id": comments["customer_id"].astype(str),
                      "text": comments["comment"]}),
    ], ignore_index=True)
    reasons, flags, unexplained = mine(docs, model)
    themes = find_themes(unexplained)
    ds.write_output(data, "text_reasons", reasons if not reasons.empty else
                    ds.TEXT_REASONS_SCHEMA.empty_table().to_pandas(), ds.TEXT_REASONS_SCHEMA)
    ds.write_output(data, "text_flags", flags if not flags.empty else
                    ds.TEXT_FLAGS_SCHEMA.empty_table().to_pandas(), ds.TEXT_FLAGS_SCHEMA)
    ds.write_output(data, "themes", themes if not themes.empty else
                    ds.THEMES_SCHEMA.empty_table().to_pandas(), ds.THEMES_SCHEMA)
    summary.reason_rows, summary.flag_rows, summary.themes = len(reasons), len(flags), len(themes)
    return model


def transcribe_dataset(data: Path, model: Path | None = None, workers: int | None = None,
                       progress: Callable[[int, dict | None], None] | None = None,
                       ) -> TranscribeSummary:
    """Transcribe ``data``'s calls (incrementally) and mine reasons from calls and comments.

    ``progress(total, None)`` is called once with the number of recordings to transcribe, then
    ``progress(0, row)`` after each one. Raises ``speech.dataset.DatasetError`` when the dataset
    cannot be read; bad recordings never raise, they are counted in the summary.
    """
    data = Path(data)
    if not data.is_dir():
        raise ds.DatasetError(f"dataset directory not found: {data}")
    summary = TranscribeSummary(data=data, model="")
    transcripts = _transcribe_calls(data, model, summary, progress, workers)
    mine_dataset(data, transcripts, summary)
    return summary
