"""The helper process that reads the next package while the hub merges (package_reader)."""

from __future__ import annotations

import shutil
from pathlib import Path

from core.db.engine import Database, connect_sqlite_file
from core.exchange.package_reader import PackageReader, load_package
from core.exchange.sync_import import import_sync, import_sync_many
from tests.cli_env import full_actor
from tests.core.exchange.helpers import all_rows, export


def raw(db: Database, table: str) -> list[tuple[object, ...]]:
    """Rows as SQLite stores them (dates as text), without the local ``row_version``."""
    assert db.sqlite_path is not None
    with connect_sqlite_file(db.sqlite_path) as conn:
        names = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")
                 if r[1] != "row_version"]
        return sorted(conn.execute(f"SELECT {', '.join(names)} FROM {table}"), key=repr)


def test_helper_process_reads_the_same_as_reading_here(team_a: Database,
                                                       tmp_path: Path) -> None:
    package = export(team_a, tmp_path / "a.zip")
    reader = PackageReader(None)
    try:
        reader.start(package)
        loaded = reader.take()
        assert reader.child is not None and reader.child.poll() is None  # no fallback
    finally:
        reader.close()
    here = load_package(package)
    assert loaded.error is None and loaded.package is not None and here.package is not None
    assert loaded.package.rows == here.package.rows
    assert len(loaded.package.rows["vaccination"]) > 50


def test_a_dead_helper_falls_back_to_reading_here(team_a: Database, tmp_path: Path) -> None:
    package = export(team_a, tmp_path / "a.zip")
    reader = PackageReader(None)
    try:
        assert reader.child is not None
        reader.child.kill()
        reader.child.wait()
        reader.start(package)
        loaded = reader.take()
        assert reader.child is None
    finally:
        reader.close()
    assert loaded.error is None and loaded.package is not None


def test_batch_and_single_imports_store_what_the_teams_stored(
        team_a: Database, team_b: Database, hub: Database, tmp_path: Path) -> None:
    """Rows go into the hub as the tuples read from the package (dates as text): the
    stored text must be exactly what SQLAlchemy wrote in the team databases, whether
    the packages come through the helper process (batch) or are read here (single)."""
    packages = [export(team_a, tmp_path / "a.zip"), export(team_b, tmp_path / "b.zip")]
    other_path = tmp_path / "hub2.sqlite"
    hub.dispose()
    assert hub.sqlite_path is not None
    shutil.copy(hub.sqlite_path, other_path)
    other = Database.open(str(other_path))
    try:
        with hub.session() as s:
            import_sync_many(s, full_actor(s, "iz"), [packages[1], packages[0]])
        for package in (packages[1], packages[0]):
            with other.session() as s:
                import_sync(s, full_actor(s, "iz"), package)
        batch, single = all_rows(hub), all_rows(other)
        assert batch == single
        assert len(batch["vaccination"]) > 100
        for table in ("vaccination", "person", "visit", "lot", "visit_member", "sync_base"):
            assert raw(hub, table) == raw(other, table), table
        for table in ("vaccination", "person", "visit", "visit_member"):
            teams = sorted(raw(team_a, table) + raw(team_b, table), key=repr)
            assert raw(hub, table) == teams, table
    finally:
        other.dispose()
