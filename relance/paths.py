"""Where things live by default, so every command agrees without repeating paths."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT  # dbt_project.yml sits at the repository root
DEFAULT_DATA_DIR = Path("data/raw")
DEFAULT_WAREHOUSE = Path("data/warehouse.duckdb")
DEFAULT_REPORTS_DIR = Path("data/reports")
# Outputs derived from a dataset (transcripts, mined reasons) live beside it, so rebuilding the
# warehouse keeps them.
DERIVED_SUBDIR = "_derived"
TRUTH_FILE = "_truth.json"
