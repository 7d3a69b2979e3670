"""The Impfzentrum hub on a real PostgreSQL server: team SQLite → package → hub PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.db.engine import Database
from core.errors import UserError
from core.exchange.sync_export import export_sync
from core.exchange.sync_import import import_sync
from core.security import audit_chain
from tests.cli_env import full_actor
from tests.core.exchange.conftest import trust_own_signer
from tests.core.exchange.helpers import all_rows, counts
from tests.core.exchange.test_sync_bad_input import rebuild


def test_hub_merge_on_postgresql(team_a: Database, team_b: Database, pg_url: str,
                                 tmp_path: Path) -> None:
    hub = Database.open(pg_url)  # runs the Alembic migrations on PostgreSQL
    try:
        trust_own_signer(hub)
        packages = []
        for name, team in (("a", team_a), ("b", team_b)):
            with team.session() as s:
                export_sync(s, full_actor(s, "leitung"), tmp_path / f"{name}.zip")
            packages.append(tmp_path / f"{name}.zip")
        for package in packages:
            with hub.session() as s:
                assert import_sync(s, full_actor(s, "iz"), package).ok
        hub_rows, a, b = all_rows(hub), all_rows(team_a), all_rows(team_b)
        for entity in a:
            assert hub_rows[entity] == {**a[entity], **b[entity]}, entity
        before = counts(hub)
        with hub.session() as s:
            again = import_sync(s, full_actor(s, "iz"), packages[0])
        assert again.created == {} and again.updated == {} and counts(hub) == before
        # a forged package (edited data, recomputed checksum, no valid signature)
        def edit(sheets: dict) -> None:
            sheets["person"][1][sheets["person"][0].index("family_name")] = "Fälschung"
        forged = rebuild(packages[0], tmp_path / "forged.zip", data=edit, sign=False)
        rows = all_rows(hub)
        with pytest.raises(UserError, match="nicht signiert"), hub.session() as s:
            import_sync(s, full_actor(s, "iz"), forged)
        assert all_rows(hub) == rows and counts(hub) == before
        # the audit trail on PostgreSQL: chained, anchored, append-only
        with hub.session() as s:
            assert audit_chain.verify(s).ok, audit_chain.verify(s).to_json()
        for sql in ("UPDATE audit_entry SET action = 'x'", "DELETE FROM audit_entry",
                    "TRUNCATE audit_entry"):
            with pytest.raises(DBAPIError, match="unveränderlich"), hub.engine.begin() as conn:
                conn.execute(text(sql))
    finally:
        hub.dispose()
