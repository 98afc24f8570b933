"""Turn a ``MerchantReport`` into one self-contained HTML page.

Styles and the plotly.js library are embedded, so the file opens offline on any machine and its
charts stay interactive. The template only lays out figures that ``reports.content`` read from
the warehouse; nothing is computed here except wording and number formatting.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import jinja2

from reports import charts
from reports import formatting as fmt
from reports.model import CurvePoint, Kpi, MerchantReport, RootCause

TEMPLATES = Path(__file__).resolve().parent / "templates"
CURVE_TABLE_DAYS = (5, 30, 60, 90)
TOP_ACTIONS = 3
MIN_PEERS = 5


def kpi_value(kpi: Kpi, value: float | None) -> str:
    """A KPI figure in its unit: shares as percentages, durations in days."""
    if kpi.unit == "share":
        return fmt.percent(value)
    if kpi.unit == "days":
        return fmt.days(value)
    if kpi.unit == "money":
        return fmt.money(value)
    return fmt.number(value)


def _p_value(p: float | None) -> str:
    if p is None:
        return ""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def certainty(cause: RootCause) -> str:
    """Plain words for how sure we are, with the p-value for those who want it."""
    p = _p_value(cause.p_value)
    words = "statistically clear" if cause.significant else "not conclusive yet"
    return f"{words} ({p})" if p else words


# How the analysis' effect metrics read to a merchant: the words, and the sign to apply so the
# figure says what changing things would do (a share of failures avoided reads as a fall).
METRIC_WORDS: dict[str, tuple[str, int]] = {
    "share_of_failed_debits_attributable": ("failed first debits", -1),
    "rate_ratio_vs_peers": ("your rate compared with other merchants'", 1),
    "rate_ratio_vs_other_months": ("failure rate compared with other months", 1),
    "odds_ratio": ("odds ratio", 1),
}


def _effect_figure(metric: str, value: float | None) -> str:
    m = metric.lower()
    if value is None:
        return fmt.MISSING
    if "odds" in m or "ratio" in m or "multiplier" in m:
        return fmt.ratio(value)
    if "points" in m or m.endswith("_pp") or "difference" in m:
        return fmt.points(value)
    if any(word in m for word in ("rate", "share", "relative", "lift", "pct", "change")):
        return fmt.signed_percent(value)
    return fmt.number(value)


def effect_text(cause: RootCause) -> str:
    """The estimated effect and its 95 % interval: ``-31.0 % (95 % CI -38.2 % to -24.1 %)``."""
    metric = cause.effect_metric
    words, sign = METRIC_WORDS.get(metric, (metric.replace("_", " ").strip(), 1))

    def shown(value: float | None) -> float | None:
        return None if value is None else sign * value

    figure = _effect_figure(metric, shown(cause.effect_size))
    if cause.ci_low is None or cause.ci_high is None:
        return f"{words}: {figure}"
    low, high = sorted((shown(cause.ci_low), shown(cause.ci_high)))
    return (f"{words}: {figure} (95 % CI {_effect_figure(metric, low)} to "
            f"{_effect_figure(metric, high)})")


def recommendation_sentence(cause: RootCause, currency: str) -> str:
    """What to change, for whom, and what it is worth, in one sentence a merchant can act on."""
    who = f"For {cause.who}" if cause.who else "For your customers as a whole"
    worth = fmt.money(cause.money_at_stake_month, currency)
    band = (
        f" (95 % CI {money_interval(cause, currency)})"
        if cause.money_ci_low is not None and cause.money_ci_high is not None
        else ""
    )
    action = cause.recommended_action.strip().rstrip(".")
    return (
        f"{action}. {who}. Measured: {effect_text(cause)}; "
        f"{worth} per month to secure{band}."
    )


def sentence(text: str) -> str:
    """A phrase ending with exactly one full stop."""
    return text.strip().rstrip(".:;") + "."


def money_interval(cause: RootCause, currency: str) -> str:
    """``12k EUR to 24k EUR``, or plain words when the analysis gave no interval."""
    if cause.money_ci_low is None or cause.money_ci_high is None:
        return "not estimated"
    low, high = sorted((cause.money_ci_low, cause.money_ci_high))
    return f"{fmt.money(low, currency)} to {fmt.money(high, currency)}"


def _curve_table(curve: list[CurvePoint], peers: list[CurvePoint]) -> list[dict[str, float | int]]:
    """The curve read at a few days, for readers of the printed page."""
    mine = {p.day: p.share for p in curve}
    theirs = {p.day: p.share for p in peers}
    rows = []
    for d in CURVE_TABLE_DAYS:
        if d in mine:
            rows.append({"day": d, "you": mine[d], "peers": theirs.get(d)})
    return rows


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        count=fmt.count, percent=fmt.percent, money=fmt.money, day=fmt.day, days=fmt.days,
        kpi_value=kpi_value, certainty=certainty, effect_text=effect_text,
        recommendation_sentence=recommendation_sentence, sentence=sentence,
        money_interval=money_interval,
    )
    return env


# Where the plotly.js library goes. The page is rendered and checked without it (the 4.6 MB
# library holds no data), then the library is put in with one string replacement.
LIBRARY_SLOT = "/*relance:plotly.js*/"


@cache
def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def embed_library(page: str) -> str:
    """Put the plotly.js library into a page rendered with ``include_library=False``."""
    return page.replace(LIBRARY_SLOT, _plotly_js(), 1)


@cache
def _css() -> str:
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def render_report(
    report: MerchantReport, generated: date | None = None, include_library: bool = True
) -> str:
    """The HTML page for one merchant's report (without plotly.js if not ``include_library``)."""
    drawn: dict[str, str] = {}
    if report.curve:
        drawn["recovery"] = charts.recovery_curve(report.curve, report.peer_curve)
    if report.enough_data and any(c.money_at_stake_month for c in report.root_causes):
        drawn["causes"] = charts.root_cause_bars(report.root_causes, report.currency)
    if report.reasons:
        drawn["reasons"] = charts.reason_bars(report.reasons)
    template = _environment().get_template("report.html.j2")
    page = template.render(
        r=report,
        css=_css(),
        plotly_js=LIBRARY_SLOT,
        charts=drawn,
        curve_days=_curve_table(report.curve, report.peer_curve),
        top_actions=report.root_causes[:TOP_ACTIONS],
        generated=generated or date.today(),
        min_peers=MIN_PEERS,
    )
    return embed_library(page) if include_library else page
