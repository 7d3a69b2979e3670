"""Everything the app checks before it lets anyone work: reference data and rule files.

A broken rule file or product list must stop the start with a clear message instead of
producing wrong verdicts later; the GUI and ``selftest`` call the same function.
"""

from __future__ import annotations

from core.catalog.forms import load_forms
from core.catalog.validate import validate_catalogs
from core.rules import validate_rules


def validate_resources() -> list[str]:
    """German descriptions of every problem found; empty when the installation is sound."""
    problems = validate_catalogs()
    problems += validate_rules()
    try:
        load_forms()
    except (OSError, ValueError, KeyError) as exc:
        problems.append(f"Aufklärungsbögen unlesbar: {exc}")
    return problems
