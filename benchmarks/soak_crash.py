#!/usr/bin/env python
"""Crash soak (issue 12, section 6): the SIGKILL tests of tests/core/test_crash_start.py
with many more runs than CI makes.

    .venv/bin/python benchmarks/soak_crash.py --runs 1000 --seed 7

Runs the three tests (first start, upgrade 0004 -> head, dose loop) with
``IMPFTEAM_CRASH_RUNS`` kills each and prints their figures (kills, how many landed
inside the schema transaction, state found, files opened) and the wall time; the figures
also go to ``benchmarks/out/soak_crash-<runs>.txt``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500, help="kills per scenario")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("-k", default="", help="pytest -k expression (one scenario)")
    args = parser.parse_args()
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    report = out / f"soak_crash-{args.runs}.txt"
    report.unlink(missing_ok=True)
    env = dict(os.environ, IMPFTEAM_CRASH_RUNS=str(args.runs),
               IMPFTEAM_CRASH_SEED=str(args.seed), IMPFTEAM_CRASH_REPORT=str(report),
               QT_QPA_PLATFORM="offscreen")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "tests/core/test_crash_start.py"] + (["-k", args.k] if args.k else [])
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    elapsed = time.perf_counter() - started
    figures = report.read_text(encoding="utf-8") if report.exists() else ""
    with report.open("a", encoding="utf-8") as handle:
        handle.write(f"seed {args.seed}, {elapsed:.0f} s, pytest exit {result.returncode}\n")
    print(figures + f"seed {args.seed}, {elapsed:.0f} s, pytest exit {result.returncode}")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
