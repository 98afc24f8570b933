"""Report logic on a hand-made warehouse: peers, isolation, small merchants, figures.

The expected figures are recomputed here with pandas from the same mart tables, independently
of the SQL in ``reports.content``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from reports import formatting as fmt
from reports.content import MIN_PEERS, ReportReader, UnknownMerchantError
from reports.definitions import KPI_SPECS
from reports.isolation import find_leaks, scannable_text
from reports.writer import IsolationError, render_html, write_reports
from tests.reports.handmade import MERCHANTS


def _read(warehouse: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).df()


def visible_text(page: str) -> str:
    """The report as a reader sees it: scripts, styles and tags dropped, entities decoded."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", scannable_text(text))


def _others(merchant_id: str) -> dict[str, str]:
    return {m.merchant_id: m.name for m in MERCHANTS if m.merchant_id != merchant_id}


def _expected_kpis(warehouse: Path, merchant_id: str, peers: list[str]) -> dict[str, tuple]:
    """Each KPI's ratio for the merchant and the median over peers that have it (pandas)."""
    expected = {}
    for spec in KPI_SPECS:
        frame = _read(warehouse, f"select * from {spec.mart}")
        sums = frame.groupby("merchant_id")[[spec.numerator, spec.denominator]].sum()
        ratio = (sums[spec.numerator] / sums[spec.denominator].where(sums[spec.denominator] != 0))
        mine = ratio.get(merchant_id)
        theirs = ratio.reindex(peers).dropna()
        median = theirs.median() if len(theirs) >= MIN_PEERS else None
        expected[spec.key] = (None if pd.isna(mine) else mine, median)
    return expected


def test_sector_peers_medians_match_pandas(handmade_warehouse: Path) -> None:
    with duckdb.connect(str(handmade_warehouse), read_only=True) as con:
        report = ReportReader(con).report("M02")
    assert report.peers.scope == "sector"
    assert report.peers.merchants == 5
    sector_peers = ["M01", "M03", "M04", "M05", "M12"]
    expected = _expected_kpis(handmade_warehouse, "M02", sector_peers)
    by_key = {k.key: k for k in report.kpis}
    assert set(by_key) == {s.key for s in KPI_SPECS}
    for key, (mine, median) in expected.items():
        assert by_key[key].value == pytest.approx(mine), key
        if median is None:
            # M12 has no cases, so only 4 peers have case KPIs: the median is withheld.
            assert by_key[key].peer_median is None, key
        else:
            assert by_key[key].peer_median == pytest.approx(median), key
    assert by_key["recovery_rate"].peer_median is None
    assert by_key["first_attempt_failure_rate"].peer_median is not None


def test_small_sector_falls_back_to_all_other_merchants(handmade_warehouse: Path) -> None:
    with duckdb.connect(str(handmade_warehouse), read_only=True) as con:
        report = ReportReader(con).report("M10")
    assert report.peers.scope == "all_other"
    assert report.peers.merchants == len(MERCHANTS) - 1
    peers = [m.merchant_id for m in MERCHANTS if m.merchant_id != "M10"]
    expected = _expected_kpis(handmade_warehouse, "M10", peers)
    by_key = {k.key: k for k in report.kpis}
    assert by_key["recovery_rate"].peer_median == pytest.approx(expected["recovery_rate"][1])
    # The peer recovery curve is the median of the peers' own curves at each day.
    curves = _read(
        handmade_warehouse,
        """select segment_value, days_since_opened as day,
                  sum(recovered_amount_cumulative) / sum(overdue_amount_observed) as share
           from mart_cohort_recovery group by all""",
    )
    at_30 = curves[curves["day"] == 30].set_index("segment_value")["share"]
    peer_30 = next(p.share for p in report.peer_curve if p.day == 30)
    assert peer_30 == pytest.approx(at_30.reindex(peers).median())
    mine_30 = next(p.share for p in report.curve if p.day == 30)
    assert mine_30 == pytest.approx(at_30["M10"])


def test_too_few_merchants_omits_peer_figures(handmade_warehouse: Path, tmp_path: Path) -> None:
    few = tmp_path / "few.duckdb"
    shutil.copy(handmade_warehouse, few)
    with duckdb.connect(str(few)) as con:
        con.execute("delete from dim_merchants where merchant_id not in ('M01','M02','M03','M10')")
        # A comparison with the other merchants (pooled) would quote 3 merchants' figures.
        con.execute(
            """insert into insights.root_causes (cause_id, title, category, scope, merchant_id,
                   significant, money_at_stake_month, recommended_action, evidence)
               values ('merchant_default_rate:M01', 'Your default rate is above others',
                       'merchant_defect', 'M01', 'M01', true, 99999,
                       'Review checkout', 'Default rate 9% vs others 5%')"""
        )
    page = render_html(few, "M01")
    with duckdb.connect(str(few), read_only=True) as con:
        report = ReportReader(con).report("M01")
    assert report.peers.scope == "none"
    assert all(k.peer_median is None for k in report.kpis)
    assert report.peer_curve == []
    assert report.channel_advice == []  # portfolio-wide figures pool too few merchants
    assert [c.cause_id for c in report.root_causes] == ["debit_timing"]
    assert "too few to compare with" in page
    assert "Peers (median)</th>" not in page


