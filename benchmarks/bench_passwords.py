"""argon2id cost of one password check with the app's parameters (core/security/passwords).

    .venv/bin/python benchmarks/bench_passwords.py [--runs 41]

Prints median, p10 and p90 of ``verify`` (a sign-in) and ``hash`` (a new password) and
the load average, since a shared machine stretches the figures. The parameters were
chosen so that one check costs about 50 ms on the laptop class of the field teams; the
result goes into docs/security.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.security import passwords


def measure(runs: int) -> dict[str, list[float]]:
    stored = passwords.hash_secret("ein-langes-passwort")
    verify, make = [], []
    for _ in range(runs):
        start = time.perf_counter()
        assert passwords.verify_secret(stored, "ein-langes-passwort")
        verify.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        passwords.hash_secret("ein-langes-passwort")
        make.append((time.perf_counter() - start) * 1000)
    return {"verify": verify, "hash": make}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=41)
    args = parser.parse_args()
    print(f"argon2id time_cost={passwords.TIME_COST} memory_cost="
          f"{passwords.MEMORY_COST_KIB} KiB parallelism={passwords.PARALLELISM}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    for name, values in measure(args.runs).items():
        values.sort()
        tenth = values[len(values) // 10]
        ninetieth = values[len(values) * 9 // 10]
        print(f"{name:<6} median {statistics.median(values):6.1f} ms  p10 {tenth:6.1f} ms  "
              f"p90 {ninetieth:6.1f} ms  (n={len(values)})")


if __name__ == "__main__":
    main()
