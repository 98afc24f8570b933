"""A plain refusal for steps whose issue has not landed: nothing pretends to work."""

from __future__ import annotations

import typer
from rich.console import Console


def not_available(step: str, issue: int) -> None:
    """Say the step is not built yet and exit with status 2."""
    Console(stderr=True).print(
        f"[bold red]relance {step} is not available yet[/] (tracked in issue #{issue})."
    )
    raise typer.Exit(code=2)
