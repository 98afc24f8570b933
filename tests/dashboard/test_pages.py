"""Every page, run by Streamlit's AppTest against a real warehouse built by the pipeline.

For each page: no exception, the expected elements, every section has its data (nothing asks
for a pipeline step), and changing a global filter changes the numbers shown.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
TIMEOUT = 120

# page -> minimum count of each element kind, and the global filter whose change must show
EXPECTED: dict[str, tuple[dict[str, int], str]] = {
    "overview": ({"metric": 12, "plotly_chart": 2, "dataframe": 1}, "merchant"),
    "recovery": ({"plotly_chart": 6, "dataframe": 5}, "merchant"),
    "channels": ({"plotly_chart": 7, "dataframe": 5}, "merchant"),
    "root_causes": ({"metric": 4, "plotly_chart": 3, "dataframe": 4}, "merchant"),
    "voice": ({"plotly_chart": 2, "dataframe": 2}, "merchant"),
    "segments": ({"plotly_chart": 4, "dataframe": 6}, "merchant"),
    "compliance": ({"metric": 3, "plotly_chart": 2, "dataframe": 2}, "country"),
    "merchants": ({"iframe": 1, "download_button": 1}, "merchant"),
}


def open_page(page: str, query: dict[str, str] | None = None) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    app.run()
    if page != "overview":
        app.switch_page(f"views/{page}.py").run()
    return app


def numbers(app: AppTest) -> str:
    """A fingerprint of every figure on the page: tiles, tables, charts, embedded report."""
    parts = [str(metric.value) for metric in app.metric]
    parts += [frame.value.to_csv() for frame in app.dataframe]
    parts += [element.proto.spec for element in app.get("plotly_chart")]
    parts += [str(element.proto) for element in app.get("iframe")]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def pending_steps(app: AppTest) -> list[str]:
    return [info.value for info in app.info if "Run `" in info.value or "run `" in info.value]


def biggest(warehouse: Path, column: str, table: str) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"SELECT {column} FROM {table} GROUP BY 1 ORDER BY count(*) DESC "
                           "LIMIT 1").fetchone()[0]


def filter_label(app: AppTest, key: str, value: str) -> str:
    """The option's label, which is what the URL carries for a bound widget."""
    widget = app.multiselect(key=key)
    return next(option for option in widget.options if option.endswith(f"({value})"))


@pytest.fixture
def served(dashboard_setup, serve_warehouse):
    """The app reads the pipeline's warehouse and reports for this test."""
    serve_warehouse(dashboard_setup.warehouse, dashboard_setup.reports)
    return dashboard_setup


@pytest.mark.parametrize("page", list(EXPECTED))
def test_page_renders_its_elements_and_follows_filters(served, page: str, request) -> None:
    minimums, filter_key = EXPECTED[page]
    if page == "merchants":
        request.getfixturevalue("merchant_reports")
    app = open_page(page)
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    for kind, minimum in minimums.items():
        assert len(app.get(kind)) >= minimum, f"{page}: {len(app.get(kind))} {kind} < {minimum}"
    assert not pending_steps(app), pending_steps(app)

    before = numbers(app)
    if filter_key == "merchant":
        value = biggest(served.warehouse, "merchant_id", "fct_collection_cases")
    else:
        value = biggest(served.warehouse, "country", "mart_contact_compliance_customers")
    app.multiselect(key=filter_key).select(value).run()
    assert app.multiselect(key=filter_key).value == [value]
    assert not app.exception, [e.value for e in app.exception]
    assert numbers(app) != before, f"{page}: filtering by {filter_key} changed nothing"


def test_a_shared_url_restores_the_view(served) -> None:
    """Opening the address with the filters' query string shows the same view (the widgets are
    bound to the URL; the browser test checks the address bar follows the widgets)."""
    merchant = biggest(served.warehouse, "merchant_id", "fct_collection_cases")
    app = open_page("overview")
    label = filter_label(app, "merchant", merchant)
    app.multiselect(key="merchant").select(merchant).run()
    app.multiselect(key="plan").select("pay_in_4").run()
    tiles = [metric.value for metric in app.metric]

    reopened = open_page("overview", query={"merchant": label, "plan": "pay_in_4"})
    assert reopened.multiselect(key="merchant").value == [merchant]
    assert reopened.multiselect(key="plan").value == ["pay_in_4"]
    assert [metric.value for metric in reopened.metric] == tiles


def test_date_range_changes_the_kpis(served) -> None:
    app = open_page("overview")
    start, end = app.date_input(key="period").value
    before = [metric.value for metric in app.metric]
    app.date_input(key="period").set_value((start, start + (end - start) / 3)).run()
    assert not app.exception
    assert [metric.value for metric in app.metric] != before


def test_transcripts_search_and_audio(served) -> None:
    app = open_page("overview")
    period = app.date_input(key="period")
    period.set_value((period.min, period.max)).run()
    app.switch_page("views/voice.py").run()
    shown = len(app.expander)
    assert shown >= 1 and len(app.get("audio")) == shown
    app.text_input(key="voice-search").input("zzzz-no-such-words").run()
    assert len(app.expander) == 0
    assert any("No transcripts" in info.value for info in app.info)


def test_missing_warehouse_says_to_build(tmp_path: Path, serve_warehouse) -> None:
    serve_warehouse(tmp_path / "nothing-here.duckdb")
    for page in EXPECTED:
        app = open_page(page)
        assert not app.exception, [e.value for e in app.exception]
        assert any("relance build" in warning.value for warning in app.warning), page


def test_without_insights_pages_say_to_analyze(
    served, tmp_path: Path, serve_warehouse
) -> None:
    bare = tmp_path / "warehouse.duckdb"
    shutil.copy(served.warehouse, bare)
    with duckdb.connect(str(bare)) as con:
        con.execute("DROP SCHEMA insights CASCADE")
    serve_warehouse(bare)
    overview = open_page("overview")
    assert not overview.exception
    assert len(overview.metric) >= 12  # marts still answer
    assert any("relance analyze" in message for message in pending_steps(overview))
    merchants = open_page("merchants")
    assert any("relance report --all" in info.value for info in merchants.info)
