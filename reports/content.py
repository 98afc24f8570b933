"""Read one merchant's report from the warehouse: marts and insights, never raw rows of others.

Isolation rules, enforced here by construction:
- every query about the merchant binds its id as a parameter (``?``), never formats it in;
- a peer figure is a median (or pooled total) computed *in SQL* over at least ``MIN_PEERS``
  other merchants, and a query returns only that aggregate, never a peer's own row;
- other merchants' names are read only by :meth:`ReportReader.merchant_names`, which the writer
  uses to scan reports for leaks, not to fill them.

Metrics are the marts' own: a rate over a period is re-aggregated from the numerator and
denominator columns the mart defines (sum of numerators / sum of denominators), never redefined.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Any

import duckdb

from relance.contract import REASONS
from reports import formatting as fmt
from reports.definitions import KPI_SPECS, definitions
from reports.isolation import find_leaks
from reports.model import (
    ChannelAdvice,
    ChannelRow,
    CurvePoint,
    Definition,
    Kpi,
    Merchant,
    MerchantReport,
    PeerGroup,
    Quote,
    ReasonShare,
    RootCause,
    Volume,
)

MIN_PEERS = 5
# Below these a merchant's figures are mostly noise: the report says so instead of advising.
MIN_CASES = 30
MIN_INSTALLMENTS = 200
MAX_QUOTES = 4
MAX_CAUSES = 8


class UnknownMerchantError(LookupError):
    """The merchant id is not in the warehouse's ``dim_merchants``."""


