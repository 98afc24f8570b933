"""Command-line entry for `relance analyze`."""

from __future__ import annotations

from relance.not_ready import not_available


def analyze() -> None:
    """Not built yet."""
    not_available("analyze", 5)
