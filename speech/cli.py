"""Command-line entry for `relance transcribe`."""

from __future__ import annotations

from relance.not_ready import not_available


def transcribe() -> None:
    """Not built yet."""
    not_available("transcribe", 4)
