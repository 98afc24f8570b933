"""Arrow types for the contract, and a validator any dataset directory can be checked with.

The validator checks what the simulator promises (every table and column of
``relance.contract.TABLES``, physical types, enumerations, key uniqueness, foreign keys, dates
in the window); the warehouse keeps its own, more forgiving checks for providers' files.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from relance.contract import TABLES, Table

ARROW_TYPES = {
    "id": pa.string(), "text": pa.string(), "enum": pa.string(), "country": pa.string(),
    "currency": pa.string(), "timezone": pa.string(), "language": pa.string(),
    "timestamp": pa.timestamp("us", tz="UTC"), "date": pa.date32(), "money": pa.float64(),
    "number": pa.float64(), "integer": pa.int64(),
}


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in table.columns])


def empty_table(name: str) -> pa.Table:
    return arrow_schema(TABLES[name]).empty_table()


def conform(name: str, table: pa.Table) -> pa.Table:
    """Columns in contract order with contract types (raises if one is missing).

    Dictionary-encoded strings stay encoded (they are written as plain Parquet strings)."""
    columns, names = [], []
    for f in arrow_schema(TABLES[name]):
        col = table.column(f.name)
        keep = pa.types.is_dictionary(col.type) and col.type.value_type == f.type
        columns.append(col if keep else col.cast(f.type))
        names.append(f.name)
    return pa.table(columns, names=names)


def read_table(directory: Path, name: str) -> pa.Table:
    """Read ``name`` from a dataset directory, Parquet or CSV, with the contract's types."""
    parquet, csv = directory / f"{name}.parquet", directory / f"{name}.csv"
    schema = arrow_schema(TABLES[name])
    if parquet.exists():
        return pq.read_table(parquet)
    if csv.exists():
        opts = pacsv.ConvertOptions(column_types={f.name: f.type for f in schema},
                                    strings_can_be_null=True,
                                    timestamp_parsers=["%Y-%m-%dT%H:%M:%SZ",
                                                       pacsv.ISO8601])
        return pacsv.read_csv(csv, convert_options=opts)
    raise FileNotFoundError(f"{directory}: no {name}.parquet or {name}.csv")


def validate_dataset(directory: Path) -> list[str]:
    """Every way ``directory`` breaks the contract, as readable messages (empty = valid)."""
    directory = Path(directory)
    problems: list[str] = []
    tables: dict[str, pa.Table] = {}
    for name, spec in TABLES.items():
        try:
            tables[name] = read_table(directory, name)
        except FileNotFoundError as missing:
            problems.append(str(missing))
            continue
        t = tables[name]
        for col in spec.columns:
            if col.name not in t.column_names:
                problems.append(f"{name}: missing column {col.name}")
                continue
            values = t.column(col.name)
            want = ARROW_TYPES[col.type]
            if values.type != want:
                problems.append(f"{name}.{col.name}: type {values.type}, expected {want}")
            if col.required and col.name in spec.primary_key and values.null_count:
                problems.append(f"{name}.{col.name}: {values.null_count} nulls in a key")
            if col.enum is not None:
                bad = pc.invert(pc.is_in(values, value_set=pa.array(col.enum)))
                bad = pc.and_(bad, pc.is_valid(values))
                n_bad = pc.sum(bad).as_py() or 0
                if n_bad:
                    problems.append(f"{name}.{col.name}: {n_bad} values outside {col.enum}")
        extra = set(t.column_names) - set(spec.column_names)
        if extra:
            problems.append(f"{name}: unexpected columns {sorted(extra)}")
        key = spec.primary_key
        if all(k in t.column_names for k in key) and t.num_rows:
            groups = t.group_by(list(key)).aggregate([]).num_rows
            if groups != t.num_rows:
                problems.append(f"{name}: primary key {key} not unique")
    for name, spec in TABLES.items():
        if name not in tables:
            continue
        for col, target in spec.foreign_keys.items():
            ref_table, ref_col = target.split(".")
            if ref_table not in tables or col not in tables[name].column_names:
                continue
            values = tables[name].column(col).drop_null()
            missing = pc.sum(pc.invert(pc.is_in(values, value_set=tables[ref_table].column(
                ref_col)))).as_py() or 0
            if missing:
                problems.append(f"{name}.{col}: {missing} values not in {target}")
    return problems
