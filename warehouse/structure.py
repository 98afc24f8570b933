"""Structural checks of a dataset, before dbt runs.

A structural problem (a missing table or column, a file that cannot be read, a wrong delimiter,
text that is not UTF-8) means the dataset is not in the contract at all: building would produce
a warehouse that silently lacks data. So these stop the build, with a message naming the file,
the column or line, and the fix. Row-level problems are not checked here: dbt quarantines them.

The checks read the contract from `relance.contract.TABLES`; nothing here restates it.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from relance.contract import TABLES, Table
from relance.paths import DERIVED_SUBDIR

# Tables without which no mart means anything: an empty file here is a failed export.
NON_EMPTY_TABLES = ("merchants", "customers", "plans", "installments")

# The speech step's outputs (docs/ARCHITECTURE.md), read from <data>/_derived/ when present.
DERIVED_TABLES = ("transcripts", "text_reasons", "text_flags", "themes")

# DuckDB read_csv options, the same as the raw_csv source in models/staging/_sources.yml (a test
# keeps them equal). Nothing is sniffed that could drop rows (skip, comment).
CSV_OPTIONS = ("header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', "
               "skip = 0, comment = '', strict_mode = true")

_OTHER_DELIMITERS = {";": "semicolon (;)", "\t": "tab", "|": "pipe (|)"}
_CHUNK = 1 << 24


@dataclass(frozen=True)
class Problem:
    """One structural problem: where it is and how to fix it."""

    file: str
    message: str
    fix: str
    column: str | None = None

    def __str__(self) -> str:
        where = self.file + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.message}. Fix: {self.fix}"


class StructuralError(Exception):
    """The dataset cannot be built; every problem found is listed, not just the first."""

    def __init__(self, data_dir: Path, problems: list[Problem]) -> None:
        self.data_dir = data_dir
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"{len(problems)} structural problem(s) in dataset {data_dir}; the build stopped "
            f"before dbt and the previous warehouse is unchanged:\n{lines}"
        )


@dataclass(frozen=True)
class TableFile:
    """How one table is stored in the dataset."""

    table: str
    format: str  # 'parquet', 'csv' or 'absent'
    path: Path | None
    rows: int  # rows in the file (0 when absent), counted independently of dbt
    columns: tuple[str, ...] = ()


@dataclass
class DatasetLayout:
    """What the checks found: one entry per contract table and per speech output."""

    data_dir: Path
    tables: dict[str, TableFile] = field(default_factory=dict)
    derived: dict[str, TableFile] = field(default_factory=dict)

    def raw_formats(self) -> dict[str, str]:
        """The dbt var `raw_formats`: how each table is stored."""
        every = {**self.tables, **self.derived}
        return {name: f.format for name, f in every.items()}


def inspect_dataset(data_dir: Path) -> DatasetLayout:
    """Check ``data_dir`` against the contract; raise `StructuralError` listing every problem."""
    data_dir = Path(data_dir).resolve()
    if not data_dir.is_dir():
        raise StructuralError(data_dir, [Problem(
            str(data_dir), "the dataset directory does not exist",
            "pass --data with a directory holding the contract's tables "
            "(or create one with `relance simulate`)")])
    unsafe = set("'{}\"") & set(str(data_dir))
    if unsafe:
        raise StructuralError(data_dir, [Problem(
            str(data_dir), f"the path contains {''.join(sorted(unsafe))!r}, which dbt's "
            "source templates cannot quote", "move the dataset to a plain path")])

    layout = DatasetLayout(data_dir)
    problems: list[Problem] = []
    for table in TABLES.values():
        found = _check_table(data_dir, table, problems)
        if found is not None:
            layout.tables[table.name] = found
    derived_dir = data_dir / DERIVED_SUBDIR
    for name in DERIVED_TABLES:
        path = derived_dir / f"{name}.parquet"
        if not path.exists():
            layout.derived[name] = TableFile(name, "absent", None, 0)
            continue
        try:
            meta = pq.read_metadata(path)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            problems.append(Problem(_rel(path, data_dir), f"not a readable Parquet file ({exc})",
                                    "re-run `relance transcribe`, or delete the file"))
            continue
        layout.derived[name] = TableFile(name, "parquet", path, meta.num_rows,
                                         tuple(meta.schema.names))
    if problems:
        raise StructuralError(data_dir, problems)
    return layout


def _rel(path: Path, data_dir: Path) -> str:
    try:
        return str(path.relative_to(data_dir.parent))
    except ValueError:
        return str(path)


def _check_table(data_dir: Path, table: Table, problems: list[Problem]) -> TableFile | None:
    parquet, csv_path = data_dir / f"{table.name}.parquet", data_dir / f"{table.name}.csv"
    if parquet.exists() and csv_path.exists():
        problems.append(Problem(
            _rel(csv_path, data_dir), f"both {parquet.name} and {csv_path.name} exist",
            "keep exactly one file per table"))
        return None
    if not parquet.exists() and not csv_path.exists():
        if table.optional:
            return TableFile(table.name, "absent", None, 0)
        near = sorted(p.name for p in data_dir.glob(f"{table.name}.*"))
        hint = f" (found {', '.join(near)}: only .parquet and .csv are read)" if near else ""
        problems.append(Problem(
            _rel(data_dir / f"{table.name}.parquet", data_dir),
            f"required table '{table.name}' is missing{hint}",
            f"export it as {table.name}.parquet or {table.name}.csv with columns "
            f"{', '.join(table.required_columns)}"))
        return None
    before = len(problems)
    found = (_check_parquet(parquet, data_dir, table, problems) if parquet.exists()
             else _check_csv(csv_path, data_dir, table, problems))
    if found is None or len(problems) > before:
        return None
    if found.rows == 0 and table.name in NON_EMPTY_TABLES:
        problems.append(Problem(
            _rel(found.path, data_dir), f"the file has a header but no rows; "
            f"'{table.name}' cannot be empty", "re-export the table with its data"))
        return None
    return found


def _missing_columns(table: Table, present: list[str], path: Path, data_dir: Path,
                     problems: list[Problem]) -> None:
    have = {c.strip().lower() for c in present}
    for column in table.required_columns:
        if column not in have:
            optional = [c.name for c in table.columns if not c.required]
            note = f" (optional columns, which may be left out: {', '.join(optional)})" \
                if optional else ""
            problems.append(Problem(
                _rel(path, data_dir), f"required column '{column}' is missing{note}",
                f"add a '{column}' column ({table.column(column).type}) to {path.name}",
                column=column))


def _check_parquet(path: Path, data_dir: Path, table: Table,
                   problems: list[Problem]) -> TableFile | None:
    if path.stat().st_size == 0:
        problems.append(Problem(_rel(path, data_dir), "the file is empty (0 bytes)",
                                "re-export the table"))
        return None
    try:
        meta = pq.read_metadata(path)
    except Exception as exc:  # ArrowInvalid, OSError... all mean "not a Parquet file"
        problems.append(Problem(_rel(path, data_dir), f"not a readable Parquet file ({exc})",
                                f"re-export {table.name} as Parquet, or as CSV"))
        return None
    names = list(meta.schema.names)
    _missing_columns(table, names, path, data_dir, problems)
    return TableFile(table.name, "parquet", path, meta.num_rows, tuple(names))


def _check_csv(path: Path, data_dir: Path, table: Table,
               problems: list[Problem]) -> TableFile | None:
    rel = _rel(path, data_dir)
    with path.open("rb") as handle:
        start = handle.read(4096)
    if not start.strip():
        problems.append(Problem(rel, "the file is empty (no header row)",
                                f"re-export {table.name} with a header row"))
        return None
    bad = _first_non_utf8(path)
    if bad is not None:
        line, excerpt = bad
        problems.append(Problem(
            rel, f"line {line} is not valid UTF-8 ({excerpt})",
            "re-export the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"))
        return None
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header_line = handle.readline()
    header = next(csv.reader(io.StringIO(header_line)), [])
    required = set(table.required_columns)
    if not required <= {h.strip().lower() for h in header}:
        for delimiter, label in _OTHER_DELIMITERS.items():
            other = next(csv.reader(io.StringIO(header_line), delimiter=delimiter), [])
            if len(header) == 1 and len(other) > 1:
                problems.append(Problem(
                    rel, f"the file is delimited by {label}, not by commas",
                    "re-export it with ',' as the delimiter (the contract's CSV dialect)"))
                return None
    _missing_columns(table, header, path, data_dir, problems)
    if any(p.file == rel for p in problems):
        return None
    try:
        with duckdb.connect() as con:
            rows = con.execute(f"select count(*) from read_csv(?, {CSV_OPTIONS})",
                               [str(path)]).fetchone()[0]
    except duckdb.Error as exc:
        problems.append(Problem(rel, f"the CSV cannot be parsed: {_csv_error(path, exc)}",
                                "fix that line (quoting or number of fields)"))
        return None
    return TableFile(table.name, "csv", path, int(rows), tuple(h.strip() for h in header))


def _csv_error(path: Path, exc: duckdb.Error) -> str:
    """Where the CSV breaks: the first row whose field count differs from the header's."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        for row in reader:
            if len(row) != len(header):
                return (f"line {reader.line_num} has {len(row)} fields, the header has "
                        f"{len(header)}")
    return str(exc).split("\n")[0]


def _first_non_utf8(path: Path) -> tuple[int, str] | None:
    """(line number, excerpt) of the first byte sequence that is not UTF-8, if any."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                at = min(max(exc.start, 0), len(chunk))  # the decoder may hold up to 3 bytes
                line += chunk.count(b"\n", 0, at)
                start = chunk.rfind(b"\n", 0, at) + 1
                end = chunk.find(b"\n", at)
                excerpt = chunk[start:end if end != -1 else None][:120]
                return line, f"bytes {chunk[at:at + 4]!r} in {excerpt!r}"
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return line, "truncated multi-byte character at the end of the file"
    return None
