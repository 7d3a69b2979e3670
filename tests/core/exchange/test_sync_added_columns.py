"""Migration 0006 added ``consent_items``/``anamnesis`` to doses: older packages still merge.

A team laptop updated later than the hub (or the other way round) sends or receives
packages without these columns; and merge bases the hub stored before its upgrade must
still match, or every later edit of an old dose would be logged as a conflict.
"""

from __future__ import annotations

import json
from pathlib import Path

from core.db.engine import Database
from core.exchange.sync_format import _HASHED, _digest, fingerprint, spec_by_name
from tests.core.exchange.helpers import export, merge, table_rows
from tests.core.exchange.test_sync_bad_input import rebuild

LATE = ("consent_items", "anamnesis")


def _drop_columns(sheets: dict[str, list[list]]) -> None:
    for name, rows in sheets.items():
        if name.startswith("vaccination") and rows:
            keep = [i for i, h in enumerate(rows[0]) if h not in LATE]
            sheets[name] = [[row[i] for i in keep] for row in rows]


def test_a_package_without_the_new_columns_imports(team_a: Database, hub: Database,
                                                   tmp_path: Path) -> None:
    old = rebuild(export(team_a, tmp_path / "new.zip"), tmp_path / "old.zip",
                  data=_drop_columns)
    report = merge(hub, old)
    assert report["ok"], report["errors"]
    assert report["created"]["vaccination"] == len(table_rows(team_a, "vaccination"))
    assert merge(hub, export(team_a, tmp_path / "again.zip", full=True))["updated"] == {}


def test_empty_new_columns_leave_the_fingerprint_as_before(team_a: Database) -> None:
    spec = spec_by_name()["vaccination"]
    row = next(iter(table_rows(team_a, "vaccination").values()))
    before_0006 = [row[c.name] for c in spec.columns if c.name not in ("row_version", *LATE)]
    assert all(name not in _HASHED["vaccination"] for name in LATE)
    assert fingerprint(spec, row) == _digest(before_0006)
    changed = row | {"consent_items": json.dumps(["merkblatt"])}
    assert fingerprint(spec, changed) != fingerprint(spec, row)
