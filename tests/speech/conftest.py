"""A small dataset with real synthesized calls, every kind of bad audio, and labelled comments.

Built once per test session: espeak-ng speaks scripted calls, the real tiny.en model transcribes
them through ``speech.transcribe_dataset``, and the tests read what it stored.
"""

from __future__ import annotations

import shutil
import wave
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pandas as pd
import pytest

from relance.contract import REASON_CODES
from simulator.texts import call_script, feedback_comments

if shutil.which("espeak-ng") is None:  # pragma: no cover - make test installs it
    pytest.skip("espeak-ng is required (run `make system-deps`)", allow_module_level=True)

CLEAN_REASONS = ("payday_timing", "payment_method_issue", "dispute_or_return")
PII_REASONS = ("hardship_life_event", "forgot_or_unaware")
FORMATS = {"wav": None, "mp3": "libmp3lame", "flac": "flac", "ogg": "libopus", "m4a": "aac"}
FORMAT_LINE = "Hello, I am calling about my payment. I lost my job last month."


def script_with(reason: str, identity: bool, first_seed: int) -> list[tuple[str, str]]:
    """The first call script from ``first_seed`` on that has (or lacks) an identity check."""
    for seed in range(first_seed, first_seed + 200):
        script = call_script(reason, "en", np.random.default_rng(seed))
        has_identity = len(script) > 7
        if has_identity == identity and (not identity or any(
                kind in " ".join(line for _, line in script)
                for kind in ("card number", "phone number", "born"))):
            return script
    raise AssertionError("no script found")


def encode(wav_path: Path, out_path: Path, codec: str) -> None:
    """Re-encode a 16 kHz mono WAV with PyAV (mp3, flac, ogg/opus, m4a/aac)."""
    with wave.open(str(wav_path)) as w:
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    with av.open(str(out_path), "w") as container:
        stream = container.add_stream(codec, rate=16_000)
        stream.layout = "mono"
        frame_size = 1024
        for start in range(0, samples.size, frame_size):
            chunk = samples[start:start + frame_size]
            frame = av.AudioFrame.from_ndarray(chunk[None, :], format="s16", layout="mono")
            frame.sample_rate = 16_000
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def write_wav(path: Path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes(samples.astype("<i2").tobytes())


@dataclass
class SpeechDataset:
    data: Path
    scripts: dict[str, list[tuple[str, str]]]  # call_id -> script, for the synthesized calls
    reasons: dict[str, str]  # call_id -> scripted reason
    bad: dict[str, str]  # call_id -> expected error fragment
    formats: dict[str, str]  # call_id -> format
    summary: object


def build_speech_dataset(root: Path) -> tuple[Path, dict, dict, dict, dict]:
    from speech.synthesize import synthesize_call

    data = root / "raw"
    (data / "calls").mkdir(parents=True)
    rows, scripts, reasons, bad, formats = [], {}, {}, {}, {}

    def add(call_id: str, audio_path: str | None) -> None:
        rows.append({"call_id": call_id, "contact_id": None, "customer_id": f"cust_{call_id}",
                     "started_at": pd.Timestamp("2025-03-01 10:00", tz="UTC"),
                     "duration_s": 0.0, "audio_path": audio_path, "language": "en"})

    for k, reason in enumerate(CLEAN_REASONS + PII_REASONS):
        call_id = f"call_{k:02d}"
        script = script_with(reason, identity=reason in PII_REASONS, first_seed=100 * k)
        synthesize_call(script, data / "calls" / f"{call_id}.wav")
        scripts[call_id], reasons[call_id] = script, reason
        add(call_id, f"calls/{call_id}.wav")

    short = data / "calls" / "short.wav"
    synthesize_call([("customer", FORMAT_LINE)], short)
    for ext, codec in FORMATS.items():
        call_id = f"format_{ext}"
        if codec is None:
            shutil.copy(short, data / "calls" / f"{call_id}.{ext}")
        else:
            encode(short, data / "calls" / f"{call_id}.{ext}", codec)
        formats[call_id] = ext
        add(call_id, f"calls/{call_id}.{ext}")
    short.unlink()

    (data / "calls" / "corrupt.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(
        np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8)))
    (data / "calls" / "empty.wav").write_bytes(b"")
    write_wav(data / "calls" / "silent.wav", np.zeros(16_000 * 3))
    (data / "calls" / "voice.aiff").write_bytes(b"FORM\x00\x00\x00\x04AIFF")
    for call_id, path, error in (
        ("bad_corrupt", "calls/corrupt.wav", "cannot decode audio"),
        ("bad_empty", "calls/empty.wav", "empty file"),
        ("bad_silent", "calls/silent.wav", "silent recording"),
        ("bad_format", "calls/voice.aiff", "unsupported format"),
        ("bad_missing", "calls/not_there.wav", "file not found"),
    ):
        bad[call_id] = error
        add(call_id, path)
    pd.DataFrame(rows).to_parquet(data / "calls.parquet")

    rng = np.random.default_rng(11)
    n = 1200
    true = np.array(REASON_CODES, dtype=object)[rng.integers(len(REASON_CODES), size=n)]
    languages = np.where(rng.random(n) < 0.3, "fr", "en")
    comments = feedback_comments(true, languages, rng)
    labelled = rng.random(n) < 0.7
    pd.DataFrame({
        "feedback_id": [f"fb_{i:05d}" for i in range(n)],
        "customer_id": [f"cust_{i:05d}" for i in range(n)],
        "plan_id": None,
        "submitted_at": pd.Timestamp("2025-03-02", tz="UTC"),
        "channel": "web",
        "reason_code": np.where(labelled, true, None),
        "comment": comments,
        "satisfaction": 3,
    }).to_parquet(data / "feedback.parquet")
    return data, scripts, reasons, bad, formats


@pytest.fixture(scope="session")
def speech_dataset(tmp_path_factory: pytest.TempPathFactory) -> SpeechDataset:
    from speech import transcribe_dataset

    data, scripts, reasons, bad, formats = build_speech_dataset(tmp_path_factory.mktemp("speech"))
    summary = transcribe_dataset(data, workers=2)
    return SpeechDataset(data, scripts, reasons, bad, formats, summary)


@pytest.fixture(scope="session")
def transcripts(speech_dataset: SpeechDataset) -> pd.DataFrame:
    return pd.read_parquet(speech_dataset.data / "_derived" / "transcripts.parquet")


@pytest.fixture
def small_comments() -> pd.DataFrame:
    """Too few labelled comments to train a model (the rules-only fallback)."""
    rng = np.random.default_rng(3)
    n = 60
    true = np.array(REASON_CODES, dtype=object)[rng.integers(len(REASON_CODES), size=n)]
    return pd.DataFrame({
        "feedback_id": [f"fb{i}" for i in range(n)], "customer_id": [f"c{i}" for i in range(n)],
        "submitted_at": pd.Timestamp("2025-03-02", tz="UTC"), "channel": "web",
        "reason_code": true, "comment": feedback_comments(true, np.full(n, "en"), rng),
    })
