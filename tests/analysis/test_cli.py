"""`relance analyze` from the command line: a clear refusal without a warehouse, and a real run
(progress, summary, insights written) on the small shared warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from relance.cli import app


def test_analyze_without_a_warehouse_says_which_command_to_run(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["analyze", "--warehouse", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert "relance build" in result.output


def test_analyze_writes_insights_on_the_small_warehouse(small_warehouse: Path,
                                                        tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(small_warehouse, warehouse)
    result = CliRunner().invoke(app, ["analyze", "--warehouse", str(warehouse)])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(warehouse), read_only=True)
    meta = con.execute("select as_of_date, analyses_failed from insights.run_metadata").fetchone()
    built = con.execute("select max(as_of_date) from mart_build_info").fetchone()[0]
    assert meta == (built, 0)
    columns = {r[0] for r in con.execute("select * from insights.root_causes limit 0").description}
    assert {"cause_id", "title", "category", "scope", "merchant_id", "effect_metric",
            "effect_size", "ci_low", "ci_high", "p_value", "q_value", "significant",
            "customers_affected", "money_at_stake_month", "money_ci_low", "money_ci_high",
            "recommended_action", "evidence"} <= columns
    con.close()
