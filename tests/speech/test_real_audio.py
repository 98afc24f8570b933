"""A real human recording (faster-whisper's own test clip, one speaker per stereo channel)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from speech import transcribe_dataset
from speech.word_error import wer

CLIP = Path("/work/shared/realdata/audio/stereo_diarization.wav")
REFERENCE = Path("/work/shared/realdata/audio/stereo_diarization.txt")


@pytest.mark.skipif(not CLIP.exists(), reason="real audio sample not available")
def test_real_stereo_call_is_transcribed_per_channel(tmp_path):
    (tmp_path / "calls").mkdir()
    shutil.copy(CLIP, tmp_path / "calls" / "real.wav")
    pd.DataFrame({"call_id": ["real"], "customer_id": ["c1"],
                  "audio_path": ["calls/real.wav"]}).to_csv(tmp_path / "calls.csv", index=False)
    summary = transcribe_dataset(tmp_path, workers=1)
    assert summary.ok and summary.transcribed == 1
    row = pd.read_parquet(tmp_path / "_derived" / "transcripts.parquet").iloc[0]
    segments = json.loads(row["segments_json"])
    by_channel = {c: " ".join(s["text"] for s in segments if s["channel"] == c) for c in (0, 1)}
    lines = dict(line.split(": ", 1) for line in REFERENCE.read_text().splitlines() if line)
    # The reference is tiny's own expected output per channel (see PROVENANCE.txt).
    assert wer(lines["LEFT channel"], by_channel[0]) <= 0.15, by_channel
    assert wer(lines["RIGHT channel"], by_channel[1]) <= 0.15, by_channel
    assert abs(row["duration_s"] - 5.0) < 0.1
