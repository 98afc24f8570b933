"""Command-line options shared by every `relance` command, so each means the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from relance.paths import DEFAULT_DATA_DIR, DEFAULT_WAREHOUSE

DataDir = Annotated[
    Path, typer.Option("--data", help="Dataset directory in the raw data contract.")
]
WarehousePath = Annotated[
    Path, typer.Option("--warehouse", help="DuckDB warehouse file.")
]
DEFAULT_DATA = DEFAULT_DATA_DIR
DEFAULT_DB = DEFAULT_WAREHOUSE
