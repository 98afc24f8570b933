"""Running `dbt build` in-process with dbtRunner, and turning its results into plain facts.

dbt's own artefacts (compiled SQL, logs, run_results.json) go to a directory per build, so two
builds never write over each other's state; `keep_artifacts` moves them to dbt_project/target
for whoever wants to read the compiled SQL.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from relance.paths import PROJECT_ROOT

PROFILES_DIR = PROJECT_ROOT / "dbt_project"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"  # dbt's name for its parsed project

# Deprecations of dbt_project.yml keys we keep on purpose (target-path, log-path: they let a
# person run `dbt build` by hand from the repository root and find everything under
# dbt_project/); the build passes both as flags anyway.
_SILENCED = ["ConfigLogPathDeprecation", "ConfigTargetPathDeprecation", "DeprecationsSummary"]


@dataclass(frozen=True)
class NodeFailure:
    """One model or test that did not pass."""

    name: str
    resource_type: str
    status: str
    message: str
    failures: int | None = None

    def __str__(self) -> str:
        count = f" ({self.failures} failing rows)" if self.failures else ""
        return f"{self.resource_type} {self.name}: {self.status}{count}: {self.message}"


class DbtBuildError(Exception):
    """dbt build did not pass; the message lists every failed model and test."""

    def __init__(self, failures: list[NodeFailure], detail: str = "") -> None:
        self.failures = failures
        lines = "\n".join(f"  - {f}" for f in failures)
        super().__init__(
            "dbt build failed; the previous warehouse is unchanged."
            + (f"\n{lines}" if lines else "") + (f"\n{detail}" if detail else "")
        )


@dataclass(frozen=True)
class DbtRun:
    """What a successful build did."""

    passed: int
    models: int
    tests: int
    seconds: float
    dbt_version: str


def dbt_version() -> str:
    from dbt.version import __version__

    return str(__version__)


def run_dbt_build(
    *,
    warehouse_path: Path,
    dbt_vars: dict[str, Any],
    artifacts_dir: Path,
    parse_cache: Path | None = None,
    on_node_done: Callable[[str, int], None] | None = None,
    extra_args: tuple[str, ...] = (),
) -> DbtRun:
    """Run `dbt build` (seeds, models, tests) into ``warehouse_path``; raise on any failure.

    ``parse_cache``: dbt's parsed project from the previous build (partial parsing), restored
    before and saved after. dbt itself checks it against the project's files, the vars and the
    profile, and parses everything again when anything differs.
    ``on_node_done(name, total)`` is called as each node finishes, for a progress bar.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.cli.main import dbtRunner

    total = {"n": 0}

    def _callback(event: Any) -> None:
        name = event.info.name
        if name == "FoundStats":
            total["n"] = _count_nodes(event.data.stat_line)
        elif name == "NodeFinished" and on_node_done is not None:
            on_node_done(event.data.node_info.node_name, total["n"])

    args = [
        "build",
        "--project-dir", str(PROJECT_ROOT),
        "--profiles-dir", str(PROFILES_DIR),
        "--target-path", str(artifacts_dir / "target"),
        "--log-path", str(artifacts_dir / "logs"),
        "--vars", json.dumps({**dbt_vars, "warehouse_path": str(warehouse_path)}),
        "--no-use-colors",
        "--log-level", "none",
        "--log-level-file", "info",
        "--warn-error-options", json.dumps({"error": [], "silence": _SILENCED}),
        *extra_args,
    ]
    parsed = artifacts_dir / "target" / PARTIAL_PARSE_FILE
    if parse_cache is not None and parse_cache.exists():
        parsed.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(parse_cache, parsed)
    previous_cwd = os.getcwd()
    try:
        os.chdir(PROJECT_ROOT)  # relative paths in dbt_project.yml are relative to the root
        result = dbtRunner(callbacks=[_callback]).invoke(args)
    finally:
        os.chdir(previous_cwd)
        _close_duckdb(DuckDBConnectionManager)
        _release_adapters()

    run_result = result.result
    failures = _failures(run_result)
    if not result.success or failures:
        detail = f"{result.exception}\n" if result.exception else ""
        detail += f"dbt's log and compiled SQL: {artifacts_dir}"
        raise DbtBuildError(failures, detail)
    if parse_cache is not None and parsed.exists():
        saving = parse_cache.with_name(f"{parse_cache.name}.saving")
        shutil.copyfile(parsed, saving)
        os.replace(saving, parse_cache)
    results = list(getattr(run_result, "results", []) or [])
    kinds = [r.node.resource_type for r in results]
    return DbtRun(
        passed=len(results),
        models=sum(1 for k in kinds if str(k) == "model"),
        tests=sum(1 for k in kinds if str(k) in ("test", "unit_test")),
        seconds=float(getattr(run_result, "elapsed_time", 0.0) or 0.0),
        dbt_version=dbt_version(),
    )


def _count_nodes(stat_line: str) -> int:
    """'12 models, 40 data tests, 2 seeds, ...' -> the number of nodes dbt build will run."""
    total = 0
    for part in stat_line.split(","):
        words = part.strip().split(" ", 1)
        if len(words) == 2 and words[0].isdigit() and any(
            k in words[1] for k in ("model", "test", "seed", "snapshot")
        ):
            total += int(words[0])
    return total


def _failures(run_result: Any) -> list[NodeFailure]:
    failed = []
    for r in getattr(run_result, "results", []) or []:
        status = str(r.status)
        if status in ("success", "pass", "warn", "skipped", "no op"):
            continue
        failed.append(NodeFailure(
            name=r.node.name, resource_type=str(r.node.resource_type), status=status,
            message=_short(r.message or ""),
            failures=getattr(r, "failures", None)))
    return failed


def _short(message: str, lines: int = 6) -> str:
    """The informative lines of a dbt error (it starts with boilerplate and ends with a trace)."""
    kept = [line.strip() for line in message.splitlines()
            if line.strip() and not line.strip().startswith(("> ", "compiled code at"))]
    return " | ".join(kept[:lines])


def _release_adapters() -> None:
    """Drop dbt's adapters, and with them the interprocess locks they hold.

    dbt creates its connection locks from a spawn multiprocessing context; such locks are named
    semaphores watched by a resource tracker. Left alive, they outlive the build, and when the
    process then becomes the dashboard (`relance demo` ends with an exec) the tracker reports
    them as leaked. Dropped here, they are released at once.
    """
    import gc

    from dbt.adapters.factory import reset_adapters

    reset_adapters()
    gc.collect()


def _close_duckdb(manager: Any) -> None:
    """Close dbt-duckdb's process-wide DuckDB instance so the build file is released."""
    with manager._LOCK:
        env = manager._ENV
        if env is not None:
            try:
                env.close()
            finally:
                manager._ENV = None
