"""Audit trail you can trust (issue 12.4): one entry per changed record, append-only,
one hash chain per origin, anchored with a key outside the database; ``audit verify``
finds an edited, deleted, cut-off or recomputed chain."""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from core.catalog.forms import form_for
from core.cli import CliContext
from core.db.engine import Database, connect_sqlite_file
from core.db.models import EXCHANGED, AuditAnchor, AuditEntry
from core.security import audit_chain
from core.services.context import Actor
from tests.core.usecases.conftest import Day, make_day

ON = date(2021, 12, 1)
FORM = form_for("covid19", ON)


# -- exactly one audit entry per changed record ----------------------------------------
def _versions(db: Database) -> dict[tuple[str, str], int]:
    with db.engine.connect() as conn:
        return {(model.__tablename__, row[0]): int(row[1])
                for model in EXCHANGED
                for row in conn.execute(select(model.id, model.row_version))}


def _entries(db: Database) -> list[tuple[str, str, str]]:
    with db.engine.connect() as conn:
        return [(str(r[0]), str(r[1]), str(r[2])) for r in conn.execute(
            select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.action)
            .order_by(AuditEntry.origin, AuditEntry.seq))]


def audited(db: Database, operation: Callable[[], Any]) -> list[tuple[str, str, str]]:
    """Run ``operation``; the records it changed must each have exactly one new entry."""
    versions, entries = _versions(db), _entries(db)
    operation()
    after = _versions(db)
    changed = sorted(key for key, version in after.items() if versions.get(key) != version)
    new = _entries(db)[len(entries):]
    assert sorted((e, i) for e, i, _a in new) == changed, (new, changed)
    assert changed, "the operation changed nothing"
    return new


def _as(actor: Actor, staff_id: str | None) -> Actor:
    fields = {f.name for f in dataclasses.fields(actor)}
    return dataclasses.replace(actor, staff_id=staff_id) if "staff_id" in fields else actor


def test_every_use_case_write_leaves_one_entry_per_changed_record(db: Database,
                                                                  actor: Actor) -> None:
    from core.services.persons import PersonInput
    from core.usecases.checkin import check_in_by_person
    from core.usecases.doses import (
        BackEntryRequest,
        DoseRequest,
        record_backentry,
        record_dose,
        undo_dose,
        void_dose,
    )
    from core.usecases.registration import register_person
    from core.usecases.visit_rules import (
        add_team_member,
        close_visit,
        remove_team_member,
        start_visit,
    )

    day: Day = make_day(db, actor, ON, status="geplant")
    nurse = _as(actor, day.nurse_id)
    ids: dict[str, str] = {}

    def run(write: Callable[..., Any], *args: Any, who: Actor = actor) -> Any:
        with db.session() as s:
            return write(s, who, *args).value

    actions: dict[str, list[tuple[str, str, str]]] = {}
    actions["start visit"] = audited(db, lambda: run(start_visit, day.visit_id, ON))
    actions["member add"] = audited(db, lambda: run(add_team_member, day.visit_id,
                                                    day.outsider_id, "impfend"))
    actions["member remove"] = audited(db, lambda: run(remove_team_member, day.visit_id,
                                                       day.outsider_id))

    def register() -> None:
        done = run(register_person, PersonInput("Schulz", "Lena", date(1995, 3, 1)), ON)
        ids["person"] = done.person_id if hasattr(done, "person_id") else done.person.id

    actions["register"] = audited(db, register)
    actions["check-in"] = audited(db, lambda: run(check_in_by_person, day.visit_id,
                                                  ids["person"], ON))

    def dose() -> None:
        request = DoseRequest(person_id=ids["person"], visit_id=day.visit_id,
                              product="Comirnaty", lot_id=day.comirnaty_lot,
                              vaccinator_id=day.nurse_id, physician_id=day.doctor_id,
                              form=FORM.label, confirmed=tuple(i.key for i in FORM.items))
        ids["dose"] = run(record_dose, request, ON, who=nurse).id

    actions["dose"] = audited(db, dose)

    def backentry() -> None:
        entry = BackEntryRequest(ids["person"], date(2021, 6, 1), "Spikevax",
                                 "nachtrag_impfpass", "", 1, 1,
                                 confirm_reason="so im Impfpass eingetragen")
        ids["backentry"] = run(record_backentry, entry, ON).id

    actions["back-entry"] = audited(db, backentry)
    actions["void"] = audited(db, lambda: run(void_dose, ids["backentry"], "Fehleingabe"))

    def second_person() -> None:
        other = run(register_person, PersonInput("Berg", "Jonas", date(1980, 5, 2)), ON)
        ids["other"] = other.person_id if hasattr(other, "person_id") else other.person.id

    def fresh_dose() -> None:  # a fresh dose of another person, undone by its creator
        request = DoseRequest(person_id=ids["other"], visit_id=day.visit_id,
                              product="Comirnaty", lot_id=day.comirnaty_lot,
                              vaccinator_id=day.nurse_id, physician_id=day.doctor_id,
                              form=FORM.label, confirmed=tuple(i.key for i in FORM.items))
        ids["fresh"] = run(record_dose, request, ON, who=nurse).id

    audited(db, second_person)
    audited(db, lambda: run(check_in_by_person, day.visit_id, ids["other"], ON))
    audited(db, fresh_dose)
    actions["undo"] = audited(db, lambda: run(undo_dose, ids["fresh"], who=nurse))
    actions["close"] = audited(db, lambda: run(close_visit, day.visit_id,
                                               [(day.comirnaty_lot, 2, "Rest")]))
    assert {e for e, _i, _a in actions["dose"]} >= {"vaccination"}
    assert [e for e, _i, _a in actions["void"]] == ["vaccination"]
    with db.session() as s:
        assert audit_chain.verify(s).ok


