"""Fixtures for the report tests: a hand-made warehouse for edge cases, one print run of PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reports.handmade import build_handmade_warehouse


@pytest.fixture(scope="session")
def handmade_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_handmade_warehouse(tmp_path_factory.mktemp("handmade") / "warehouse.duckdb")
