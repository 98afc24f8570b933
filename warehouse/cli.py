"""Command-line entry for `relance build`."""

from __future__ import annotations

from relance.not_ready import not_available


def build() -> None:
    """Not built yet."""
    not_available("build", 3)
