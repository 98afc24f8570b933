"""`build_warehouse`: a contract dataset in, a tested DuckDB warehouse out, or nothing changed.

The order is what makes it safe:
1. structural checks (warehouse/structure.py): a dataset outside the contract stops here;
2. `dbt build` into a new file beside the target (``.<name>.building``): models, tests;
3. reconciliation in Python against the files' own row counts (nothing lost);
4. a build-info table, a checkpoint, and only then ``os.replace`` onto the target.
A reader of the old warehouse (a dashboard) never sees a half-built or locked file: until step 4
it reads the old file, and on POSIX its open file keeps the old contents after the swap. A build
that fails or is killed leaves the target untouched; its leftovers are removed by the next build.

One build at a time per target: a build holds an exclusive lock on ``.<name>.lock`` (released
by the system when its process dies, so a killed build never blocks the next). That also keeps
the building file's path the same from build to build, which lets dbt reuse its parsed project
(``.<name>.dbt-parse``, dbt's partial parsing) instead of parsing 300 nodes again: 3.7 s -> 0.5 s.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from relance.paths import DERIVED_SUBDIR
from warehouse.dbt import DbtBuildError, DbtRun, run_dbt_build
from warehouse.reconcile import TableCounts, read_quarantine, reconcile
from warehouse.structure import DatasetLayout, inspect_dataset

BUILDING_SUFFIX = ".building"
LOCK_SUFFIX = ".lock"
PARSE_CACHE_SUFFIX = ".dbt-parse"
BUILD_INFO_TABLE = "relance_build_info"
DEFAULT_REPORTING_CURRENCY = "EUR"


class BuildInProgressError(RuntimeError):
    """Another build is writing the same warehouse."""


@dataclass(frozen=True)
class QuarantineCount:
    table: str
    reason: str
    column: str | None
    rows: int


@dataclass
class BuildSummary:
    """What a build produced: where, from what, how long, and every row accounted for."""

    warehouse: Path
    data_dir: Path
    built_at: datetime
    seconds: float
    dbt_seconds: float
    dbt_version: str
    reporting_currency: str
    models: int
    tests: int
    tables: list[TableCounts] = field(default_factory=list)
    quarantine: list[QuarantineCount] = field(default_factory=list)

    @property
    def quarantined_rows(self) -> int:
        return sum(t.quarantined_rows for t in self.tables)

    @property
    def raw_rows(self) -> int:
        return sum(t.raw_rows for t in self.tables)


def build_warehouse(
    data: Path,
    warehouse: Path,
    *,
    reporting_currency: str = DEFAULT_REPORTING_CURRENCY,
    on_progress: Callable[[str, int], None] | None = None,
    keep_artifacts: Path | None = None,
    select: tuple[str, ...] = (),
) -> BuildSummary:
    """Build ``warehouse`` from the dataset in ``data``; raise and change nothing on failure.

    Raises `warehouse.structure.StructuralError` (dataset outside the contract),
    `warehouse.dbt.DbtBuildError` (a model or test failed) or
    `warehouse.reconcile.ReconciliationError` (rows unaccounted for).
    ``keep_artifacts``: copy dbt's target directory (compiled SQL, run_results.json) there.
    ``select``: dbt node selection; only for checking a dataset's staging layer quickly
    (``("staging", "quarantine")``), since a warehouse without marts serves nobody.
    """
    started = time.perf_counter()
    data_dir = Path(data).resolve()
    target = Path(warehouse).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with _build_lock(target):
        remove_leftovers(target)
        layout = inspect_dataset(data_dir)
        summary = _build_locked(data_dir, target, layout, reporting_currency, on_progress,
                                keep_artifacts, select)
    summary.seconds = time.perf_counter() - started
    return summary


def _build_locked(data_dir: Path, target: Path, layout: DatasetLayout, reporting_currency: str,
                  on_progress: Callable[[str, int], None] | None, keep_artifacts: Path | None,
                  select: tuple[str, ...]) -> BuildSummary:
    """Steps 2-4 of the module's docstring, with the target's build lock held."""
    building = building_path(target)
    artifacts = Path(tempfile.mkdtemp(prefix="relance-dbt-"))
    try:
        run = run_dbt_build(
            warehouse_path=building,
            dbt_vars=dbt_vars(layout, reporting_currency),
            artifacts_dir=artifacts,
            parse_cache=parse_cache_path(target),
            on_node_done=on_progress,
            extra_args=("--select", *select) if select else (),
        )
        if keep_artifacts is not None:
            shutil.rmtree(keep_artifacts, ignore_errors=True)
            shutil.copytree(artifacts / "target", keep_artifacts)
        built_at = datetime.now(UTC).replace(tzinfo=None)
        with duckdb.connect(str(building)) as con:
            tables = reconcile(con, layout)
            quarantine = [QuarantineCount(*row) for row in read_quarantine(con)]
            summary = BuildSummary(
                warehouse=target, data_dir=data_dir, built_at=built_at, seconds=0.0,
                dbt_seconds=run.seconds, dbt_version=run.dbt_version,
                reporting_currency=reporting_currency, models=run.models, tests=run.tests,
                tables=tables, quarantine=quarantine)
            _write_build_info(con, summary, layout, run)
            con.execute("checkpoint")
        _swap_into_place(building, target)
    except DbtBuildError:
        _remove_build_files(building)  # dbt's log and compiled SQL stay, for diagnosis
        raise
    except BaseException:
        _remove_build_files(building)
        shutil.rmtree(artifacts, ignore_errors=True)
        raise
    shutil.rmtree(artifacts, ignore_errors=True)
    return summary


def dbt_vars(layout: DatasetLayout, reporting_currency: str) -> dict[str, object]:
    """The dbt vars that point the project at one dataset (see dbt_project.yml)."""
    return {
        "data_dir": str(layout.data_dir),
        "derived_dir": str(layout.data_dir / DERIVED_SUBDIR),
        "raw_formats": layout.raw_formats(),
        "reporting_currency": reporting_currency,
    }


def _write_build_info(con: duckdb.DuckDBPyConnection, summary: BuildSummary,
                      layout: DatasetLayout, run: DbtRun) -> None:
    """One row saying what this warehouse was built from (the dashboard finds call audio here)."""
    formats = sorted({t.format for t in layout.tables.values() if t.format != "absent"})
    con.execute(f"drop table if exists main.{BUILD_INFO_TABLE}")
    con.execute(f"""
        create table main.{BUILD_INFO_TABLE} as select
            cast(? as varchar) as data_dir,
            cast(? as timestamp) as built_at,
            cast(? as varchar) as dbt_version,
            cast(? as varchar) as duckdb_version,
            cast(? as varchar) as reporting_currency,
            cast(? as varchar) as source_format,
            cast(? as bigint) as raw_rows,
            cast(? as bigint) as staged_rows,
            cast(? as bigint) as quarantined_rows,
            cast(? as integer) as models,
            cast(? as integer) as tests
    """, [str(summary.data_dir), summary.built_at, run.dbt_version, duckdb.__version__,
          summary.reporting_currency, "+".join(formats), summary.raw_rows,
          sum(t.staged_rows for t in summary.tables), summary.quarantined_rows,
          run.models, run.tests])


def _swap_into_place(building: Path, target: Path) -> None:
    """Make the new file the warehouse in one atomic rename.

    A write-ahead log left by the old file (a writer that did not checkpoint) would be replayed
    onto the new one, so it is moved aside first and removed after the swap.
    """
    fd = os.open(building, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    if Path(f"{building}.wal").exists():
        raise RuntimeError(f"{building}.wal still exists after checkpoint; not swapping")
    old_wal = Path(f"{target}.wal")
    stale_wal = Path(f"{building}.old-wal")
    if old_wal.exists():
        os.replace(old_wal, stale_wal)
    os.replace(building, target)
    stale_wal.unlink(missing_ok=True)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def building_path(target: Path) -> Path:
    """Where a build of ``target`` writes before the swap (the same path every build)."""
    return target.with_name(f".{target.name}{BUILDING_SUFFIX}")


def lock_path(target: Path) -> Path:
    """The file a build of ``target`` holds locked while it runs (empty; it stays)."""
    return target.with_name(f".{target.name}{LOCK_SUFFIX}")


def parse_cache_path(target: Path) -> Path:
    """dbt's parsed project as the last build of ``target`` left it."""
    return target.with_name(f".{target.name}{PARSE_CACHE_SUFFIX}")


@contextmanager
def _build_lock(target: Path) -> Iterator[None]:
    """Hold the exclusive build lock of ``target``, or raise `BuildInProgressError` at once."""
    held = lock_path(target)
    with open(held, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildInProgressError(
                f"Another build is writing {target} (it holds {held}); wait for it to "
                "finish, then build again.") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def remove_leftovers(target: Path) -> list[Path]:
    """Delete what an earlier build of ``target`` left (killed, crashed); call with the lock held,
    so no live build's files can be among them."""
    removed = []
    for path in target.parent.glob(f".{target.name}{BUILDING_SUFFIX}*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _remove_build_files(building: Path) -> None:
    for path in (building, Path(f"{building}.wal"), Path(f"{building}.tmp")):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