class ReportReader:
    """Reads merchant reports from one open warehouse connection (reused across merchants)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    # --- catalogue ------------------------------------------------------------------------------

    @cached_property
    def catalog(self) -> dict[str, tuple[str, frozenset[str]]]:
        """Table name -> (qualified name, columns); marts first, ``insights.x`` addressable."""
        rows = self.con.execute(
            """
            select schema_name, table_name, list(column_name)
            from duckdb_columns()
            where database_name = current_database()
            group by schema_name, table_name
            """
        ).fetchall()
        order = {"main": 0, "marts": 1, "insights": 3}
        found: dict[str, tuple[str, frozenset[str]]] = {}
        for schema, table, cols in sorted(rows, key=lambda r: (order.get(r[0], 2), r[0])):
            entry = (f'"{schema}"."{table}"', frozenset(c.lower() for c in cols))
            found.setdefault(f"{schema}.{table}".lower(), entry)
            if schema != "insights":
                found.setdefault(table.lower(), entry)
        return found

    def _table(self, name: str, needed: tuple[str, ...] = ()) -> str | None:
        """Qualified name of ``name`` if it exists with the ``needed`` columns, else None."""
        entry = self.catalog.get(name.lower())
        if entry is None or not set(needed) <= entry[1]:
            return None
        return entry[0]

    def _rows(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    # --- merchants ------------------------------------------------------------------------------

    def merchant_ids(self) -> list[str]:
        table = self._require("dim_merchants")
        rows = self.con.execute(f"select merchant_id from {table} order by 1").fetchall()
        return [r[0] for r in rows]

    def merchant_names(self) -> dict[str, str]:
        """Every merchant's name, for the isolation scan and the internal index only."""
        table = self._require("dim_merchants")
        rows = self.con.execute(f"select merchant_id, merchant_name from {table}").fetchall()
        return {str(mid): str(name or "") for mid, name in rows}

    def _require(self, name: str) -> str:
        table = self._table(name)
        if table is None:
            raise FileNotFoundError(
                f"the warehouse has no {name}: run `relance build` to create it"
            )
        return table

    def merchant(self, merchant_id: str) -> Merchant:
        table = self._require("dim_merchants")
        rows = self._rows(
            f"""select merchant_id, merchant_name, sector, country from {table}
                where merchant_id = ?""",
            [merchant_id],
        )
        if not rows:
            raise UnknownMerchantError(
                f"no merchant {merchant_id!r} in the warehouse; `relance report --all` writes "
                "every merchant's report"
            )
        r = rows[0]
        return Merchant(r["merchant_id"], r["merchant_name"] or r["merchant_id"],
                        r["sector"] or "unknown", r["country"] or "")

    # --- peers ------------------------------------------------------------------------------------

    def peer_group(self, merchant: Merchant) -> tuple[PeerGroup, str, list[Any]]:
        """Who the merchant is compared with, and the SQL condition selecting them.

        The condition is a template: ``{col}`` is the column holding the merchant id.

        The sector's other merchants if there are at least ``MIN_PEERS``; otherwise every other
        merchant if there are enough; otherwise no comparison at all.
        """
        table = self._require("dim_merchants")
        same_sector, others = self.con.execute(
            f"""select count(*) filter (where sector = ?), count(*)
                from {table} where merchant_id <> ?""",
            [merchant.sector, merchant.merchant_id],
        ).fetchone()
        if same_sector >= MIN_PEERS:
            group = PeerGroup(
                "sector", same_sector,
                f"Peers are the {same_sector} other merchants of the {merchant.sector} sector; "
                "each peer figure is their median.",
            )
            condition = (f"{{col}} in (select merchant_id from {table} "
                         "where sector = ? and merchant_id <> ?)")
            return group, condition, [merchant.sector, merchant.merchant_id]
        if others >= MIN_PEERS:
            group = PeerGroup(
                "all_other", others,
                f"Your sector has fewer than {MIN_PEERS} other merchants, so peers are all "
                f"{others} other merchants; each peer figure is their median.",
            )
            return group, "{col} <> ?", [merchant.merchant_id]
        group = PeerGroup(
            "none", 0,
            f"There are fewer than {MIN_PEERS} other merchants, too few to compare with "
            "without revealing one of them, so peer figures are left out.",
        )
        return group, "false", []

    # --- the report -------------------------------------------------------------------------------

    def report(self, merchant_id: str) -> MerchantReport:
        """Everything one merchant's report shows (``UnknownMerchantError`` if no such id)."""
        merchant = self.merchant(merchant_id)
        others = {k: v for k, v in self.merchant_names().items() if k != merchant_id}
        peers, peer_condition, peer_params = self.peer_group(merchant)
        volume, period_start, period_end = self.volume(merchant_id)
        enough = volume.cases >= MIN_CASES and volume.installments >= MIN_INSTALLMENTS
        note = "" if enough else (
            f"Between {fmt.day(period_start)} and {fmt.day(period_end)} your business had "
            f"{volume.installments:,} installments debited and {volume.cases:,} collection "
            f"cases. At least {MIN_INSTALLMENTS:,} installments and {MIN_CASES} cases are "
            "needed before "
            "figures such as the recovery rate, or the effect of a change, can be told apart "
            "from chance. This report shows the figures we have; recommendations will follow "
            "once more of your customers' payments are recorded."
        )
        kpis = self.kpis(merchant_id, peer_condition, peer_params, peers)
        curve, peer_curve = self.recovery_curves(merchant_id, peer_condition, peer_params, peers)
        causes = self.root_causes(merchant_id, peers) if enough else []
        tested = self.causes_tested(merchant_id) if enough else 0
        reasons, reason_texts = self.reasons(merchant_id)
        return MerchantReport(
            merchant=merchant,
            period_start=period_start,
            period_end=period_end,
            volume=volume,
            enough_data=enough,
            data_note=note,
            peers=peers,
            kpis=kpis,
            curve=curve,
            peer_curve=peer_curve,
            root_causes=causes,
            causes_tested=tested,
            portfolio_merchants=self.portfolio_merchants(),
            channels=self.channels(merchant_id) if enough else [],
            channel_advice=self.channel_advice(merchant_id, peers) if enough else [],
            reasons=reasons,
            reason_texts=reason_texts,
            quotes=self.quotes(merchant_id, others),
            definitions=[Definition(t, m) for t, m in definitions()],
        )

    # --- marts ------------------------------------------------------------------------------------

    def volume(self, merchant_id: str) -> tuple[Volume, date | None, date | None]:
        """How much business the report rests on, and the period it covers.

        Read from aggregated marts only (no installment-level scan), so it costs the same at
        any portfolio size: plans from ``dim_merchants``, debited installments and the first
        due month from ``mart_payment_failures``, cases and overdue amount from
        ``mart_kpis_daily``, and customers who fell behind from ``fct_collection_cases``.
        """
        merchants = self._require("dim_merchants")
        plans = self.con.execute(
            f"select coalesce(plans, 0) from {merchants} where merchant_id = ?", [merchant_id]
        ).fetchone()[0]
        installments, first_month = 0, None
        failures = self._table("mart_payment_failures", ("due_month", "first_attempts"))
        if failures is not None:
            installments, first_month = self.con.execute(
                f"""select coalesce(sum(first_attempts), 0), min(due_month)
                    from {failures} where merchant_id = ?""",
                [merchant_id],
            ).fetchone()
        cases, overdue = 0, None
        kpis = self._table("mart_kpis_daily", ("cases_opened", "cases_overdue_amount"))
        if kpis is not None:
            cases, overdue = self.con.execute(
                f"""select coalesce(sum(cases_opened), 0), sum(cases_overdue_amount)
                    from {kpis} where merchant_id = ?""",
                [merchant_id],
            ).fetchone()
        customers_behind = 0
        case_table = self._table("fct_collection_cases", ("merchant_id", "customer_id"))
        if case_table is not None:
            customers_behind = self.con.execute(
                f"select count(distinct customer_id) from {case_table} where merchant_id = ?",
                [merchant_id],
            ).fetchone()[0]
        volume = Volume(int(customers_behind), int(plans), int(installments), int(cases),
                        _num(overdue))
        return volume, first_month, self.as_of_date()

    def as_of_date(self) -> date | None:
        """The build's "today" (``mart_build_info``), which ends the data period."""
        table = self._table("mart_build_info", ("as_of_date",))
        if table is None:
            return None
        row = self.con.execute(f"select as_of_date from {table}").fetchone()
        return row[0] if row else None

    @cached_property
    def _kpi_ratios(self) -> str | None:
        """A session-temporary table of every merchant's KPI ratios, built once per run.

        ``merchant_id, key, value`` with value = sum(numerator) / sum(denominator) over the
        merchant's rows of the KPI's mart. It lives only in this connection's memory and is
        read by :meth:`kpis` through aggregates (the merchant's own row, the peers' median), so
        the marts are scanned once per run instead of once per merchant.
        """
        selects = []
        for spec in KPI_SPECS:
            table = self._table(spec.mart, ("merchant_id", spec.numerator, spec.denominator))
            if table is not None:
                selects.append(
                    f"""select merchant_id, '{spec.key}' as key,
                               sum({spec.numerator}) / nullif(sum({spec.denominator}), 0)
                                 as value
                        from {table} group by merchant_id"""
                )
        if not selects:
            return None
        self.con.execute(
            "create or replace temp table report_kpi_ratios as "
            + "\nunion all\n".join(selects)
        )
        return "temp.report_kpi_ratios"

    @cached_property
    def _merchant_curves(self) -> str | None:
        """Every merchant's pooled recovery curve (``merchant_id, day, share``), built once."""
        table = self._table("mart_cohort_recovery", (
            "segment_type", "segment_value", "days_since_opened", "overdue_amount_observed",
            "recovered_amount_cumulative"))
        if table is None:
            return None
        self.con.execute(
            f"""create or replace temp table report_merchant_curves as
                select segment_value as merchant_id, days_since_opened as day,
                       sum(recovered_amount_cumulative)
                         / nullif(sum(overdue_amount_observed), 0) as share
                from {table} where segment_type = 'merchant'
                group by segment_value, days_since_opened"""
        )
        return "temp.report_merchant_curves"

    def kpis(self, merchant_id: str, peer_condition: str, peer_params: list[Any],
             peers: PeerGroup) -> list[Kpi]:
        """Headline KPIs re-aggregated from the marts' numerators and denominators.

        The query returns, per KPI, the merchant's own ratio and the median of the peers'
        ratios, the latter only when at least ``MIN_PEERS`` peers have a defined value.
        """
        table = self._kpi_ratios
        if table is None:
            return []
        rows = self._rows(
            f"""select key,
                       max(value) filter (where merchant_id = ?) as mine,
                       case when count(value) filter (where merchant_id <> ?) >= {MIN_PEERS}
                            then median(value) filter (where merchant_id <> ?) end as peers
                from {table}
                where merchant_id = ? or ({peer_condition.format(col="merchant_id")})
                group by key""",
            [merchant_id, merchant_id, merchant_id, merchant_id, *peer_params],
        )
        values = {r["key"]: (_num(r["mine"]), _num(r["peers"])) for r in rows}
        return [
            Kpi(spec.key, spec.label, spec.unit, spec.higher_is_better, values[spec.key][0],
                values[spec.key][1] if peers.merchants else None, spec.definition)
            for spec in KPI_SPECS
            if spec.key in values
        ]

    def recovery_curves(self, merchant_id: str, peer_condition: str, peer_params: list[Any],
                        peers: PeerGroup) -> tuple[list[CurvePoint], list[CurvePoint]]:
        """The merchant's cumulative recovery curve and the peers' median curve, day by day.

        Each merchant's curve pools its cohorts the mart's way (sum of recovered / sum of
        observed overdue amount per day); the peer curve is the median of the peers' curves at
        each day where at least ``MIN_PEERS`` peers have cases old enough.
        """
        table = self._merchant_curves
        if table is None:
            return [], []
        rows = self._rows(
            f"""select day,
                       max(share) filter (where merchant_id = ?) as self_share,
                       case when count(share) filter (where merchant_id <> ?) >= {MIN_PEERS}
                            then median(share) filter (where merchant_id <> ?) end as peer_share
                from {table}
                where merchant_id = ? or ({peer_condition.format(col="merchant_id")})
                group by day order by day""",
            [merchant_id, merchant_id, merchant_id, merchant_id, *peer_params],
        )
        mine = [CurvePoint(int(r["day"]), float(r["self_share"]))
                for r in rows if r["self_share"] is not None]
        theirs = [CurvePoint(int(r["day"]), float(r["peer_share"]))
                  for r in rows if r["peer_share"] is not None] if peers.merchants else []
        return mine, theirs

    def channels(self, merchant_id: str) -> list[ChannelRow]:
        """This merchant's own funnel per channel (``mart_channel_funnel``)."""
        table = self._table("mart_channel_funnel", ("merchant_id", "channel", "contacts_sent"))
        if table is None:
            return []
        rows = self._rows(
            f"""select channel, sum(contacts_sent) as sent,
                       sum(delivered) / nullif(sum(contacts_sent), 0) as delivered,
                       sum(opened) / nullif(sum(contacts_sent), 0) as opened,
                       sum(clicked) / nullif(sum(contacts_sent), 0) as clicked,
                       sum(paid) / nullif(sum(contacts_sent), 0) as paid
                from {table}
                where merchant_id = ? and direction = 'outbound'
                group by channel having sum(contacts_sent) > 0
                order by sent desc""",
            [merchant_id],
        )
        return [
            # A step a channel cannot record (a call is never "opened") is stored as 0:
            # shown as not measured rather than as a 0 % the merchant would worry about.
            ChannelRow(r["channel"], int(r["sent"]), _num(r["delivered"]) or None,
                       _num(r["opened"]) or None, _num(r["clicked"]) or None, _num(r["paid"]))
            for r in rows
        ]

    def _sent_at_hour_share(self, merchant_id: str, channel: str, low: int, high: int
                            ) -> tuple[int, float | None]:
        """This merchant's outbound messages on a channel, and the share sent in [low, high]."""
        table = self._table("mart_channel_funnel", ("merchant_id", "local_send_hour"))
        if table is None:
            return 0, None
        sent, share = self.con.execute(
            f"""select sum(contacts_sent),
                       sum(contacts_sent) filter (where local_send_hour between ? and ?)
                         / nullif(sum(contacts_sent), 0)
                from {table}
                where merchant_id = ? and channel = ? and direction = 'outbound'""",
            [low, high, merchant_id, channel],
        ).fetchone()
        return int(sent or 0), _num(share)

    def quotes(self, merchant_id: str, others: dict[str, str] | None = None) -> list[Quote]:
        """A few redacted quotes from this merchant's customers, one per leading reason.

        A quote that happens to name another merchant is skipped: it would break isolation.
        """
        table = self._table("mart_default_reasons", ("merchant_id", "quote", "reason"))
        if table is None:
            return []
        rows = self._rows(
            f"""select reason, source, quote from (
                    select reason, source, quote,
                           row_number() over (partition by reason
                                              order by confidence desc, reason_mention_id) as n,
                           count(*) over (partition by reason) as mentions
                    from {table}
                    where merchant_id = ? and quote is not null and length(trim(quote)) >= 20
                ) where n <= 3
                order by mentions desc, reason, n""",
            [merchant_id],
        )
        picked: list[Quote] = []
        seen: set[str] = set()
        for r in rows:
            if r["reason"] in seen or (others and find_leaks(r["quote"], others)):
                continue
            seen.add(r["reason"])
            picked.append(Quote(r["reason"].replace("_", " "), r["source"], r["quote"].strip()))
            if len(picked) == MAX_QUOTES:
                break
        return picked

    # --- insights ---------------------------------------------------------------------------------

    def root_causes(self, merchant_id: str, peers: PeerGroup) -> list[RootCause]:
        """This merchant's detected causes (significant after FDR control), by money at stake.

        Causes that compare the merchant with the other merchants (``merchant_defect``: its
        rates against theirs, pooled) quote the others' figures, so they are shown only when
        those others are at least ``MIN_PEERS``.
        """
        table = self._table("insights.root_causes", ("merchant_id", "significant"))
        if table is None:
            return []
        compared = "" if peers.merchants else "and category <> 'merchant_defect'"
        rows = self._rows(
            f"""select * from {table}
                where merchant_id = ? and significant {compared}
                order by money_at_stake_month desc nulls last
                limit {MAX_CAUSES}""",
            [merchant_id],
        )
        return [
            RootCause(
                who=self._who(merchant_id, r["category"], _int(r["customers_affected"])),
                cause_id=r["cause_id"], title=r["title"], category=r["category"],
                effect_metric=r["effect_metric"] or "", effect_size=_num(r["effect_size"]),
                ci_low=_num(r["ci_low"]), ci_high=_num(r["ci_high"]),
                p_value=_num(r["p_value"]), significant=bool(r["significant"]),
                customers_affected=_int(r["customers_affected"]),
                money_at_stake_month=_num(r["money_at_stake_month"]),
                money_ci_low=_num(r["money_ci_low"]), money_ci_high=_num(r["money_ci_high"]),
                recommended_action=r["recommended_action"] or r["title"],
                evidence=r["evidence"] or "",
            )
            for r in rows
        ]

    def portfolio_merchants(self) -> int:
        """How many merchants the portfolio-wide figures pool (a count, never who)."""
        table = self._require("dim_merchants")
        return int(self.con.execute(f"select count(*) from {table}").fetchone()[0])

    def causes_tested(self, merchant_id: str) -> int:
        """How many candidate causes the analysis tested on this merchant's data."""
        table = self._table("insights.root_causes", ("merchant_id",))
        if table is None:
            return 0
        return int(self.con.execute(
            f"select count(*) from {table} where merchant_id = ?", [merchant_id]
        ).fetchone()[0])

    def _who(self, merchant_id: str, category: str, customers: int | None) -> str:
        """Which customers a cause concerns, in plain words (with the timing for debit dates)."""
        count = f"{customers:,} of your customers" if customers else ""
        table = self._table("insights.funding_days", (
            "merchant_id", "misaligned", "days_before_funding"))
        if category != "payment_timing" or table is None:
            return count
        misaligned, low, high = self.con.execute(
            f"""select count(*),
                       quantile_disc(days_before_funding, 0.25),
                       quantile_disc(days_before_funding, 0.75)
                from {table} where merchant_id = ? and misaligned""",
            [merchant_id],
        ).fetchone()
        if not misaligned or not count:
            return count
        return (
            f"{count}; those debited too early are typically debited {low:.0f} to {high:.0f} "
            "days before the money they pay with arrives"
        )

    def channel_advice(self, merchant_id: str, peers: PeerGroup) -> list[ChannelAdvice]:
        """Send-time and contact-frequency advice, with how much of this merchant's it concerns.

        The effects are measured over the whole portfolio (every merchant's customers pooled:
        sturdier than one merchant's few thousand messages), so they are shown only when the
        pool holds at least ``MIN_PEERS`` other merchants, like any peer figure.
        """
        if not peers.merchants:
            return []
        advice: list[ChannelAdvice] = []
        # Send-hour advice needs the hour's own effect to be clear, not just the best of many,
        # and to survive the run's false-discovery control (`significant`), like every cause.
        best = self._table("insights.best_send_hour", (
            "channel", "best_hour", "best_hour_ci_low", "best_hour_ci_high", "uplift_abs",
            "uplift_ci_low", "uplift_ci_high", "significant"))
        if best is not None:
            for r in self._rows(
                f"""select * from {best} where significant and uplift_ci_low > 0
                    order by uplift_abs desc nulls last""",
                [],
            ):
                low, high = int(r["best_hour_ci_low"]), int(r["best_hour_ci_high"])
                sent, share = self._sent_at_hour_share(merchant_id, r["channel"], low, high)
                yours = (
                    f"; today {fmt.percent(share)} of your {fmt.count(sent)} {r['channel']} "
                    f"messages go out between {low:02d}:00 and {high:02d}:59"
                    if sent else ""
                )
                advice.append(ChannelAdvice(
                    channel=r["channel"],
                    advice=(
                        f"Send {r['channel']} reminders at {int(r['best_hour']):02d}:00 in the "
                        f"customer's local time (best hour likely between {low:02d}:00 and "
                        f"{high:02d}:00){yours}"
                    ),
                    figure=f"{fmt.points(_num(r['uplift_abs']))} customers paying within days",
                    interval=(f"{fmt.points(_num(r['uplift_ci_low']))} to "
                              f"{fmt.points(_num(r['uplift_ci_high']))}"),
                ))
        fatigue = self._table("insights.fatigue_effect", (
            "threshold", "odds_ratio", "ci_low", "ci_high", "significant"))
        if fatigue is not None:
            # Advice only when contacts beyond the threshold clearly convert worse (odds ratio
            # and its whole interval below 1); a threshold above which customers pay *more*
            # is no reason to stop.
            for r in self._rows(
                f"select * from {fatigue} where significant and ci_high < 1", []
            ):
                k = int(r["threshold"])
                advice.append(ChannelAdvice(
                    channel="all channels",
                    advice=(
                        f"Send at most {k} reminders in any 7 days: from the "
                        f"{_ordinal(k + 1)} on, customers become less likely to respond"
                    ),
                    figure=f"odds of responding {fmt.ratio(_num(r['odds_ratio']))}",
                    interval=f"{fmt.ratio(_num(r['ci_low']))} to {fmt.ratio(_num(r['ci_high']))}",
                ))
        return advice

    def reasons(self, merchant_id: str) -> tuple[list[ReasonShare], int]:
        """Why this merchant's customers say they did not pay (``mart_reason_mix``)."""
        table = self._table("mart_reason_mix", ("merchant_id", "reason", "mentions"))
        if table is None:
            return [], 0
        rows = self._rows(
            f"""select reason, sum(mentions) as mentions,
                       sum(mentions) / sum(sum(mentions)) over () as share
                from {table}
                where merchant_id = ?
                group by reason having sum(mentions) > 0
                order by share desc, reason""",
            [merchant_id],
        )
        shares = [
            ReasonShare(r["reason"], REASONS.get(r["reason"], r["reason"]).capitalize(),
                        int(r["mentions"]), float(r["share"]))
            for r in rows
        ]
        return shares, sum(s.texts for s in shares)


def _num(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if value != value else value


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