def test_report_shows_the_figures_it_read(handmade_warehouse: Path) -> None:
    page = render_html(handmade_warehouse, "M03")
    text = visible_text(page)
    cause = _read(
        handmade_warehouse,
        "select * from insights.root_causes where merchant_id = 'M03'",
    ).iloc[0]
    assert f"{round(cause.money_at_stake_month / 1000):.0f}k EUR" in text
    assert f"{cause.customers_affected:,} of your customers" in text
    assert "Offer payday-aligned debit dates" in text
    failures = _read(
        handmade_warehouse,
        """select sum(failed_first_attempts) / sum(first_attempts) as r
           from mart_payment_failures where merchant_id = 'M03'""",
    ).r[0]
    assert f"{failures * 100:.1f} %" in text
    plans, debited = _read(
        handmade_warehouse,
        """select (select plans from dim_merchants where merchant_id = 'M03') as plans,
                  (select sum(first_attempts) from mart_payment_failures
                   where merchant_id = 'M03') as debited""",
    ).iloc[0]
    debited_text = f"the {int(debited):,} installments debited"
    assert f"your {int(plans):,} payment plans and {debited_text}" in text
    # Its own quote names itself: allowed in its own report.
    assert "returned the parcel to Casa Verde" in text


def test_quote_naming_another_merchant_is_left_out(handmade_warehouse: Path) -> None:
    page = render_html(handmade_warehouse, "M01")
    assert "Casa Verde" not in page
    assert "My salary comes on the 28th" in page


def test_small_merchant_gets_a_plain_report(handmade_warehouse: Path) -> None:
    page = render_html(handmade_warehouse, "M12")
    assert "Too little data for recommendations" in page
    debited = _read(
        handmade_warehouse,
        "select sum(first_attempts) as n from mart_payment_failures where merchant_id = 'M12'",
    ).n[0]
    assert f"{int(debited)} installments debited and 0 collection cases" in visible_text(page)
    assert 'id="recommendations"' not in page
    assert "Offer payday-aligned debit dates" not in page


def test_unknown_merchant_is_refused(handmade_warehouse: Path) -> None:
    with pytest.raises(UnknownMerchantError, match="M99"):
        render_html(handmade_warehouse, "M99")


def test_every_report_is_free_of_other_merchants(handmade_warehouse: Path, tmp_path: Path) -> None:
    paths = write_reports(handmade_warehouse, None, "html", tmp_path)
    reports = [p for p in paths if p.name != "index.html"]
    assert len(reports) == len(MERCHANTS)
    for path in reports:
        merchant_id = path.stem
        leaks = find_leaks(scannable_text(path.read_text()), _others(merchant_id))
        assert leaks == [], leaks[:3]


def test_a_leaking_report_is_not_written(handmade_warehouse: Path, tmp_path: Path) -> None:
    leaky = tmp_path / "leaky.duckdb"
    shutil.copy(handmade_warehouse, leaky)
    with duckdb.connect(str(leaky)) as con:
        con.execute(
            """update insights.root_causes set evidence = 'Worse than Boutique Riviera.'
               where merchant_id = 'M01'"""
        )
    out = tmp_path / "out"
    with pytest.raises(IsolationError, match="Boutique Riviera"):
        write_reports(leaky, ["M01"], "html", out)
    assert not (out / "M01.html").exists()


def test_scanner_matches_whole_words_only() -> None:
    others = {"M1": "Lune"}
    assert find_leaks("merchant M10 and Lunettes", others) == []
    assert [leak.found for leak in find_leaks("from m1, via LUNE.", others)] == ["m1", "LUNE"]


def test_formatting_reads_plainly() -> None:
    assert fmt.count(1240) == "1,240"
    assert fmt.percent(0.3124) == "31.2 %"
    assert fmt.money(18_300) == "18k EUR"
    assert fmt.money(8_812.4) == "8,812 EUR"
    assert fmt.money(None) == fmt.MISSING
    assert fmt.signed_percent(-0.31) == "-31.0 %"


def test_send_hour_advice_only_when_it_survives_false_discovery_control(
    handmade_warehouse: Path, tmp_path: Path
) -> None:
    """A best hour with a small p-value but not significant across the run's family is no advice."""
    assert "Send sms reminders at 18:00" in visible_text(render_html(handmade_warehouse, "M03"))
    copy = tmp_path / "not_significant.duckdb"
    shutil.copy(handmade_warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("update insights.best_send_hour set significant = false, q_value = 0.2")
    assert "Send sms reminders" not in visible_text(render_html(copy, "M03"))