# -- append-only ------------------------------------------------------------------------
def _some_entries(db: Database, actor: Actor, n: int = 5) -> None:
    from core.services.sites import SiteInput, create_site

    for i in range(n):
        with db.session() as s:
            create_site(s, actor, SiteInput(f"Standort {i}", "kommunal", "05754"))


@pytest.mark.parametrize("sql", ["UPDATE audit_entry SET user = 'x'",
                                 "DELETE FROM audit_entry"])
def test_triggers_refuse_update_and_delete(db: Database, actor: Actor, sql: str) -> None:
    _some_entries(db, actor, 2)
    with pytest.raises(DBAPIError, match="unveränderlich"), db.engine.begin() as conn:
        conn.execute(text(sql))


# -- tampering as an attacker with file access ----------------------------------------------
def _tamper(path: Path, *sql: str) -> None:
    """Drop the triggers and change the file with plain sqlite3 (no app, no key)."""
    conn = connect_sqlite_file(path)
    try:
        conn.execute("DROP TRIGGER audit_entry_no_update")
        conn.execute("DROP TRIGGER audit_entry_no_delete")
        for statement in sql:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def _verify(db: Database) -> dict[str, Any]:
    with db.session() as s:
        return audit_chain.verify(s).to_json()


def _nth(db: Database, seq: int) -> str:
    with db.engine.connect() as conn:
        return str(conn.execute(select(AuditEntry.id).where(AuditEntry.seq == seq)).scalar())


@pytest.fixture
def chained(db: Database, actor: Actor) -> Database:
    _some_entries(db, actor, 5)
    result = _verify(db)
    assert result["ok"] and result["chains"][0]["entries"] == 5
    assert result["chains"][0]["head_ok"] is True
    return db


def _messages(result: dict[str, Any]) -> str:
    return " | ".join(e["message"] for e in result["errors"])


def test_edited_entry_is_detected(chained: Database, db_path: Path) -> None:
    _tamper(db_path, f"UPDATE audit_entry SET user = 'jemand' WHERE id = '{_nth(chained, 3)}'")
    result = _verify(chained)
    assert not result["ok"] and "Eintrag 3 wurde nachträglich verändert" in _messages(result)


def test_deleted_entry_is_detected(chained: Database, db_path: Path) -> None:
    _tamper(db_path, f"DELETE FROM audit_entry WHERE id = '{_nth(chained, 2)}'")
    result = _verify(chained)
    assert not result["ok"] and "fehlen (gelöscht)" in _messages(result)


def test_truncated_chain_is_detected(chained: Database, db_path: Path) -> None:
    _tamper(db_path, "DELETE FROM audit_entry WHERE seq > 3")
    result = _verify(chained)
    assert not result["ok"] and "Einträge am Ende gelöscht" in _messages(result)
    assert result["chains"][0]["head_ok"] is False


