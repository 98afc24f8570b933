"""Transcription speed: audio seconds per wall-clock second on this machine's cores.

Synthesizes ``RECORDINGS`` calls with espeak-ng (not timed), then times the product's
transcription path (``speech.transcribe.run_jobs``: one tiny.en int8 model, one transcription
thread per core), model loading included. For comparison it also times the alternative of one
worker process per core, each with its own single-threaded model.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from relance.contract import REASON_CODES
from simulator.texts import call_script
from speech import transcribe as tr
from speech.synthesize import synthesize_call
from speech.word_error import wer

RECORDINGS = 20
PLAIN_CALL_TURNS = 7   # a call script without the identity check has seven turns


def synthesize(folder: Path) -> tuple[list[tr.Job], dict[str, list[tuple[str, str]]]]:
    """The recordings to transcribe and, by call id, the script spoken in each."""
    rng = np.random.default_rng(2024)
    jobs, spoken = [], {}
    for i in range(RECORDINGS):
        path, call_id = folder / f"call_{i:02d}.wav", f"call_{i:02d}"
        script = call_script(REASON_CODES[i % len(REASON_CODES)], "en", rng)
        synthesize_call(script, path)
        jobs.append(tr.Job(call_id, path, tr.file_sha256(path), "en"))
        spoken[call_id] = script
    return jobs, spoken


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def with_threads(jobs: list[tr.Job], model: tr.ModelSpec) -> tuple[list[dict], float, float]:
    start, cpu = time.perf_counter(), _cpu_seconds()
    rows = list(tr.run_jobs(jobs, model, workers=os.cpu_count()))
    return rows, time.perf_counter() - start, _cpu_seconds() - cpu


def _process_job(job: tr.Job, model_name: str) -> dict:
    return tr.transcribe_job(job, model_name)


def with_processes(jobs: list[tr.Job], model: tr.ModelSpec) -> tuple[list[dict], float]:
    start = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=context,
                             initializer=tr.load_model, initargs=(str(model.path), 1, 1)) as pool:
        rows = list(pool.map(_process_job, jobs, [model.name] * len(jobs)))
    return rows, time.perf_counter() - start


def main() -> int:
    model = tr.resolve_model(None)
    with tempfile.TemporaryDirectory() as tmp:
        jobs, spoken = synthesize(Path(tmp))
        load_before = os.getloadavg()[0]
        rows, wall, cpu = with_threads(jobs, model)
        failed = [r for r in rows if r["status"] != "ok"]
        audio = sum(r["duration_s"] for r in rows if r["status"] == "ok")
        _, wall_processes = with_processes(jobs, model)
    print(f"transcribe.recordings: {len(rows)}")
    print(f"transcribe.failed: {len(failed)}")
    print(f"transcribe.audio_seconds: {audio:.1f} s")
    print(f"transcribe.wall_s: {wall:.1f} s")
    print(f"transcribe.rtf_x: {audio / wall:.1f} x")
    print(f"transcribe.rtf_x_one_process_per_core: {audio / wall_processes:.1f} x")
    # Audio per CPU-second is what the cores could do if nobody else used them: on a shared,
    # busy machine the wall-clock figure above understates it (see the load average).
    print(f"transcribe.audio_s_per_cpu_s: {audio / cpu:.1f} x")
    print(f"transcribe.rtf_x_if_cores_idle: {audio / cpu * (os.cpu_count() or 1):.1f} x")
    print(f"transcribe.load_average_at_start: {load_before:.1f}")
    print(f"transcribe.cores: {os.cpu_count()}")
    # Before redaction. Identity checks (about half the calls) read digits, e-mails and dates
    # aloud, which Whisper writes in other forms: the plain calls show the speech itself.
    ok = [r for r in rows if r["status"] == "ok"]
    rates = {r["call_id"]: wer(" ".join(line for _, line in spoken[r["call_id"]]), r["text"])
             for r in ok}
    plain = [rates[c] for c in rates if len(spoken[c]) == PLAIN_CALL_TURNS]
    print(f"transcribe.word_error_rate_mean: {np.mean(list(rates.values())):.3f}")
    print(f"transcribe.word_error_rate_plain_calls_mean: {np.mean(plain):.3f} "
          f"({len(plain)} calls without identity check)")
    print(f"transcribe.word_error_rate_plain_calls_max: {max(plain):.3f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
