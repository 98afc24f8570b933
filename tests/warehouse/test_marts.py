"""The marts against numbers recomputed here, independently, from the raw Parquet files.

The reference below re-implements each definition of dbt_project/models/marts/_marts__models.yml
in plain pandas, from the simulated dataset's raw files rather than from any warehouse table, so a
mistake in the SQL (a wrong join, an off-by-one day, a lost partial payment) shows up as a
mismatch. Uses the session fixtures `small_dataset` and `small_warehouse` (tests/conftest.py).
"""

from __future__ import annotations

from functools import cached_property
from itertools import pairwise
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml

ATTRIBUTION_DAYS = 3
TOLERANCE = 0.005  # half a cent: "paid in full" tolerance, as in the models
MARTS_YML = Path(__file__).parents[2] / "dbt_project" / "models" / "marts" / "_marts__models.yml"


def _read(dataset: Path, table: str) -> pd.DataFrame:
    frame = pd.read_parquet(dataset / f"{table}.parquet")
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = frame[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return frame


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (pd.to_datetime(later) - pd.to_datetime(earlier)).dt.days


class Reference:
    """Collection facts recomputed from raw files, one definition at a time."""

    def __init__(self, dataset: Path) -> None:
        self.dataset = dataset

    def raw(self, table: str) -> pd.DataFrame:
        return _read(self.dataset, table)

    @cached_property
    def as_of(self) -> pd.Timestamp:
        dates = [
            self.raw("payment_attempts")["attempted_at"].max(),
            self.raw("contacts")["sent_at"].max(),
            self.raw("arrangements")["created_at"].max(),
            self.raw("escalations")["escalated_at"].max(),
            self.raw("allocations")["assigned_at"].max(),
            self.raw("plans")["purchased_at"].max(),
        ]
        return max(pd.Timestamp(d).normalize() for d in dates if pd.notna(d))

    def fx(self, frame: pd.DataFrame, date_column: str) -> pd.Series:
        """Rate to EUR of each row's plan currency on its date: nearest earlier, else earliest."""
        rates = self.raw("fx_rates").rename(columns={"date": "rate_date"})
        rates["rate_date"] = pd.to_datetime(rates["rate_date"]).astype("datetime64[ns]")
        left = frame[["currency", date_column]].copy()
        left["_row"] = np.arange(len(left))
        left["_date"] = pd.to_datetime(left[date_column]).astype("datetime64[ns]")
        left = left.sort_values("_date")
        rates = rates.sort_values("rate_date")
        earlier = pd.merge_asof(left, rates, left_on="_date", right_on="rate_date",
                                by="currency", direction="backward")
        later = pd.merge_asof(left, rates, left_on="_date", right_on="rate_date",
                              by="currency", direction="forward")
        rate = earlier.set_index("_row")["rate_to_reporting"].fillna(
            later.set_index("_row")["rate_to_reporting"])
        rate = rate.sort_index().to_numpy()
        rate = np.where(pd.isna(rate) & (frame["currency"].to_numpy() == "EUR"), 1.0, rate)
        return pd.Series(rate, index=frame.index, dtype=float)

    @cached_property
    def plans(self) -> pd.DataFrame:
        plans = self.raw("plans").merge(
            self.raw("customers")[["customer_id", "country"]], on="customer_id")
        return plans

    @cached_property
    def attempts(self) -> pd.DataFrame:
        attempts = self.raw("payment_attempts").merge(
            self.installments[["installment_id", "plan_id", "customer_id", "currency",
                               "due_date"]], on="installment_id")
        attempts["attempted_date"] = attempts["attempted_at"].dt.normalize()
        attempts["rate"] = self.fx(attempts, "attempted_date")
        attempts["received_local"] = np.where(
            attempts["status"] == "succeeded", attempts["amount"].astype(float), 0.0)
        return attempts

    @cached_property
    def installments(self) -> pd.DataFrame:
        inst = self.raw("installments").merge(
            self.plans[["plan_id", "customer_id", "merchant_id", "country", "plan_type",
                        "payment_method", "currency"]], on="plan_id")
        inst["due_date"] = pd.to_datetime(inst["due_date"])
        inst["amount_local"] = inst["amount"].astype(float)
        inst["rate_due"] = self.fx(inst, "due_date")
        return inst

    @cached_property
    def receipts(self) -> pd.DataFrame:
        """Per installment and day: received (local, EUR) and cumulative local by day's end."""
        ok = self.attempts[self.attempts["status"] == "succeeded"].copy()
        ok["received_eur"] = ok["received_local"] * ok["rate"]
        daily = (ok.groupby(["installment_id", "attempted_date"], as_index=False)
                 [["received_local", "received_eur"]].sum()
                 .sort_values(["installment_id", "attempted_date"]))
        daily["cum_local"] = daily.groupby("installment_id")["received_local"].cumsum()
        return daily

    @cached_property
    def status(self) -> pd.DataFrame:
        inst = self.installments.copy()
        rec = self.receipts.merge(inst[["installment_id", "due_date", "amount_local"]],
                                  on="installment_id")
        full = (rec[rec["cum_local"] >= rec["amount_local"] - TOLERANCE]
                .groupby("installment_id")["attempted_date"].min().rename("fully_paid_date"))
        by_due = (rec[rec["attempted_date"] <= rec["due_date"]]
                  .groupby("installment_id")["received_local"].sum().rename("paid_by_due"))
        inst = inst.merge(full, on="installment_id", how="left").merge(
            by_due, on="installment_id", how="left")
        inst["paid_by_due"] = inst["paid_by_due"].fillna(0.0)
        inst["was_delinquent"] = (inst["due_date"] < self.as_of) & (
            inst["fully_paid_date"].isna() | (inst["fully_paid_date"] > inst["due_date"]))
        inst["overdue_local"] = np.where(
            inst["was_delinquent"], (inst["amount_local"] - inst["paid_by_due"]).clip(lower=0), 0)
        inst["overdue_eur"] = inst["overdue_local"] * inst["rate_due"]
        inst["days_past_due"] = np.where(
            inst["was_delinquent"] & inst["fully_paid_date"].isna(),
            (self.as_of - inst["due_date"]).dt.days, 0)
        return inst

    @cached_property
    def cases(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(cases, installment -> case) by merging each plan's overdue intervals."""
        late = self.status[self.status["was_delinquent"]].copy()
        late["start"] = late["due_date"] + pd.Timedelta(days=1)
        late["end"] = late["fully_paid_date"]  # NaT = still overdue
        late = late.sort_values(["plan_id", "start", "installment_id"])
        rows, members = [], []
        for plan_id, group in late.groupby("plan_id", sort=False):
            episode, reach, current = 0, None, None
            for item in group.itertuples():
                end = pd.Timestamp.max if pd.isna(item.end) else item.end
                if reach is None or item.start > reach:
                    episode += 1
                    current = {"case_id": f"{plan_id}-{episode}", "plan_id": plan_id,
                               "opened": item.start, "ends": [], "overdue_eur": 0.0}
                    rows.append(current)
                    reach = end
                else:
                    reach = max(reach, end)
                current["ends"].append(item.end)
                current["overdue_eur"] += item.overdue_eur
                members.append((item.installment_id, current["case_id"]))
        cases = pd.DataFrame(rows)
        cases["cured"] = cases["ends"].map(lambda ends: None if any(pd.isna(ends)) else max(ends))
        cases["cured"] = pd.to_datetime(cases["cured"])
        terminal = self.raw("escalations")
        terminal = terminal[terminal["stage"].isin(["litigation", "debt_sale", "write_off"])]
        terminal = terminal.assign(esc=terminal["escalated_at"].dt.normalize())
        hit = cases[["case_id", "plan_id", "opened", "cured"]].merge(terminal, on="plan_id")
        hit = hit[(hit["esc"] >= hit["opened"]) & (hit["esc"] <= self.as_of)
                  & (hit["cured"].isna() | (hit["esc"] < hit["cured"]))]
        first = hit.sort_values("esc").groupby("case_id")["esc"].min()
        cases["escalated"] = cases["case_id"].map(first)
        cases["outcome"] = np.select(
            [cases["escalated"].notna(), cases["cured"].notna()], ["closed_by_escalation", "cured"],
            "open")
        cases["age"] = (self.as_of - cases["opened"]).dt.days
        return cases.drop(columns="ends"), pd.DataFrame(members,
                                                        columns=["installment_id", "case_id"])

    @cached_property
    def recoveries(self) -> pd.DataFrame:
        """Receipts after the due date, capped at the amount owed on the first overdue day."""
        cases, members = self.cases
        st = self.status[self.status["was_delinquent"]][
            ["installment_id", "due_date", "overdue_local", "paid_by_due"]]
        rec = self.receipts.merge(st, on="installment_id")
        rec = rec[rec["attempted_date"] > rec["due_date"]].sort_values(
            ["installment_id", "attempted_date"])
        before = rec["cum_local"] - rec["received_local"] - rec["paid_by_due"]
        rec["recovered_local"] = np.minimum(rec["received_local"],
                                            rec["overdue_local"] - before).clip(lower=0)
        rec["recovered_eur"] = rec["received_eur"] * rec["recovered_local"] / rec["received_local"]
        rec = rec.merge(members, on="installment_id").merge(
            cases[["case_id", "opened"]], on="case_id")
        rec["day"] = (rec["attempted_date"] - rec["opened"]).dt.days
        return rec


@pytest.fixture(scope="module")
def ref(small_dataset: Path) -> Reference:
    return Reference(small_dataset)


@pytest.fixture(scope="module")
def con(small_warehouse: Path):
    connection = duckdb.connect(str(small_warehouse), read_only=True)
    yield connection
    connection.close()


def _one(con, sql: str):
    return con.execute(sql).fetchone()


def test_as_of_date_is_the_latest_event_date(ref: Reference, con) -> None:
    (as_of,) = _one(con, "select as_of_date from mart_build_info")
    assert pd.Timestamp(as_of) == ref.as_of


def test_installment_payment_status_matches(ref: Reference, con) -> None:
    mart = con.execute(
        "select installment_id, amount, fully_paid_date, was_delinquent, days_past_due, "
        "overdue_amount from fct_installments").df().set_index("installment_id")
    expected = ref.status.set_index("installment_id").loc[mart.index]
    assert len(mart) == len(ref.status)
    np.testing.assert_allclose(mart["amount"], expected["amount_local"] * expected["rate_due"],
                               rtol=1e-9, atol=1e-5)
    assert (mart["was_delinquent"] == expected["was_delinquent"]).all()
    assert (pd.to_datetime(mart["fully_paid_date"]).fillna(pd.Timestamp(0))
            == expected["fully_paid_date"].fillna(pd.Timestamp(0))).all()
    assert (mart["days_past_due"] == expected["days_past_due"]).all()
    np.testing.assert_allclose(mart["overdue_amount"], expected["overdue_eur"], atol=1e-5)
    # the dataset must exercise the interesting paths, or this test proves little
    assert expected["was_delinquent"].sum() > 100
    assert (expected["days_past_due"] > 0).sum() > 5
    partial = expected["was_delinquent"] & (expected["paid_by_due"] > 0)
    assert partial.sum() > 0 or (ref.receipts.groupby("installment_id").size() > 1).any()


def test_cases_and_cure_rate_match(ref: Reference, con) -> None:
    cases, _ = ref.cases
    mart = con.execute(
        "select case_id, opened_date, closed_date, outcome, overdue_amount "
        "from fct_collection_cases").df().set_index("case_id")
    assert set(mart.index) == set(cases["case_id"])
    expected = cases.set_index("case_id").loc[mart.index]
    assert (pd.to_datetime(mart["opened_date"]) == expected["opened"]).all()
    outcome = mart["outcome"].replace({"escalated": "closed_by_escalation",
                                       "written_off": "closed_by_escalation"})
    assert (outcome == expected["outcome"]).all()
    np.testing.assert_allclose(mart["overdue_amount"], expected["overdue_eur"], atol=1e-5)

    kpis = con.execute("select sum(cases_cured), sum(cases_opened) from mart_kpis_daily").fetchone()
    expected_cure = (cases["outcome"] == "cured").mean()
    assert kpis[0] / kpis[1] == pytest.approx(expected_cure, abs=1e-12)
    assert 0.3 < expected_cure < 1.0


def test_recovery_rate_and_realization_match(ref: Reference, con) -> None:
    cases, _ = ref.cases
    rec = ref.recoveries
    recovered, overdue, real30, real30_den = _one(con, """
        select sum(cases_recovered_amount), sum(cases_overdue_amount),
               sum(realized_d30_amount), sum(realization_d30_overdue_amount)
        from mart_kpis_daily""")
    assert overdue == pytest.approx(cases["overdue_eur"].sum(), rel=1e-7)
    assert recovered == pytest.approx(rec["recovered_eur"].sum(), rel=1e-7)
    old = cases[cases["age"] >= 30]
    expected_real30 = rec[rec["case_id"].isin(old["case_id"]) & (rec["day"] <= 30)][
        "recovered_eur"].sum()
    assert real30 == pytest.approx(expected_real30, rel=1e-7)
    assert real30_den == pytest.approx(old["overdue_eur"].sum(), rel=1e-7)
    assert 0.2 < recovered / overdue < 1.05


def test_first_attempt_failure_rate_by_day_of_month(ref: Reference, con) -> None:
    scheduled = ref.attempts[ref.attempts["kind"] == "scheduled"].sort_values(
        ["installment_id", "attempted_at", "attempt_id"])
    first = scheduled.drop_duplicates("installment_id")
    first = first.assign(dom=pd.to_datetime(first["due_date"]).dt.day,
                         failed=first["status"] == "failed")
    expected = first.groupby("dom")["failed"].agg(["sum", "count"])
    mart = con.execute("""
        select due_day_of_month as dom, sum(failed_first_attempts) as failed,
               sum(first_attempts) as attempts,
               sum(failed_insufficient_funds) as insufficient
        from mart_payment_failures group by 1 order by 1""").df().set_index("dom")
    assert (mart["attempts"] == expected["count"]).all()
    assert (mart["failed"] == expected["sum"]).all()
    insufficient = first[first["failed"] & (first["failure_reason"] == "insufficient_funds")]
    assert mart["insufficient"].sum() == len(insufficient)
    assert expected["sum"].sum() > 0


def test_funnel_conversions_by_channel(ref: Reference, con) -> None:
    contacts = ref.raw("contacts")
    contacts = contacts[contacts["sent_at"].dt.normalize() <= ref.as_of]
    paid = ref.attempts[ref.attempts["status"] == "succeeded"][["plan_id", "attempted_at"]]
    pairs = contacts[contacts["plan_id"].notna()][["contact_id", "plan_id", "sent_at"]].merge(
        paid, on="plan_id")
    window = pd.Timedelta(days=ATTRIBUTION_DAYS)
    hit = pairs[(pairs["attempted_at"] >= pairs["sent_at"])
                & (pairs["attempted_at"] <= pairs["sent_at"] + window)]
    no_plan = contacts[contacts["plan_id"].isna()][["contact_id", "customer_id", "sent_at"]]
    by_customer = no_plan.merge(
        ref.attempts[ref.attempts["status"] == "succeeded"][["customer_id", "attempted_at"]],
        on="customer_id")
    hit_customer = by_customer[(by_customer["attempted_at"] >= by_customer["sent_at"])
                               & (by_customer["attempted_at"]
                                  <= by_customer["sent_at"] + window)]
    contacts["paid"] = contacts["contact_id"].isin(
        set(hit["contact_id"]) | set(hit_customer["contact_id"]))
    contacts["delivered"] = contacts["delivered_at"].notna()
    contacts["opened"] = contacts["opened_at"].notna()
    expected = contacts.groupby("channel")[["delivered", "opened", "paid"]].mean()
    mart = con.execute("""
        select channel, sum(delivered) / sum(contacts_sent) as delivered,
               sum(opened) / sum(contacts_sent) as opened, sum(paid) / sum(contacts_sent) as paid
        from mart_channel_funnel group by 1""").df().set_index("channel")
    assert set(mart.index) == set(expected.index)
    for column in ("delivered", "opened", "paid"):
        np.testing.assert_allclose(mart[column], expected.loc[mart.index, column], atol=1e-12)
    assert expected["paid"].max() > 0


def test_agent_productivity_counts_each_agents_contacts(ref: Reference, con) -> None:
    contacts = ref.raw("contacts")
    handled = contacts[contacts["agent_id"].notna()]
    expected = handled.groupby("agent_id").agg(
        contacts=("contact_id", "size"), calls=("channel", lambda c: (c == "call").sum()))
    mart = con.execute("""
        select agent_id, sum(contacts) as contacts, sum(calls) as calls, sum(paid) as paid
        from mart_agent_productivity group by 1""").df().set_index("agent_id")
    assert len(expected) > 1
    assert set(mart.index) == set(expected.index)
    assert (mart["contacts"] == expected.loc[mart.index, "contacts"]).all()
    assert (mart["calls"] == expected.loc[mart.index, "calls"]).all()
    paid = _one(con, "select count(*) from fct_contacts "
                     "where agent_id is not null and paid_within_n_days")
    assert mart["paid"].sum() == paid


def test_local_send_hour_and_contact_pressure(ref: Reference, con) -> None:
    contacts = ref.raw("contacts").merge(ref.raw("customers")[["customer_id", "timezone"]],
                                         on="customer_id")
    hours = {}
    for tz, group in contacts.groupby("timezone"):
        local = group["sent_at"].dt.tz_localize("UTC").dt.tz_convert(tz)
        hours.update(zip(group["contact_id"], local.dt.hour, strict=True))
    pairs = contacts[["contact_id", "customer_id", "sent_at"]].merge(
        contacts[["customer_id", "sent_at"]], on="customer_id", suffixes=("", "_other"))
    prior = pairs[(pairs["sent_at_other"] >= pairs["sent_at"] - pd.Timedelta(days=7))
                  & (pairs["sent_at_other"] <= pairs["sent_at"])]
    prev_7d = prior.groupby("contact_id").size() - 1
    mart = con.execute(
        "select contact_id, local_send_hour, contacts_prev_7d from fct_contacts").df()
    assert (mart["local_send_hour"] == mart["contact_id"].map(hours)).all()
    assert (mart["contacts_prev_7d"] == mart["contact_id"].map(prev_7d)).all()
    assert mart["contacts_prev_7d"].max() >= 3


def test_cohort_curve_points(ref: Reference, con) -> None:
    cases, _ = ref.cases
    rec = ref.recoveries
    cases = cases.assign(cohort=cases["opened"].dt.to_period("M").dt.to_timestamp())
    cohort = cases["cohort"].value_counts().index[0]  # the largest cohort
    members = cases[cases["cohort"] == cohort]
    mart = con.execute("""
        select days_since_opened, overdue_amount_observed, recovered_amount_cumulative
        from mart_cohort_recovery
        where segment_type = 'all' and cohort_month = ?""", [cohort.date()]).df().set_index(
        "days_since_opened")
    for day in (0, 5, 30, 90, 180):
        observed = members[members["age"] >= day]
        if observed.empty:
            assert day not in mart.index
            continue
        numerator = rec[rec["case_id"].isin(observed["case_id"]) & (rec["day"] <= day)][
            "recovered_eur"].sum()
        assert mart.loc[day, "overdue_amount_observed"] == pytest.approx(
            observed["overdue_eur"].sum(), rel=1e-7)
        assert mart.loc[day, "recovered_amount_cumulative"] == pytest.approx(
            numerator, rel=1e-7, abs=1e-5)


def test_roll_rates_match_month_end_buckets(ref: Reference, con) -> None:
    st = ref.status[ref.status["was_delinquent"]]
    rec = ref.receipts
    month_ends = pd.date_range(st["due_date"].min(), ref.as_of, freq="ME")
    states = []
    for month_end in month_ends:
        open_ = st[(st["due_date"] < month_end)
                   & (st["fully_paid_date"].isna() | (st["fully_paid_date"] > month_end))]
        paid = rec[rec["attempted_date"] <= month_end].groupby("installment_id")[
            "received_local"].sum()
        outstanding = (open_["amount_local"] - open_["installment_id"].map(paid).fillna(0)).clip(
            lower=0) * open_["rate_due"]
        frame = pd.DataFrame({"plan_id": open_["plan_id"], "month_end": month_end,
                              "dpd": (month_end - open_["due_date"]).dt.days,
                              "amount": outstanding})
        states.append(frame.groupby(["plan_id", "month_end"], as_index=False).agg(
            dpd=("dpd", "max"), amount=("amount", "sum")))
    states = pd.concat(states)
    bucket = pd.cut(states["dpd"], [0, 5, 30, 60, 90, np.inf],
                    labels=["1-5", "6-30", "31-60", "61-90", "90+"])
    states["bucket"] = bucket.astype(str)
    following = dict(pairwise(month_ends))
    start = states[states["month_end"].isin(following)].copy()
    start["next"] = start["month_end"].map(following)
    moved = start.merge(states[["plan_id", "month_end", "bucket"]].rename(
        columns={"month_end": "next", "bucket": "to"}), on=["plan_id", "next"], how="left")
    moved["to"] = moved["to"].fillna("current")
    expected = moved.groupby(["bucket", "to"])["amount"].sum()
    totals = moved.groupby("bucket")["amount"].sum()
    mart = con.execute("""
        select from_bucket, to_bucket, sum(rolled_amount) as rolled, sum(from_amount) as total
        from mart_roll_rates group by 1, 2""").df()
    for row in mart.itertuples():
        assert row.total == pytest.approx(totals[row.from_bucket], rel=1e-7)
        assert row.rolled == pytest.approx(expected.get((row.from_bucket, row.to_bucket), 0.0),
                                           rel=1e-7, abs=1e-5)
    assert set(mart["from_bucket"]) >= {"1-5", "6-30"}


def test_every_mart_has_an_enforced_contract_and_no_personal_data(con) -> None:
    spec = yaml.safe_load(MARTS_YML.read_text())
    documented = {model["name"]: model for model in spec["models"]}
    sql_files = {p.stem for p in MARTS_YML.parent.glob("*.sql")}
    assert sql_files == set(documented)
    forbidden = {"birth_year", "comment", "email", "phone", "name", "address", "iban"}
    for name, model in documented.items():
        assert model["config"]["contract"]["enforced"] is True, name
        columns = {c["name"] for c in model["columns"]}
        assert not columns & forbidden, name
        actual = {row[0] for row in con.execute(f"describe {name}").fetchall()}
        assert actual == columns, name
    bands = {row[0] for row in con.execute("select distinct birth_year_band from dim_customers")
             .fetchall()}
    assert all(band == "unknown" or band.endswith("0s") for band in bands)