def _recompute(db: Database, db_path: Path, edit_seq: int, keep: int | None = None) -> None:
    """The attacker's best effort: edit an entry, recompute every hash after it (the
    hash function is public) and point the anchor at the new head – but without the
    anchor key they cannot make its HMAC."""
    with db.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(
            select(*audit_chain.AUDIT.c).order_by(AuditEntry.seq)).mappings()]
    statements, prev = [], audit_chain.GENESIS
    for row in rows[:keep]:
        if row["seq"] == edit_seq:
            row["user"] = "jemand"
        digest = audit_chain.entry_hash(row, row["seq"], prev)
        statements.append(f"UPDATE audit_entry SET user = '{row['user']}', prev_hash = "
                          f"'{prev}', hash = '{digest}' WHERE id = '{row['id']}'")
        prev = digest
    if keep is not None:
        statements.append(f"DELETE FROM audit_entry WHERE seq > {keep}")
    head = rows[:keep][-1]["seq"]
    statements.append(f"UPDATE audit_anchor SET seq = {head}, hash = '{prev}'")
    _tamper(db_path, *statements)


def test_recomputed_chain_is_detected_by_the_anchor(chained: Database, db_path: Path) -> None:
    _recompute(chained, db_path, edit_seq=2)
    result = _verify(chained)
    assert not result["ok"] and "Der Anker ist ungültig" in _messages(result)
    assert "nachträglich verändert" not in _messages(result)  # the chain itself is consistent


def test_recomputed_truncation_stays_detected_after_new_writes(
        chained: Database, db_path: Path, actor: Actor) -> None:
    """The app does not re-sign a forged head: the break is noted under the HMAC."""
    _recompute(chained, db_path, edit_seq=2, keep=3)
    _some_entries(chained, actor, 1)
    result = _verify(chained)
    assert not result["ok"] and "Früher festgestellt: Anker ungültig bei Eintrag 3" in \
        _messages(result)


def test_deleted_anchor_is_detected(chained: Database, db_path: Path, actor: Actor) -> None:
    _tamper(db_path, "DELETE FROM audit_anchor")
    assert "keinen Anker" in _messages(_verify(chained))
    _some_entries(chained, actor, 1)  # a new anchor is made, with the finding noted
    assert "Anker der Kette fehlte bei Eintrag 5" in _messages(_verify(chained))


def test_lost_anchor_key_is_reported(chained: Database) -> None:
    audit_chain.anchor_key_path().unlink()
    assert "Anker-Schlüssel fehlt" in _messages(_verify(chained))


def test_anchor_key_lives_outside_the_database_with_private_modes(chained: Database,
                                                                  db_path: Path) -> None:
    path = audit_chain.anchor_key_path()
    key = audit_chain.anchor_key()
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    assert key.hex().encode() not in db_path.read_bytes()
    with chained.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(AuditAnchor)).scalar() == 1


def test_one_chain_per_origin(db: Database, actor: Actor) -> None:
    _some_entries(db, actor, 2)
    other = Actor(user="x", origin="ANDERES-GERAET")
    _some_entries(db, other, 3)
    result = _verify(db)
    assert result["ok"]
    assert {(c["origin"], c["entries"]) for c in result["chains"]} == {
        (actor.origin, 2), ("ANDERES-GERAET", 3)}


def test_migration_0007_chains_existing_entries(tmp_path: Path, actor: Actor) -> None:
    """Entries written before 0007 are chained in order and anchored by the upgrade."""
    from alembic import command

    from core.db.migrate import alembic_config

    path = tmp_path / "alt.sqlite"
    db = Database.open(str(path))
    _some_entries(db, actor, 3)
    config = alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0006")
    db.dispose()
    with connect_sqlite_file(path) as conn:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(audit_entry)")]
        assert "hash" not in columns
        assert conn.execute("SELECT count(*) FROM audit_entry").fetchone() == (3,)
    db = Database.open(str(path))
    try:
        result = _verify(db)
        assert result["ok"] and result["chains"][0]["entries"] == 3
        _some_entries(db, actor, 1)
        assert _verify(db)["ok"]
    finally:
        db.dispose()


# -- the commands ----------------------------------------------------------------------
def _ctx(db: Database, **args: Any) -> CliContext:
    return CliContext(argparse.Namespace(db=str(db.sqlite_path), user="iz.admin", json=True,
                                         **args))


def test_audit_json_shape(db: Database, actor: Actor,
                          capsys: pytest.CaptureFixture[str]) -> None:
    from core.commands import audit
    from core.services.sites import SiteInput, create_site, update_site

    with db.session() as s:
        site = create_site(s, actor, SiteInput("Jobcenter Gütersloh", "jobcenter", "05754"))
        site_id = site.id
    with db.session() as s:
        update_site(s, actor, site_id, SiteInput("Jobcenter Gütersloh Mitte", "jobcenter",
                                                 "05754"))
    _some_entries(db, actor, 2)
    assert audit.run_list(_ctx(db, entity=site_id, limit=1000)) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [set(r) for r in rows] == [{"at", "user", "action", "entity", "entity_id", "before",
                                       "after"}] * 2
    assert [r["entity_id"] for r in rows] == [site_id] * 2
    assert rows[0]["before"] is None and rows[1]["before"]["name"] == "Jobcenter Gütersloh"
    assert rows[1]["after"]["name"] == "Jobcenter Gütersloh Mitte"
    assert rows[0]["user"] == actor.user and rows[0]["at"] <= rows[1]["at"]
    assert audit.run_list(_ctx(db, entity=None, limit=3)) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3


