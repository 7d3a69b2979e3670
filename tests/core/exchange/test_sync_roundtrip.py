"""Team → package → hub: counts and values equal, idempotent, merges by UUID."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from core.db.engine import Database
from core.db.models import AuditEntry, ExportMark, ImportedPackage, Person
from core.exchange.sync_export import export_sync
from tests.cli_env import full_actor
from tests.core.exchange.helpers import all_rows, counts, export, max_version, merge


def test_round_trip_counts_and_values_equal(team_a: Database, hub: Database,
                                            tmp_path: Path) -> None:
    package = export(team_a, tmp_path / "a.zip")
    report = merge(hub, package)
    assert report["ok"] and report["conflicts"] == 0 and not report["updated"]
    team_rows, hub_rows = all_rows(team_a), all_rows(hub)
    for entity, rows in team_rows.items():
        assert hub_rows[entity] == rows, entity
        assert report["created"].get(entity, 0) == len(rows)
    assert sum(len(r) for r in team_rows.values()) > 200


def test_reimport_changes_nothing(team_a: Database, hub: Database, tmp_path: Path) -> None:
    package = export(team_a, tmp_path / "a.zip")
    merge(hub, package)
    before, version = counts(hub), max_version(hub)
    report = merge(hub, package)
    assert report["created"] == {} and report["updated"] == {} and report["conflicts"] == 0
    assert sum(report["unchanged"].values()) == sum(len(r) for r in all_rows(team_a).values())
    assert counts(hub) == before and max_version(hub) == version
    with hub.session() as s:
        assert len(s.scalars(select(ImportedPackage)).all()) == 1


def test_hub_row_versions_come_from_hub_counter_provenance_from_team(
        team_a: Database, hub: Database, tmp_path: Path) -> None:
    with hub.session() as s:  # the hub already had changes of its own
        from core.db.versioning import next_versions
        next_versions(s, 5000)
    merge(hub, export(team_a, tmp_path / "a.zip"))
    with hub.session() as s:
        person = s.scalars(select(Person)).first()
        assert person is not None and person.row_version > 5000
        assert person.origin == "DEVTA" and person.created_by == "leitung.ta"
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "sync.import")).one()
        assert entry.user == "iz.admin" and entry.after is not None
        assert entry.after["created"]["person"] == len(all_rows(team_a)["person"])


def test_two_teams_merge_by_uuid(team_a: Database, team_b: Database, hub: Database,
                                 tmp_path: Path) -> None:
    merge(hub, export(team_a, tmp_path / "a.zip"))
    merge(hub, export(team_b, tmp_path / "b.zip"))
    a, b, h = all_rows(team_a), all_rows(team_b), all_rows(hub)
    assert len(h["vaccination"]) == len(a["vaccination"]) + len(b["vaccination"])
    assert h["person"] == {**a["person"], **b["person"]}


def test_delta_export_carries_only_changes(team_a: Database, hub: Database,
                                           tmp_path: Path) -> None:
    merge(hub, export(team_a, tmp_path / "full.zip"))
    with team_a.session() as s:
        person = s.scalars(select(Person).order_by(Person.id)).first()
        assert person is not None
        person.phone = "0521 123456"
        person_id = person.id
    with team_a.session() as s:
        result = export_sync(s, full_actor(s, "leitung"), tmp_path / "delta.zip")
        assert result.counts["person"] == 1 and result.rows == 1
        marks = s.scalars(select(ExportMark).order_by(ExportMark.to_version)).all()
        assert len(marks) == 2 and marks[1].from_version == marks[0].to_version
    report = merge(hub, tmp_path / "delta.zip")
    assert report["updated"] == {"person": 1} and report["conflicts"] == 0
    with hub.session() as s:
        hub_person = s.get(Person, person_id)
        assert hub_person is not None and hub_person.phone == "0521 123456"
    with team_a.session() as s:  # nothing changed since: the next delta is empty
        assert export_sync(s, full_actor(s, "l"), tmp_path / "empty.zip").rows == 0
