"""Command-line entry for `relance simulate`."""

from __future__ import annotations

from relance.not_ready import not_available


def simulate() -> None:
    """Not built yet."""
    not_available("simulate", 2)
