"""`relance report`: argument errors, and a real run writing HTML, PDF and the index."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from relance.cli import app
from reports.isolation import find_leaks, pdf_text
from tests.reports.handmade import MERCHANTS

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, ["report", *args])


def test_needs_exactly_one_of_merchant_or_all(handmade_warehouse: Path, tmp_path: Path) -> None:
    for args in ([], ["--merchant", "M01", "--all"]):
        result = _run(*args, "--warehouse", str(handmade_warehouse), "--out", str(tmp_path))
        assert result.exit_code == 2
        assert "exactly one of --merchant ID or --all" in result.output
    assert not list(tmp_path.iterdir())


def test_unknown_format_is_named(handmade_warehouse: Path, tmp_path: Path) -> None:
    result = _run("--all", "--format", "html,docx", "--warehouse", str(handmade_warehouse),
                  "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "docx" in result.output


def test_missing_warehouse_says_what_to_run(tmp_path: Path) -> None:
    result = _run("--all", "--warehouse", str(tmp_path / "none.duckdb"))
    assert result.exit_code == 1
    assert "relance build" in result.output


def test_unknown_merchant_fails_before_writing(handmade_warehouse: Path, tmp_path: Path) -> None:
    result = _run("--merchant", "M99", "--warehouse", str(handmade_warehouse),
                  "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "M99" in result.output
    assert not (tmp_path / "M99.html").exists()


@pytest.mark.slow
def test_one_merchant_html_and_pdf(handmade_warehouse: Path, tmp_path: Path) -> None:
    result = _run("--merchant", "M03", "--warehouse", str(handmade_warehouse),
                  "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["M03.html", "M03.pdf", "index.html"]
    text = pdf_text(tmp_path / "M03.pdf")
    with duckdb.connect(str(handmade_warehouse), read_only=True) as con:
        failure_rate, money = con.execute(
            """select (select sum(failed_first_attempts) / sum(first_attempts)
                       from mart_payment_failures where merchant_id = 'M03'),
                      (select money_at_stake_month from insights.root_causes
                       where merchant_id = 'M03')"""
        ).fetchone()
    assert "Collections report: Casa Verde" in text
    assert f"{failure_rate * 100:.1f} %" in text
    assert f"{money / 1000:.0f}k EUR" in text
    # Chart text (axis titles) is in the PDF only if plotly drew the charts before printing.
    assert "days since the installment became overdue" in text
    assert "EUR per month at stake" in text
    others = {m.merchant_id: m.name for m in MERCHANTS if m.merchant_id != "M03"}
    assert find_leaks(text, others) == []


def test_all_merchants_html(handmade_warehouse: Path, tmp_path: Path) -> None:
    result = _run("--all", "--format", "html", "--warehouse", str(handmade_warehouse),
                  "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    written = {p.name for p in tmp_path.iterdir()}
    assert written == {f"{m.merchant_id}.html" for m in MERCHANTS} | {"index.html"}
    index = (tmp_path / "index.html").read_text()
    assert all(f'href="{m.merchant_id}.html"' in index for m in MERCHANTS)


def test_callable_as_a_function_like_relance_demo(handmade_warehouse: Path, tmp_path: Path) -> None:
    from reports.cli import report

    report(all_merchants=True, warehouse=handmade_warehouse, formats="html", out=tmp_path)
    assert {p.stem for p in tmp_path.glob("*.html")} == {m.merchant_id for m in MERCHANTS} | {
        "index"
    }
