"""Master-data workbooks (xlsx = zip) fuzzed in a child process with a 512 MB address space.

The child (``workbook_child.py``) imports workbooks with odd cells, headers and sheets and
byte-level damaged ones (flips, cuts, splices, rewritten XML members) into a real SQLite
database; every refusal must be a ``UserError`` and leave all tables unchanged. The cap
is ``RLIMIT_AS`` = 512 MB for the whole child (Python, SQLAlchemy and calamine included):
an input that makes calamine allocate beyond it aborts the child and fails this test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.core.fuzz.conftest import SECONDS, TALLY

ROOT = Path(__file__).resolve().parents[3]
MEMORY_CAP = 512 * 1024 * 1024
CELL_INPUTS = 800
DAMAGED_INPUTS = 800


def test_workbooks_in_a_capped_child(tmp_path: Path) -> None:
    code = ("import resource\n"
            f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_CAP}, {MEMORY_CAP}))\n"
            "from tests.core.fuzz.workbook_child import run\n"
            f"run({CELL_INPUTS}, {DAMAGED_INPUTS}, {str(tmp_path)!r})\n")
    env = {**os.environ, "IMPFTEAM_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=600, env=env, check=False)
    SECONDS["test_workbooks_in_a_capped_child"] += time.perf_counter() - start
    assert result.returncode == 0, (result.returncode, result.stderr[-6000:])
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    TALLY["xlsx: master data with odd cells (child, 512 MB)"] += counts["cells"]
    TALLY["zip/xlsx: damaged workbook bytes (child, 512 MB)"] += counts["damaged"]
    assert counts["cells"] >= CELL_INPUTS and counts["damaged"] >= DAMAGED_INPUTS
    assert counts["imported"] > 0 and counts["refused"] > 0  # both paths were exercised
