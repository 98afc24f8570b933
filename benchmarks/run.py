"""Run every benchmark in its own process and print its figures and peak memory.

Each ``bench_*.py`` module beside this file prints its own figures as ``name: value unit`` lines;
this runner adds wall time and the child's peak resident memory, which only a separate process
measures honestly.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The pipeline's order: each benchmark reuses what the one before it wrote (the 1M dataset, the
# 1M warehouse, its insights), so a full `make bench` simulates and builds once.
PIPELINE_ORDER = ("simulate", "build", "analyze", "dashboard", "report", "transcribe")


def _position(module: Path) -> int:
    step = module.stem.removeprefix("bench_")
    return PIPELINE_ORDER.index(step) if step in PIPELINE_ORDER else len(PIPELINE_ORDER)


def main(selected: list[str]) -> int:
    modules = sorted(HERE.glob("bench_*.py"), key=lambda m: (_position(m), m.name))
    if selected:
        modules = [m for m in modules if any(s in m.stem for s in selected)]
    failures = 0
    for module in modules:
        print(f"== {module.stem}", flush=True)
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, str(module)], cwd=HERE.parent)
        # wait4 gives this child's own peak memory (largest of it and its waited-for children).
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        print(f"{module.stem}.wall_s: {wall:.1f}")
        print(f"{module.stem}.peak_rss_mib: {usage.ru_maxrss / 1024:.0f}")
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            failures += 1
            print(f"{module.stem}: FAILED (exit {code})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
