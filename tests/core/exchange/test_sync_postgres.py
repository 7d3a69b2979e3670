"""The Impfzentrum hub on a real PostgreSQL server: team SQLite → package → hub PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from core.db.engine import Database
from core.exchange.sync_export import export_sync
from core.exchange.sync_import import import_sync
from core.services.context import Actor
from tests.core.exchange.helpers import all_rows, counts


def test_hub_merge_on_postgresql(team_a: Database, team_b: Database, pg_url: str,
                                 tmp_path: Path) -> None:
    hub = Database.open(pg_url)  # runs the Alembic migrations (0001, 0002) on PostgreSQL
    try:
        packages = []
        for name, team in (("a", team_a), ("b", team_b)):
            with team.session() as s:
                export_sync(s, Actor.for_session(s, "leitung"), tmp_path / f"{name}.zip")
            packages.append(tmp_path / f"{name}.zip")
        for package in packages:
            with hub.session() as s:
                assert import_sync(s, Actor.for_session(s, "iz"), package).ok
        hub_rows, a, b = all_rows(hub), all_rows(team_a), all_rows(team_b)
        for entity in a:
            assert hub_rows[entity] == {**a[entity], **b[entity]}, entity
        before = counts(hub)
        with hub.session() as s:
            again = import_sync(s, Actor.for_session(s, "iz"), packages[0])
        assert again.created == {} and again.updated == {} and counts(hub) == before
    finally:
        hub.dispose()