def test_audit_verify_command(db: Database, db_path: Path, actor: Actor,
                              capsys: pytest.CaptureFixture[str]) -> None:
    from core.commands import audit

    _some_entries(db, actor, 3)
    assert audit.run_verify(_ctx(db)) == 0
    good = json.loads(capsys.readouterr().out)
    assert good == {"ok": True, "chains": [{"origin": actor.origin, "entries": 3,
                                            "head_ok": True}], "errors": []}
    _tamper(db_path, "DELETE FROM audit_entry WHERE seq = 3")
    assert audit.run_verify(_ctx(db)) == 1
    bad = json.loads(capsys.readouterr().out)
    assert bad["ok"] is False and bad["chains"][0]["head_ok"] is False
    assert {"origin", "seq", "message"} == set(bad["errors"][0])


def test_audit_verify_text_ends_with_one_german_line(db: Database, db_path: Path,
                                                     actor: Actor) -> None:
    from core.commands import audit
    from core.errors import UserError

    _some_entries(db, actor, 2)
    _tamper(db_path, "DELETE FROM audit_entry WHERE seq = 1")
    ctx = _ctx(db)
    ctx.args.json = False
    with pytest.raises(UserError, match=r"^Audit-Protokoll: .*Administration informieren"):
        audit.run_verify(ctx)


def test_sync_package_carries_the_chain_heads_and_the_hub_keeps_them(
        tmp_path: Path, template_db: Path) -> None:
    """The hub keeps each team's head; a later package whose head went back is noted and
    ``audit verify`` on the hub fails."""
    import shutil
    import zipfile

    from core.security.audit_chain import record_remote_heads
    from core.settings import set_setting
    from tests.core.exchange.conftest import trust_own_signer
    from tests.core.exchange.helpers import actor as role_actor
    from tests.core.exchange.helpers import export, merge

    team_path, hub_path = tmp_path / "team.sqlite", tmp_path / "hub.sqlite"
    shutil.copy(template_db, team_path)
    shutil.copy(template_db, hub_path)
    team, hub = Database.open(str(team_path)), Database.open(str(hub_path))
    try:
        with team.session() as s:
            set_setting(s, "device_id", "TEAMDEV")
        with hub.session() as s:
            set_setting(s, "device_id", "HUBDEV")
        trust_own_signer(hub)
        with team.session() as s:
            _some_entries(team, role_actor(s, "leitung"), 3)
        package = export(team, tmp_path / "p.zip")
        manifest = json.loads(zipfile.ZipFile(package).read("manifest.json"))
        assert manifest["audit_heads"]["TEAMDEV"]["seq"] == 3
        assert merge(hub, package)["ok"]
        assert _verify(hub)["ok"]
        with hub.session() as s:  # a later package claiming a shorter chain
            problems = record_remote_heads(s, {"TEAMDEV": {"seq": 2, "hash": "a" * 64}},
                                           "p2", manifest["to_version"] + 1)
        assert problems and "gekürzt oder neu geschrieben" in problems[0]
        result = _verify(hub)
        assert not result["ok"] and "TEAMDEV" in _messages(result)
    finally:
        team.dispose()
        hub.dispose()


def test_recording_is_chained_in_the_caller_transaction(db: Database, actor: Actor) -> None:
    """A rolled-back write leaves neither entry nor anchor change behind."""
    from core.services.sites import SiteInput, create_site

    _some_entries(db, actor, 1)
    with pytest.raises(RuntimeError), db.session() as s:
        create_site(s, actor, SiteInput("Weg", "kommunal", "05754"))
        s.flush()
        raise RuntimeError("abgebrochen")
    _some_entries(db, actor, 1)
    result = _verify(db)
    assert result["ok"] and result["chains"][0]["entries"] == 2


def test_demo_bulk_entries_are_chained(db: Database) -> None:
    from core.demo.generator import generate_demo

    with db.session() as s:
        generate_demo(s, "demo", "DEMO", 20, seed=3, today=date(2026, 11, 20))
    result = _verify(db)
    assert result["ok"] and result["chains"][0]["entries"] > 20



