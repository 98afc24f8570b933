"""Command-line entry for `relance report`."""

from __future__ import annotations

from relance.not_ready import not_available


def report() -> None:
    """Not built yet."""
    not_available("report", 7)
