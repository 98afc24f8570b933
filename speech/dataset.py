"""Reading a contract dataset's tables and writing the speech outputs beside it.

The speech step reads only two raw tables (``calls`` and ``feedback``), as Parquet or CSV, and
writes its outputs to ``<dataset>/_derived/`` atomically (temporary file, then rename), so a
warehouse build running at the same time never reads a half-written file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from relance.paths import DERIVED_SUBDIR

# Column order and Arrow types of each output, as docs/ARCHITECTURE.md ("Speech outputs") lists
# them; the warehouse reads these as dbt sources.
TRANSCRIPTS_SCHEMA = pa.schema([
    ("call_id", pa.string()), ("audio_sha256", pa.string()), ("model", pa.string()),
    ("status", pa.string()), ("error", pa.string()), ("language", pa.string()),
    ("duration_s", pa.float64()), ("text", pa.string()), ("segments_json", pa.string()),
    ("avg_logprob", pa.float64()), ("no_speech_prob", pa.float64()),
    ("real_time_factor", pa.float64()), ("transcribed_at", pa.timestamp("us", tz="UTC")),
    ("customer_id", pa.string()), ("audio_path", pa.string()),
])
TEXT_REASONS_SCHEMA = pa.schema([
    ("source", pa.string()), ("source_id", pa.string()), ("customer_id", pa.string()),
    ("reason", pa.string()), ("confidence", pa.float64()), ("quote", pa.string()),
    ("method", pa.string()), ("model_version", pa.string()), ("rank", pa.int64()),
])
TEXT_FLAGS_SCHEMA = pa.schema([
    ("source", pa.string()), ("source_id", pa.string()), ("customer_id", pa.string()),
    ("flag", pa.string()), ("detail", pa.string()), ("quote", pa.string()),
])
THEMES_SCHEMA = pa.schema([
    ("theme_id", pa.string()), ("top_terms", pa.string()), ("doc_count", pa.int64()),
    ("example_quote", pa.string()),
])


class DatasetError(RuntimeError):
    """The dataset cannot be read (missing directory or unreadable table)."""


def derived_dir(data: Path) -> Path:
    return Path(data) / DERIVED_SUBDIR


def read_table(data: Path, name: str) -> pd.DataFrame | None:
    """The raw table ``name`` as strings-preserving DataFrame, or None when the dataset lacks it."""
    data = Path(data)
    parquet, csv = data / f"{name}.parquet", data / f"{name}.csv"
    try:
        if parquet.exists():
            return pd.read_parquet(parquet)
        if csv.exists():
            return pd.read_csv(csv, dtype=str, keep_default_na=False, na_values=[""])
    except Exception as exc:  # any reader error means the same thing to the user
        raise DatasetError(f"cannot read {parquet if parquet.exists() else csv}: {exc}") from exc
    return None


def read_output(data: Path, name: str, schema: pa.Schema) -> pd.DataFrame:
    """A previous run's output, or an empty frame with the right columns."""
    path = derived_dir(data) / f"{name}.parquet"
    if path.exists():
        return pd.read_parquet(path)
    return schema.empty_table().to_pandas()


def write_output(data: Path, name: str, frame: pd.DataFrame, schema: pa.Schema) -> Path:
    """Write ``frame`` as ``_derived/<name>.parquet`` with ``schema``, atomically."""
    out_dir = derived_dir(data)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name}.parquet"
    tmp = out_dir / f".{name}.parquet.tmp-{os.getpid()}"
    table = pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)
    pq.write_table(table, tmp)
    os.replace(tmp, target)
    return target
