"""Reports on warehouses built by the real pipeline (simulator → dbt build).

The expected figures are queried from the marts here and looked for in the rendered reports;
isolation is checked by scanning every written file, HTML and PDF, for every other merchant's
id and name with a scan written here (not the one the writer uses).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from plotly.offline import get_plotlyjs
from pypdf import PdfReader

from reports import render_html, write_reports
from tests.reports.test_handmade import visible_text

PDF_MERCHANTS = 2


def _query(warehouse: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).df()


def _merchants(warehouse: Path) -> pd.DataFrame:
    return _query(warehouse, "select * from dim_merchants order by plans desc, merchant_id")


def _pct(share: float) -> str:
    return f"{share * 100:.1f} %"


@pytest.fixture(scope="module")
def written(small_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every merchant's HTML report, and PDFs for the largest few, in one directory."""
    out = tmp_path_factory.mktemp("reports")
    write_reports(small_warehouse, None, "html", out)
    largest = _merchants(small_warehouse).merchant_id.head(PDF_MERCHANTS).tolist()
    write_reports(small_warehouse, largest, "pdf", out)
    return out


def test_headline_figures_equal_the_marts(small_warehouse: Path) -> None:
    merchants = _merchants(small_warehouse)
    merchant = merchants.iloc[0]
    text = visible_text(render_html(small_warehouse, merchant.merchant_id))

    kpis = _query(
        small_warehouse,
        """select merchant_id,
                  sum(cases_recovered_amount) / sum(cases_overdue_amount) as recovery,
                  sum(cases_cured) / sum(cases_opened) as cure,
                  sum(late_paid_amount_days) / sum(late_paid_amount) as ado,
                  sum(cases_opened) as cases
           from mart_kpis_daily group by merchant_id""",
    ).set_index("merchant_id")
    failures = _query(
        small_warehouse,
        """select merchant_id, sum(failed_first_attempts) / sum(first_attempts) as failure
           from mart_payment_failures group by merchant_id""",
    ).set_index("merchant_id")
    mine = kpis.loc[merchant.merchant_id]
    assert f"Recovery rate {_pct(mine.recovery)}" in text
    assert f"Cases fully settled {_pct(mine.cure)}" in text
    assert f"{mine.ado:.1f} days" in text
    assert f"First debits that fail {_pct(failures.failure[merchant.merchant_id])}" in text

    sector = merchants[(merchants.sector == merchant.sector)
                       & (merchants.merchant_id != merchant.merchant_id)]
    peers = (sector if len(sector) >= 5 else merchants[merchants.merchant_id
                                                       != merchant.merchant_id]).merchant_id
    assert len(peers) >= 5
    peer_recovery = kpis.recovery.reindex(peers).dropna().median()
    assert f"Recovery rate {_pct(mine.recovery)} {_pct(peer_recovery)}" in text

    volume = _query(
        small_warehouse,
        """select (select count(distinct customer_id) from fct_collection_cases
                   where merchant_id = $1) as behind,
                  (select count(*) from fct_installments
                   where merchant_id = $1 and first_attempt_status is not null) as debited""",
        [merchant.merchant_id],
    ).iloc[0]
    assert (f"covers your {merchant.plans:,} payment plans and the {volume.debited:,} "
            "installments debited so far") in text
    assert f"{volume.behind:,} of your customers fell behind at least once" in text
    assert f"{int(mine.cases):,} times an installment went unpaid" in text

    curve = _query(
        small_warehouse,
        """select sum(recovered_amount_cumulative) / sum(overdue_amount_observed) as share
           from mart_cohort_recovery
           where segment_type = 'merchant' and segment_value = ? and days_since_opened = 30""",
        [merchant.merchant_id],
    ).share[0]
    assert "Recovered by day 5 day 30 day 60 day 90 You " in text
    yours = text.split("Recovered by day 5 day 30 day 60 day 90 You ")[1].split(" Peers")[0]
    assert yours.split(" % ")[1] == _pct(curve).removesuffix(" %")


def _leaks(text: str, merchant_id: str, merchants: pd.DataFrame) -> list[str]:
    found = []
    for other in merchants.itertuples():
        if other.merchant_id == merchant_id:
            continue
        for term in (other.merchant_id, other.merchant_name):
            if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text, re.IGNORECASE):
                found.append(term)
    return found


def test_no_report_mentions_another_merchant(small_warehouse: Path, written: Path) -> None:
    merchants = _merchants(small_warehouse)
    library = get_plotlyjs()  # identical in every report, holds no data
    htmls = sorted(written.glob("*.html"))
    assert {p.stem for p in htmls} == set(merchants.merchant_id) | {"index"}
    for path in htmls:
        if path.stem == "index":
            continue
        text = path.read_text(encoding="utf-8").replace(library, "")
        text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
        assert path.stem in text
        assert _leaks(text, path.stem, merchants) == [], path.name
    pdfs = sorted(written.glob("*.pdf"))
    assert len(pdfs) == PDF_MERCHANTS
    for path in pdfs:
        text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
        assert _leaks(text, path.stem, merchants) == [], path.name


def test_pdf_renders_with_headline_figures(small_warehouse: Path, written: Path) -> None:
    merchants = _merchants(small_warehouse).set_index("merchant_id")
    for path in sorted(written.glob("*.pdf")):
        reader = PdfReader(path)
        assert len(reader.pages) >= 3
        text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        recovery, failure = _query(
            small_warehouse,
            """select (select sum(cases_recovered_amount) / sum(cases_overdue_amount)
                       from mart_kpis_daily where merchant_id = $1),
                      (select sum(failed_first_attempts) / sum(first_attempts)
                       from mart_payment_failures where merchant_id = $1)""",
            [path.stem],
        ).iloc[0]
        assert f"Collections report: {merchants.merchant_name[path.stem]}" in text
        assert f"Recovery rate {_pct(recovery)}" in text
        assert f"First debits that fail {_pct(failure)}" in text
        # Axis titles exist only once plotly has drawn the chart into the page.
        assert "days since the installment became overdue" in text


def test_merchant_with_too_little_data(tmp_path: Path) -> None:
    """A real build of a hand-made dataset of 3 merchants and 6 customers."""
    from tests.warehouse.tiny_dataset import write_tiny_dataset
    from warehouse import build_warehouse

    data = write_tiny_dataset(tmp_path / "raw")
    warehouse = tmp_path / "tiny.duckdb"
    build_warehouse(data=data, warehouse=warehouse)
    paths = write_reports(warehouse, None, "html", tmp_path / "out")
    merchants = _merchants(warehouse)
    assert {p.stem for p in paths} == set(merchants.merchant_id) | {"index"}
    for merchant_id in merchants.merchant_id:
        text = visible_text((tmp_path / "out" / f"{merchant_id}.html").read_text())
        assert "Too little data for recommendations" in text
        assert "too few to compare with" in text  # 2 other merchants: no peer figures
        assert "What to change" not in text
