"""The warehouse file is only ever replaced whole: readers never see a half-built or locked
file, and a build that fails or is killed leaves the previous warehouse as it was.

These builds select the staging and quarantine layers only: what is tested is the file
handling around dbt, which does not depend on the marts (those are built in test_quarantine).
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import warehouse.build
from relance.paths import PROJECT_ROOT
from tests.warehouse.tiny_dataset import tiny_tables, write_tiny_dataset
from warehouse import DbtBuildError, build_warehouse
from warehouse.build import BuildInProgressError, building_path, lock_path, parse_cache_path

LAYERS = ("staging", "quarantine")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def datasets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("swap")
    first = write_tiny_dataset(root / "first", "parquet")
    tables = tiny_tables()
    tables["merchants"].append({"merchant_id": "m4", "merchant_name": "Nord Sport",
                                "sector": "sports", "country": "SE"})
    second = write_tiny_dataset(root / "second", "parquet", tables)
    return first, second


@pytest.fixture(scope="module")
def target(datasets: tuple[Path, Path]) -> Path:
    path = datasets[0].parent / "warehouse.duckdb"
    build_warehouse(data=datasets[0], warehouse=path, select=LAYERS)
    return path


def _merchants(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select count(*) from stg_merchants").fetchone()[0]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _side_files(path: Path) -> list[str]:
    """Hidden files beside the warehouse other than the ones every build keeps (its lock and
    dbt's parsed project)."""
    kept = {lock_path(path).name, parse_cache_path(path).name}
    return sorted(p.name for p in path.parent.glob(f".{path.name}*") if p.name not in kept)


def test_failed_build_leaves_the_warehouse_intact(
        target: Path, datasets: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    before, merchants = _sha256(target), _merchants(target)
    real_vars = warehouse.build.dbt_vars

    def wrong_format(*args, **kwargs):  # dbt will look for merchants.csv, which is not there
        found = real_vars(*args, **kwargs)
        found["raw_formats"]["merchants"] = "csv"
        return found

    monkeypatch.setattr(warehouse.build, "dbt_vars", wrong_format)
    with pytest.raises(DbtBuildError, match="base_merchants"):
        build_warehouse(data=datasets[1], warehouse=target, select=LAYERS)
    assert _sha256(target) == before and _merchants(target) == merchants
    assert _side_files(target) == []


def test_killed_build_leaves_the_warehouse_intact(
        target: Path, datasets: tuple[Path, Path]) -> None:
    before, merchants = _sha256(target), _merchants(target)
    script = ("from warehouse import build_warehouse; "
              f"build_warehouse(data={str(datasets[1])!r}, warehouse={str(target)!r}, "
              f"select={LAYERS!r})")
    child = subprocess.Popen([sys.executable, "-c", script], cwd=PROJECT_ROOT)
    building = building_path(target)
    deadline = time.monotonic() + 300
    while not (building.exists() and building.stat().st_size > 0):
        assert child.poll() is None, "the build ended before it could be killed"
        assert time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.05)
    time.sleep(0.5)  # let dbt get into its models
    assert child.poll() is None
    os.kill(child.pid, signal.SIGKILL)
    child.wait()

    assert _sha256(target) == before and _merchants(target) == merchants
    assert building.name in _side_files(target)
    # The dead build's lock went with its process: the next build runs and clears its files.
    build_warehouse(data=datasets[1], warehouse=target, select=LAYERS)
    assert _merchants(target) == merchants + 1
    assert _side_files(target) == []
    build_warehouse(data=datasets[0], warehouse=target, select=LAYERS)  # as the others expect
    assert _merchants(target) == merchants


def test_a_second_build_of_the_same_warehouse_is_refused_while_one_runs(
        target: Path, datasets: tuple[Path, Path]) -> None:
    before = _sha256(target)
    lock = lock_path(target)
    holder = subprocess.Popen(  # another process holding the build lock, as a running build does
        [sys.executable, "-c",
         "import fcntl, sys\n"
         f"lock = open({str(lock)!r}, 'a')\n"
         "fcntl.flock(lock, fcntl.LOCK_EX)\n"
         "print('locked', flush=True)\n"
         "sys.stdin.readline()\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(BuildInProgressError, match=f"Another build is writing {target}"):
            build_warehouse(data=datasets[1], warehouse=target, select=LAYERS)
        assert _sha256(target) == before and _side_files(target) == []
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=60)


def test_readers_are_never_blocked_and_see_the_new_file_after_the_swap(
        target: Path, datasets: tuple[Path, Path]) -> None:
    merchants = _merchants(target)
    # A reader in another process (a dashboard) holds a read-only connection throughout.
    reader = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys\n"
         f"con = duckdb.connect({str(target)!r}, read_only=True)\n"
         "q = 'select count(*) from stg_merchants'\n"
         "print(con.execute(q).fetchone()[0], flush=True)\n"
         "sys.stdin.readline()\n"
         "print(con.execute(q).fetchone()[0], flush=True)\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert int(reader.stdout.readline()) == merchants
    # A reader in this process too: DuckDB caches open databases by path, so it keeps the old
    # file until its connection closes; a fresh connection afterwards sees the new one.
    same_process = duckdb.connect(str(target), read_only=True)

    build_warehouse(data=datasets[1], warehouse=target, select=LAYERS)

    reader.stdin.write("\n")
    reader.stdin.flush()
    assert int(reader.stdout.readline()) == merchants  # its open file is the old one, intact
    reader.wait(timeout=60)
    assert same_process.execute("select count(*) from stg_merchants").fetchone()[0] == merchants
    same_process.close()
    assert _merchants(target) == merchants + 1
    assert _side_files(target) == []


def test_a_build_leaves_no_interprocess_lock_behind(
        datasets: tuple[Path, Path], tmp_path: Path) -> None:
    # `relance demo` builds, then execs the dashboard server in the same process. dbt's
    # connection locks are named semaphores watched by multiprocessing's resource tracker; still
    # alive at the exec, the tracker would print a "leaked semaphore" warning to the user.
    script = (
        "import os\n"
        "from pathlib import Path\n"
        "from warehouse import build_warehouse\n"
        f"build_warehouse(data=Path({str(datasets[0])!r}), "
        f"warehouse=Path({str(tmp_path / 'exec.duckdb')!r}), select={LAYERS!r})\n"
        "os.execv('/bin/true', ['true'])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "leaked semaphore" not in done.stderr
