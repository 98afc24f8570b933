"""Real audio end to end: espeak-ng calls transcribed by the real tiny.en model."""

from __future__ import annotations

import json
import re

import pandas as pd
from typer.testing import CliRunner

from relance.cli import app
from speech.pipeline import transcribe_dataset
from speech.word_error import normalise, wer


def test_every_listed_recording_has_one_row(speech_dataset, transcripts):
    calls = pd.read_parquet(speech_dataset.data / "calls.parquet")
    assert sorted(transcripts["call_id"]) == sorted(calls["call_id"])
    assert transcripts["call_id"].is_unique
    ok = transcripts[transcripts["status"] == "ok"]
    assert set(ok["call_id"]) == set(speech_dataset.scripts) | set(speech_dataset.formats)
    assert (ok["model"].str.startswith("tiny.en@")).all()
    assert (ok["language"] == "en").all()
    assert (ok["duration_s"] > 1).all()
    assert ok["avg_logprob"].between(-3, 0).all()
    assert ok["no_speech_prob"].between(0, 1).all()
    assert (ok["real_time_factor"] > 0).all()
    assert ok["audio_sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert ok["transcribed_at"].notna().all()


def test_segments_are_timestamped_and_match_text(transcripts):
    for row in transcripts[transcripts["status"] == "ok"].itertuples():
        segments = json.loads(row.segments_json)
        assert segments, row.call_id
        starts = [s["start"] for s in segments]
        assert starts == sorted(starts)
        assert all(s["end"] >= s["start"] for s in segments)
        assert normalise(" ".join(s["text"] for s in segments)) == normalise(row.text)


def test_word_error_rate_on_synthetic_speech(speech_dataset, transcripts):
    by_id = transcripts.set_index("call_id")
    clean = [c for c, s in speech_dataset.scripts.items() if len(s) == 7]
    assert len(clean) >= 3
    rates = {c: wer(" ".join(line for _, line in speech_dataset.scripts[c]), by_id.at[c, "text"])
             for c in clean}
    assert max(rates.values()) <= 0.25, rates


def test_each_audio_format_decodes(speech_dataset, transcripts):
    by_id = transcripts.set_index("call_id")
    from tests.speech.conftest import FORMAT_LINE

    reference = by_id.at["format_wav", "text"]
    assert wer(FORMAT_LINE, reference) <= 0.25, reference
    for call_id, ext in speech_dataset.formats.items():
        assert by_id.at[call_id, "status"] == "ok", (ext, by_id.at[call_id, "error"])
        # Compressed copies of the same clip must decode to (nearly) the same words.
        assert wer(reference, by_id.at[call_id, "text"]) <= 0.2, (ext, by_id.at[call_id, "text"])


def test_mined_reason_matches_the_scripted_one(speech_dataset):
    reasons = pd.read_parquet(speech_dataset.data / "_derived" / "text_reasons.parquet")
    calls = reasons[(reasons["source"] == "call") & (reasons["rank"] == 1)].set_index("source_id")
    for call_id, reason in speech_dataset.reasons.items():
        assert calls.at[call_id, "reason"] == reason, (call_id, calls.loc[call_id].to_dict())
        assert 0 < calls.at[call_id, "confidence"] <= 1
        assert calls.at[call_id, "customer_id"] == f"cust_{call_id}"


def test_bad_audio_is_recorded_not_fatal(speech_dataset, transcripts):
    by_id = transcripts.set_index("call_id")
    for call_id, fragment in speech_dataset.bad.items():
        assert by_id.at[call_id, "status"] == "failed"
        assert fragment in by_id.at[call_id, "error"], (call_id, by_id.at[call_id, "error"])
        assert pd.isna(by_id.at[call_id, "text"])
    summary = speech_dataset.summary
    assert summary.failed == len(speech_dataset.bad)
    assert summary.transcribed == len(speech_dataset.scripts) + len(speech_dataset.formats)
    assert not summary.ok


def test_pii_never_reaches_the_stored_transcript(speech_dataset, transcripts):
    by_id = transcripts.set_index("call_id")
    pii_calls = [c for c, s in speech_dataset.scripts.items() if len(s) > 7]
    assert pii_calls
    for call_id in pii_calls:
        stored = by_id.at[call_id, "text"] + by_id.at[call_id, "segments_json"]
        assert re.search(r"\[(CARD|PHONE|DOB|NUMBER)\]", stored), stored
        assert not re.search(r"\d[\s,.-]*\d[\s,.-]*\d[\s,.-]*\d[\s,.-]*\d[\s,.-]*\d[\s,.-]*\d",
                             stored), stored  # no run of 7 digits survives
        assert not re.search(r"19[5-9]\d|200[0-3]", stored), stored  # no birth year


def test_second_run_is_idempotent_and_cli_exits_nonzero_on_failures(speech_dataset,
                                                                   transcripts):
    result = CliRunner().invoke(app, ["transcribe", "--data", str(speech_dataset.data)])
    assert result.exit_code == 1, result.output
    assert "skipped (already done)" in result.output
    assert "bad_missing" in result.output and "file not found" in result.output
    again = pd.read_parquet(speech_dataset.data / "_derived" / "transcripts.parquet")
    assert len(again) == len(transcripts) and again["call_id"].is_unique
    ok_before = transcripts[transcripts["status"] == "ok"].set_index("call_id")
    ok_after = again[again["status"] == "ok"].set_index("call_id")
    pd.testing.assert_frame_equal(ok_before.sort_index(), ok_after.sort_index())
    summary = transcribe_dataset(speech_dataset.data)
    assert summary.transcribed == 0
    assert summary.skipped == len(ok_before)
    reasons = pd.read_parquet(speech_dataset.data / "_derived" / "text_reasons.parquet")
    assert not reasons.duplicated(["source", "source_id", "reason"]).any()


def test_derived_outputs_have_the_documented_columns(speech_dataset):
    derived = speech_dataset.data / "_derived"
    expected = {
        "transcripts": ["call_id", "audio_sha256", "model", "status", "error", "language",
                        "duration_s", "text", "segments_json", "avg_logprob", "no_speech_prob",
                        "real_time_factor", "transcribed_at"],
        "text_reasons": ["source", "source_id", "customer_id", "reason", "confidence", "quote",
                         "method", "model_version"],
        "text_flags": ["source", "source_id", "customer_id", "flag", "detail", "quote"],
        "themes": ["theme_id", "top_terms", "doc_count", "example_quote"],
    }
    for name, columns in expected.items():
        frame = pd.read_parquet(derived / f"{name}.parquet")
        assert list(frame.columns[: len(columns)]) == columns, name
        assert len(frame) > 0, name
    reasons = pd.read_parquet(derived / "text_reasons.parquet")
    assert set(reasons["source"]) == {"call", "feedback"}
    assert reasons["method"].isin(["rule", "model"]).all()
    assert reasons["confidence"].between(0, 1).all()


def test_dataset_without_recordings_exits_zero(tmp_path, small_comments):
    small_comments.to_parquet(tmp_path / "feedback.parquet")
    pd.DataFrame({"call_id": pd.Series(dtype=str), "customer_id": pd.Series(dtype=str),
                  "audio_path": pd.Series(dtype=str)}).to_csv(tmp_path / "calls.csv",
                                                                index=False)
    result = CliRunner().invoke(app, ["transcribe", "--data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "rules only" in result.output or "rules_only" in result.output
    reasons = pd.read_parquet(tmp_path / "_derived" / "text_reasons.parquet")
    assert (reasons["method"] == "rule").all() and len(reasons) > 0


def test_missing_dataset_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["transcribe", "--data", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "dataset directory not found" in result.output
