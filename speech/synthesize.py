"""Synthesize a call recording from a dialogue script with espeak-ng.

Real speech for the simulator and the tests: each turn is spoken by espeak-ng (a different voice
for the agent and the customer), turns are joined with short pauses, and the result is written as
16 kHz mono 16-bit WAV, the rate Whisper works at.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import wave
from pathlib import Path

import numpy as np
from scipy.signal import resample_poly

SAMPLE_RATE = 16_000
PAUSE_S = 0.4
# espeak-ng voice per (language, speaker): a base voice plus a variant so the two sound different.
VOICES = {
    ("en", "agent"): "en-us+m3",
    ("en", "customer"): "en-us+f2",
    ("fr", "agent"): "fr+m3",
    ("fr", "customer"): "fr+f3",
}
# Voice and pace measured over the 30 English reason statements with tiny.en: the British
# voice at 165 words per minute was misheard on 3 of them (word error rate > 0.2, mean 0.07;
# "card" heard as "car"); the American variant f2 at 155 on 1 (mean 0.039, max 0.23).
WORDS_PER_MINUTE = 155


class SynthesisError(RuntimeError):
    """espeak-ng is missing or failed."""


def espeak_binary() -> str:
    """Path of espeak-ng, or a clear error saying how to install it."""
    found = shutil.which("espeak-ng")
    if found is None:
        raise SynthesisError(
            "espeak-ng is not installed; run `make system-deps` "
            "(or `apt-get install espeak-ng`) to synthesize call recordings"
        )
    return found


def _speak(text: str, voice: str) -> np.ndarray:
    """One utterance as float32 samples at ``SAMPLE_RATE``."""
    result = subprocess.run(
        [espeak_binary(), "-v", voice, "-s", str(WORDS_PER_MINUTE), "--stdout", text],
        capture_output=True, check=False,
    )
    if result.returncode != 0 or len(result.stdout) < 44:
        raise SynthesisError(f"espeak-ng failed for voice {voice}: {result.stderr.decode()[:200]}")
    wav = result.stdout
    # espeak-ng writes a streaming header whose sizes are placeholders: read the rate from the
    # fmt chunk and take everything after the 44-byte header as 16-bit mono samples.
    (rate,) = struct.unpack("<I", wav[24:28])
    body = wav[44:]
    samples = np.frombuffer(body[: len(body) // 2 * 2], dtype="<i2").astype(np.float32) / 32768
    if rate != SAMPLE_RATE:
        g = np.gcd(rate, SAMPLE_RATE)
        samples = resample_poly(samples, SAMPLE_RATE // g, rate // g).astype(np.float32)
    return samples


def synthesize_call(script: list[tuple[str, str]], out_path: Path, language: str = "en") -> float:
    """Write ``script`` ((speaker, line) pairs) as a 16 kHz mono WAV; return its duration in s."""
    language = "fr" if language == "fr" else "en"
    pause = np.zeros(int(PAUSE_S * SAMPLE_RATE), dtype=np.float32)
    pieces: list[np.ndarray] = [pause]
    for speaker, line in script:
        voice = VOICES[(language, "agent" if speaker == "agent" else "customer")]
        pieces += [_speak(line, voice), pause]
    audio = np.concatenate(pieces)
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(out_path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())
    return len(pcm) / SAMPLE_RATE
