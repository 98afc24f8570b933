"""The simulated customers' words: varied, deterministic, in both languages, with real traps."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from relance.contract import REASON_CODES
from simulator.texts import call_script, feedback_comments
from speech import synthesize


def batch(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    reasons = np.array(REASON_CODES, dtype=object)[rng.integers(len(REASON_CODES), size=n)]
    languages = np.where(rng.random(n) < 0.3, "fr", "en")
    return reasons, languages, feedback_comments(reasons, languages, rng)


def test_comments_are_deterministic_and_one_per_row():
    a = batch(5000, seed=3)[2]
    b = batch(5000, seed=3)[2]
    assert len(a) == 5000 and (a == b).all()
    assert all(isinstance(c, str) and c.strip() for c in a)


def test_comments_are_varied_and_written_in_the_customers_language():
    reasons, languages, comments = batch(8_000, seed=4)
    assert len(set(comments)) > 3_500
    for reason in REASON_CODES:
        assert len(set(comments[(reasons == reason) & (languages == "en")])) > 60, reason
    french = comments[languages == "fr"]
    assert np.mean([any(w in c.lower() for w in (" je ", "j'", " le ", " la ", "mon ", "ma ",
                                                  " pas", "merci", "bonjour"))
                    for c in french]) > 0.8


def test_comments_hold_the_hard_cases():
    _, _, comments = batch(10_000, seed=5)
    text = "\n".join(comments)
    assert "It's not that I forgot, my card expired" in text  # negation
    assert "becuase" in text or "salery" in text or "paymnet" in text  # typos
    assert "log in to the app" in text  # a recurring theme outside the taxonomy
    assert any(c == c.lower() and len(c) > 20 for c in comments)  # all lower case


def test_unknown_reason_is_rejected():
    with pytest.raises(ValueError, match="unknown reason"):
        feedback_comments(np.array(["bored"], dtype=object), np.array(["en"]),
                          np.random.default_rng(0))


def test_call_scripts_state_the_reason_and_sometimes_carry_pii():
    scripts = [call_script(r, lang, np.random.default_rng(i))
               for i, (r, lang) in enumerate((r, lang) for r in REASON_CODES for lang in
                                            ("en", "fr") for _ in range(5))]
    assert all({s for s, _ in script} == {"agent", "customer"} for script in scripts)
    with_identity = [s for s in scripts if len(s) > 7]
    assert 0.25 < len(with_identity) / len(scripts) < 0.75


def test_synthesized_call_is_16k_mono(tmp_path):
    script = call_script("income_shock", "en", np.random.default_rng(1))
    duration = synthesize.synthesize_call(script, tmp_path / "c.wav")
    with wave.open(str(tmp_path / "c.wav")) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16_000, 1, 2)
        assert w.getnframes() / 16_000 == pytest.approx(duration)
    assert 8 < duration < 60


def test_missing_espeak_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(synthesize.shutil, "which", lambda _: None)
    with pytest.raises(synthesize.SynthesisError, match="make system-deps"):
        synthesize.synthesize_call([("agent", "hello")], tmp_path / "x.wav")
