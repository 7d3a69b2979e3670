"""Merge semantics: conflicts by the documented rule, duplicate doses, person merges."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select

from core.cli import main
from core.db.engine import Database
from core.db.models import (
    AuditEntry,
    ConflictEntry,
    DuplicateDoseFlag,
    Person,
    Vaccination,
)
from core.exchange.sync_merge import decide
from core.services.persons import PersonInput, create_person, merge_persons
from core.services.records import void
from tests.cli_env import full_actor, signed_db
from tests.core.exchange.helpers import counts, export, merge, table_rows


def first_person_id(db: Database) -> str:
    with db.session() as s:
        person = s.scalars(select(Person).order_by(Person.id)).first()
        assert person is not None
        return person.id


def set_phone(db: Database, person_id: str, phone: str) -> None:
    with db.session() as s:
        person = s.get(Person, person_id)
        assert person is not None
        person.phone = phone


def test_rule_void_beats_edit_then_newer_wins_then_tie_keeps_local() -> None:
    from datetime import datetime

    old, new = datetime(2026, 1, 1, 8), datetime(2026, 1, 1, 9)
    assert decide({"voided_at": old, "updated_at": old},
                  {"voided_at": None, "updated_at": new})[:2] == ("lokal", "storno_gewinnt")
    assert decide({"voided_at": None, "updated_at": new},
                  {"voided_at": old, "updated_at": old})[:2] == ("paket", "storno_gewinnt")
    assert decide({"voided_at": None, "updated_at": old},
                  {"voided_at": None, "updated_at": new})[0] == "paket"
    assert decide({"voided_at": None, "updated_at": new},
                  {"voided_at": None, "updated_at": old})[0] == "lokal"
    assert decide({"voided_at": None, "updated_at": new},
                  {"voided_at": None, "updated_at": new})[:2] == ("lokal", "gleichstand_lokal")


def test_conflict_newer_team_edit_wins_and_is_logged(team_a: Database, hub: Database,
                                                     tmp_path: Path, capsys) -> None:
    merge(hub, export(team_a, tmp_path / "1.zip"))
    pid = first_person_id(team_a)
    set_phone(hub, pid, "0800 HUB")  # hub edits first ...
    set_phone(team_a, pid, "0521 TEAM")  # ... the team later: the team's edit is newer
    report = merge(hub, export(team_a, tmp_path / "2.zip"))
    assert report["conflicts"] == 1 and report["updated"] == {"person": 1}
    assert table_rows(hub, "person")[pid]["phone"] == "0521 TEAM"
    with hub.session() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == pid,
                                                   AuditEntry.action == "sync.update")).one()
        assert audit.before and audit.before["phone"] == "0800 HUB"
        assert audit.after and audit.after["phone"] == "0521 TEAM"
        entry = s.scalars(select(ConflictEntry)).one()
        assert (entry.entity, entry.entity_id, entry.winner) == ("person", pid, "paket")
        assert "phone" in entry.fields and entry.local and entry.local["phone"] == "0800 HUB"
    # re-import: no second conflict, nothing changes
    before = counts(hub)
    again = merge(hub, tmp_path / "2.zip")
    assert again["conflicts"] == 0 and again["updated"] == {} and counts(hub) == before
    # the log is visible on the CLI, as JSON and as text
    assert main([*signed_db(hub.sqlite_path), "conflicts", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["kind"] == "konflikt" and rows[0]["kept"] == "paket"
    assert rows[0]["details"]["local"]["phone"] == "0800 HUB"
    assert main([*signed_db(hub.sqlite_path), "conflicts"]) == 0
    assert "beide Seiten geändert (phone" in capsys.readouterr().out


def test_conflict_newer_hub_edit_stays(team_a: Database, hub: Database, tmp_path: Path) -> None:
    merge(hub, export(team_a, tmp_path / "1.zip"))
    pid = first_person_id(team_a)
    set_phone(team_a, pid, "0521 TEAM")
    set_phone(hub, pid, "0800 HUB")
    report = merge(hub, export(team_a, tmp_path / "2.zip"))
    assert report["conflicts"] == 1 and report["updated"] == {}
    assert table_rows(hub, "person")[pid]["phone"] == "0800 HUB"


def test_void_on_hub_beats_later_team_edit(team_a: Database, hub: Database,
                                           tmp_path: Path) -> None:
    merge(hub, export(team_a, tmp_path / "1.zip"))
    pid = first_person_id(team_a)
    with hub.session() as s:
        void(s, full_actor(s, "iz"), s.get(Person, pid), "doppelt erfasst")
    set_phone(team_a, pid, "0521 TEAM")
    merge(hub, export(team_a, tmp_path / "2.zip"))
    row = table_rows(hub, "person")[pid]
    assert row["voided_at"] is not None and row["phone"] != "0521 TEAM"
    with hub.session() as s:
        assert s.scalars(select(ConflictEntry.rule)).one() == "storno_gewinnt"


def test_plain_team_update_is_not_a_conflict(team_a: Database, hub: Database,
                                             tmp_path: Path) -> None:
    merge(hub, export(team_a, tmp_path / "1.zip"))
    pid = first_person_id(team_a)
    set_phone(team_a, pid, "1")
    merge(hub, export(team_a, tmp_path / "2.zip"))
    set_phone(team_a, pid, "2")
    report = merge(hub, export(team_a, tmp_path / "3.zip"))
    assert report["updated"] == {"person": 1} and report["conflicts"] == 0
    # an older package imported late does not roll the record back
    assert merge(hub, tmp_path / "2.zip")["updated"] == {}
    assert table_rows(hub, "person")[pid]["phone"] == "2"


def test_person_merge_travels(team_a: Database, hub: Database, tmp_path: Path) -> None:
    merge(hub, export(team_a, tmp_path / "1.zip"))
    with team_a.session() as s:
        actor = full_actor(s, "leitung")
        survivor = create_person(s, actor, PersonInput("Özdemir", "Ayşe", date(1990, 2, 3), "w"))
        duplicate_id = first_person_id(team_a)
        merge_persons(s, actor, duplicate_id, survivor.id)
        survivor_id = survivor.id
    report = merge(hub, export(team_a, tmp_path / "2.zip"))
    assert report["created"] == {"person": 1} and report["updated"] == {"person": 1}
    assert table_rows(hub, "person")[duplicate_id]["merged_into_id"] == survivor_id


def test_person_merge_travels_in_a_full_package_to_an_empty_hub(
        team_a: Database, hub: Database, tmp_path: Path) -> None:
    with team_a.session() as s:
        actor = full_actor(s, "leitung")
        ids = [p.id for p in s.scalars(select(Person).order_by(Person.id).limit(2))]
        merge_persons(s, actor, ids[1], ids[0])
        merge_persons(s, actor, ids[0], create_person(
            s, actor, PersonInput("Neu", "Nina", date(1991, 1, 1))).id)
    merge(hub, export(team_a, tmp_path / "full.zip", full=True))
    assert table_rows(hub, "person") == table_rows(team_a, "person")


def _same_person_dose_in(db: Database, origin_person: dict, dose: dict) -> str:
    """Register the person again (new UUID) and record the same dose, as a second team."""
    with db.session() as s:
        actor = full_actor(s, "leitung")
        person = create_person(s, actor, PersonInput(
            origin_person["family_name"], origin_person["given_name"],
            origin_person["birth_date"], origin_person["sex"]))
        v = Vaccination(person_id=person.id, date=dose["date"], product_key=dose["product_key"],
                        lot_number=dose["lot_number"], disease=dose["disease"],
                        dose_number=dose["dose_number"], series_total=dose["series_total"],
                        source="nachtrag_impfpass", created_by="leitung", origin=actor.origin)
        s.add(v)
        s.flush()
        return v.id


def test_same_person_vaccine_and_day_from_two_teams_is_flagged(
        team_a: Database, team_b: Database, hub: Database, tmp_path: Path, capsys) -> None:
    dose = next(iter(table_rows(team_a, "vaccination").values()))
    person = table_rows(team_a, "person")[dose["person_id"]]
    other_id = _same_person_dose_in(team_b, person, dose)
    merge(hub, export(team_a, tmp_path / "a.zip"))
    report = merge(hub, export(team_b, tmp_path / "b.zip"))
    assert report["ok"]
    with hub.session() as s:
        flag = s.scalars(select(DuplicateDoseFlag)).one()
        assert {flag.vaccination_id, flag.other_vaccination_id} == {dose["id"], other_id}
        assert {flag.origin, flag.other_origin} == {"DEVTA", "DEVTB"}
        # both doses are kept for review, nothing silently dropped
        assert s.get(Vaccination, dose["id"]) and s.get(Vaccination, other_id)
    merge(hub, tmp_path / "b.zip")
    merge(hub, tmp_path / "a.zip")
    with hub.session() as s:
        assert len(s.scalars(select(DuplicateDoseFlag)).all()) == 1
    assert main([*signed_db(hub.sqlite_path), "conflicts", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["kind"] for r in rows] == ["doppelimpfung"]
    assert set(rows[0]["details"]["vaccination_ids"]) == {dose["id"], other_id}


def test_different_day_or_vaccine_is_not_flagged(team_a: Database, team_b: Database,
                                                 hub: Database, tmp_path: Path) -> None:
    dose = next(iter(table_rows(team_a, "vaccination").values()))
    person = table_rows(team_a, "person")[dose["person_id"]]
    from datetime import timedelta
    _same_person_dose_in(team_b, person, {**dose, "date": dose["date"] - timedelta(days=1)})
    merge(hub, export(team_a, tmp_path / "a.zip"))
    assert merge(hub, export(team_b, tmp_path / "b.zip"))["ok"]
    with hub.session() as s:
        assert s.scalars(select(DuplicateDoseFlag)).all() == []


def _dose_of(db: Database, person_id: str, dose: dict, *, voided: bool = False) -> str:
    """Another dose of the stored ``person_id`` like ``dose`` (a delta for the next package)."""
    with db.session() as s:
        actor = full_actor(s, "leitung")
        v = Vaccination(person_id=person_id, date=dose["date"], product_key=dose["product_key"],
                        lot_number=dose["lot_number"], disease=dose["disease"],
                        dose_number=dose["dose_number"] + 1, series_total=dose["series_total"],
                        source="nachtrag_impfpass", created_by="leitung", origin=actor.origin)
        s.add(v)
        s.flush()
        if voided:
            void(s, actor, v, "falsch erfasst")
        return v.id


def test_delta_dose_of_a_known_person_is_checked_against_other_teams(
        team_a: Database, team_b: Database, hub: Database, tmp_path: Path) -> None:
    """The person arrived in an earlier package: the check looks it up on the hub."""
    from datetime import timedelta
    dose = next(iter(table_rows(team_a, "vaccination").values()))
    person = table_rows(team_a, "person")[dose["person_id"]]
    later = {**dose, "date": dose["date"] + timedelta(days=30)}
    merge(hub, export(team_a, tmp_path / "a1.zip"))
    other_id = _same_person_dose_in(team_b, person, later)
    merge(hub, export(team_b, tmp_path / "b.zip"))
    new_id = _dose_of(team_a, dose["person_id"], later)
    voided_id = _dose_of(team_a, dose["person_id"], {**later, "dose_number": 5}, voided=True)
    report = merge(hub, export(team_a, tmp_path / "a2.zip"))
    assert report["created"] == {"vaccination": 2}
    with hub.session() as s:
        flag = s.scalars(select(DuplicateDoseFlag)).one()
        assert {flag.vaccination_id, flag.other_vaccination_id} == {new_id, other_id}
        assert voided_id not in {flag.vaccination_id, flag.other_vaccination_id}


def test_dose_of_a_person_merged_on_the_hub_is_flagged(
        team_a: Database, team_b: Database, hub: Database, tmp_path: Path) -> None:
    """Team B's record has another name, but the hub merged it into team A's person."""
    dose = next(iter(table_rows(team_a, "vaccination").values()))
    merge(hub, export(team_a, tmp_path / "a.zip"))
    with team_b.session() as s:
        other = create_person(s, full_actor(s, "leitung"),
                              PersonInput("Andersname", "Zoe", date(1970, 7, 7), "w")).id
    merge(hub, export(team_b, tmp_path / "b1.zip"))
    with hub.session() as s:
        merge_persons(s, full_actor(s, "iz.admin"), other, dose["person_id"])
    other_dose = _dose_of(team_b, other, dose)
    report = merge(hub, export(team_b, tmp_path / "b2.zip"))
    assert report["ok"]
    with hub.session() as s:
        flag = s.scalars(select(DuplicateDoseFlag)).one()
        assert {flag.vaccination_id, flag.other_vaccination_id} == {dose["id"], other_dose}
