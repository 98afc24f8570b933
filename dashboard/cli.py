"""Command-line entry for `relance dashboard`."""

from __future__ import annotations

from relance.not_ready import not_available


def dashboard() -> None:
    """Not built yet."""
    not_available("dashboard", 6)
