"""Word error rate of a transcript against the words that were spoken.

Shared by the speech tests and the transcription benchmark so both count errors the same way:
case, punctuation and "21st" written as "twenty first" are not errors a listener would hear.
"""

from __future__ import annotations

import re

import jiwer

_ORDINALS = {
    "1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth",
    "6th": "sixth", "7th": "seventh", "8th": "eighth", "9th": "ninth", "10th": "tenth",
    "11th": "eleventh", "12th": "twelfth", "13th": "thirteenth", "14th": "fourteenth",
    "15th": "fifteenth", "16th": "sixteenth", "17th": "seventeenth", "18th": "eighteenth",
    "19th": "nineteenth", "20th": "twentieth", "21st": "twenty first",
    "22nd": "twenty second", "23rd": "twenty third", "24th": "twenty fourth",
    "25th": "twenty fifth", "26th": "twenty sixth", "27th": "twenty seventh",
    "28th": "twenty eighth",
}


def normalise(text: str) -> str:
    """Lower case, ordinals as words, no punctuation: what WER should not count."""
    text = text.lower().replace("-", " ")
    text = re.sub(r"\b\d+(?:st|nd|rd|th)\b", lambda m: _ORDINALS.get(m.group(), m.group()), text)
    text = re.sub(r"[^\w\s']", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate (substitutions + deletions + insertions over reference words)."""
    return jiwer.wer(normalise(reference), normalise(hypothesis))
