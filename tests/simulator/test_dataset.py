"""The dataset as files: contract conformance, formats, determinism, recordings, the CLI."""

from __future__ import annotations

import json
import re
import wave
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from relance.cli import app
from relance.contract import REASON_CODES, TABLES
from simulator import simulate_dataset, validate_dataset
from simulator.schema import read_table


def test_every_contract_table_and_column_is_written_valid(small_dataset: Path) -> None:
    assert validate_dataset(small_dataset) == []
    for name, table in TABLES.items():
        written = pq.read_table(small_dataset / f"{name}.parquet")
        assert written.column_names == list(table.column_names)
        if name != "calls":
            assert written.num_rows > 0, name
        for col in table.columns:
            if col.type == "id":
                assert written.schema.field(col.name).type == pa.string()


def test_validator_catches_what_it_should(small_dataset: Path, tmp_path: Path) -> None:
    for name in TABLES:
        (tmp_path / f"{name}.parquet").write_bytes((small_dataset / f"{name}.parquet")
                                                   .read_bytes())
    plans = pq.read_table(tmp_path / "plans.parquet")
    bad_type = plans.set_column(plans.column_names.index("plan_type"), "plan_type",
                                pa.array(["pay_in_9"] * plans.num_rows))
    pq.write_table(bad_type, tmp_path / "plans.parquet")
    (tmp_path / "fx_rates.parquet").unlink()
    inst = pq.read_table(tmp_path / "installments.parquet")
    pq.write_table(pa.concat_tables([inst, inst.slice(0, 3)]), tmp_path / "installments.parquet")
    problems = "\n".join(validate_dataset(tmp_path))
    assert "plans.plan_type" in problems and "outside" in problems
    assert "fx_rates" in problems
    assert "installments: primary key" in problems


def _tables(path: Path) -> dict[str, pa.Table]:
    return {name: read_table(path, name) for name in TABLES}


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path) -> None:
    a = _tables(simulate_dataset(tmp_path / "a", customers=600, seed=5))
    b = _tables(simulate_dataset(tmp_path / "b", customers=600, seed=5))
    c = _tables(simulate_dataset(tmp_path / "c", customers=600, seed=6))
    for name in TABLES:
        assert a[name].equals(b[name]), name
    assert not a["payment_attempts"].equals(c["payment_attempts"])
    assert not a["customers"].equals(c["customers"])
    truth_a = json.loads((tmp_path / "a" / "_truth.json").read_text())
    truth_b = json.loads((tmp_path / "b" / "_truth.json").read_text())
    assert truth_a == truth_b


def test_csv_format(tmp_path: Path) -> None:
    out = simulate_dataset(tmp_path / "csv", customers=500, seed=3, fmt="csv")
    assert sorted(p.name for p in out.glob("*.csv")) == sorted(f"{n}.csv" for n in TABLES)
    assert not list(out.glob("*.parquet"))
    assert validate_dataset(out) == []
    header, first = (out / "contacts.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert header.replace('"', "").split(",") == list(TABLES["contacts"].column_names)
    assert re.search(r'"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"', first)
    assert re.search(r'\d{4}-\d\d-\d\d', (out / "installments.csv").read_text().splitlines()[1])


def test_rerun_replaces_a_previous_dataset(tmp_path: Path) -> None:
    simulate_dataset(tmp_path, customers=300, seed=1, fmt="csv")
    simulate_dataset(tmp_path, customers=300, seed=1, fmt="parquet")
    assert not list(tmp_path.glob("*.csv"))
    assert validate_dataset(tmp_path) == []


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        simulate_dataset(tmp_path, customers=10, seed=1, fmt="xlsx")
    with pytest.raises(ValueError, match="customers"):
        simulate_dataset(tmp_path, customers=0, seed=1)


@pytest.mark.slow
def test_recorded_calls_state_the_true_reason(tmp_path: Path) -> None:
    out = simulate_dataset(tmp_path, customers=1500, seed=9, calls=2,
                           call_languages=("en", "fr"))
    calls = pq.read_table(out / "calls.parquet").to_pylist()
    truth = pq.read_table(out / "_truth" / "calls.parquet").to_pylist()
    assert len(calls) == len(truth) == 2
    contacts = pq.read_table(out / "contacts.parquet").to_pandas().set_index("contact_id")
    for call, t in zip(calls, truth, strict=True):
        assert call["call_id"] == t["call_id"]
        with wave.open(str(out / call["audio_path"])) as w:
            assert w.getframerate() == 16_000 and w.getnchannels() == 1
            assert abs(w.getnframes() / 16_000 - call["duration_s"]) < 0.01
        assert call["duration_s"] > 3
        contact = contacts.loc[call["contact_id"]]
        assert contact["channel"] == "call" and contact["call_outcome"] == "right_party"
        assert contact["customer_id"] == call["customer_id"]
        assert t["reason"] in REASON_CODES and t["language"] in ("en", "fr")
        assert "customer:" in t["script"] and "agent:" in t["script"]
    assert validate_dataset(out) == []


# --- CLI ------------------------------------------------------------------------------------
def test_cli_help_lists_the_options() -> None:
    result = CliRunner().invoke(app, ["simulate", "--help"])
    assert result.exit_code == 0
    for option in ("--customers", "--seed", "--out", "--format", "--calls", "--null"):
        assert option in result.output


def test_cli_runs_and_summarises(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["simulate", "--customers", "300", "--calls", "0",
                                      "--out", str(tmp_path), "--null", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "payment_attempts" in result.output and "nothing planted" in result.output
    truth = json.loads((tmp_path / "_truth.json").read_text())
    assert truth["null"] is True and truth["seed"] == 4 and truth["customers"] == 300


@pytest.mark.parametrize("args", [["--format", "xlsx"], ["--customers", "0"],
                                  ["--call-languages", "de"],
                                  ["--calls", "-1"], ["--customers", "many"]])
def test_cli_rejects_bad_options(tmp_path: Path, args: list[str]) -> None:
    result = CliRunner().invoke(app, ["simulate", "--out", str(tmp_path), "--calls", "0", *args])
    assert result.exit_code == 2
    assert not (tmp_path / "_truth.json").exists()


def test_simulate_callable_as_a_function_like_demo_does(tmp_path: Path) -> None:
    from simulator.cli import simulate

    simulate(customers=200, seed=2, out=tmp_path, calls=0)
    truth = json.loads((tmp_path / "_truth.json").read_text())
    assert truth["format"] == "parquet" and truth["null"] is False


def test_recorded_calls_are_english_by_default(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The default Whisper model is English-only: French calls only when asked for. (Synthesis
    is replaced by a stub here; real audio is tested above.)"""
    import speech.synthesize

    languages: list[str] = []

    def stub(script: list, out_path: Path, language: str = "en") -> float:
        languages.append(language)
        return 1.0

    monkeypatch.setattr(speech.synthesize, "synthesize_call", stub)
    out = simulate_dataset(tmp_path, customers=1500, seed=9, calls=12)
    assert len(languages) == 12 and set(languages) == {"en"}
    french_calls = pq.read_table(out / "contacts.parquet").to_pandas().merge(
        pq.read_table(out / "customers.parquet").to_pandas(), on="customer_id")
    french_calls = french_calls[(french_calls["language"] == "fr")
                                & (french_calls["call_outcome"] == "right_party")]
    assert len(french_calls) > 0  # there were French calls to pick from
