"""The `relance` command's surface: every step is listed, and help works for each."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from relance.cli import app

STEPS = ["simulate", "build", "transcribe", "analyze", "report", "dashboard", "demo"]


def test_top_level_help_lists_every_step() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for step in STEPS:
        assert step in result.output


@pytest.mark.parametrize("step", STEPS)
def test_each_step_has_help(step: str) -> None:
    result = CliRunner().invoke(app, [step, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_unknown_command_fails() -> None:
    result = CliRunner().invoke(app, ["frobnicate"])
    assert result.exit_code != 0
