"""The permission table, action by action: an allowed role succeeds, any other is refused.

Every action of ``core.security.permissions.PERMISSIONS`` is performed through its core
entry point (the use case, the exchange function, the user service) by an actor holding
a single role; the refusal is a German ``PermissionDenied`` (a ``UserError``) and leaves
nothing written. Actions whose core functions take no actor (key store, trust list,
settings, signers, audit view, backups) are refused by the CLI's access table, checked
at the end.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.catalog.forms import form_for
from core.db.codes import ROLES
from core.db.engine import Database
from core.db.models import AuditEntry
from core.errors import UserError
from core.security.cli_auth import ANY, NO_LOGIN, access_for
from core.security.permissions import PERMISSIONS, PermissionDenied, allowed, require
from core.services.context import Actor
from core.services.persons import PersonInput, create_person
from tests.core.usecases.conftest import Day, make_day

ON = date(2021, 12, 1)
FORM = form_for("covid19", ON)

Action = Callable[[Database, Actor, Actor, Day, Path], object]


def _person(db: Database, admin: Actor, family: str = "Schulz") -> str:
    with db.session() as s:
        return create_person(s, admin, PersonInput(family, "Lena", date(1995, 3, 1))).id


def _dose_by(db: Database, author: Actor, day: Day) -> str:
    from core.usecases.doses import DoseRequest, record_dose

    person = _person(db, author, "Dosis")
    with db.session() as s:
        return record_dose(s, author, DoseRequest(
            person, day.visit_id, "Comirnaty", day.comirnaty_lot, day.nurse_id,
            day.doctor_id, FORM.label, tuple(i.key for i in FORM.items)), ON).value.id


def register(db: Database, admin: Actor, actor: Actor, day: Day, tmp: Path) -> object:
    from core.usecases.registration import register_person

    with db.session() as s:
        return register_person(s, actor, PersonInput("Neu", "Nora", date(1990, 1, 2)), ON)


def merge(db: Database, admin: Actor, actor: Actor, day: Day, tmp: Path) -> object:
    from core.usecases.persons import merge_persons

    first, second = _person(db, admin, "Erste"), _person(db, admin, "Zweite")
    with db.session() as s:
        return merge_persons(s, actor, second, first)


def checkin(db: Database, admin: Actor, actor: Actor, day: Day, tmp: Path) -> object:
    from core.usecases.checkin import check_in_by_person

    person = _person(db, admin)
    with db.session() as s:
        return check_in_by_person(s, actor, day.visit_id, person, ON)


def backentry(db: Database, admin: Actor, actor: Actor, day: Day, tmp: Path) -> object:
    from core.usecases.doses import BackEntryRequest, record_backentry

    person = _person(db, admin)
    with db.session() as s:
        return record_backentry(s, actor, BackEntryRequest(
            person, date(2021, 6, 1), "Comirnaty", "nachtrag_impfpass", dose_number=1,
            series_total=2), ON)


def record(db: Database, admin: Actor, actor: Actor, day: Day, tmp: Path) -> object:
    return _dose_by(db, actor, day)


def void_own(db: Database, admin: Actor, actor: Actor, day: Day, tmp: Path) -> object:
    from core.usecases.doses import void_dose

    # the dose is stored under the actor's login (written by an all-roles twin)
    dose = _dose_by(db, Actor(actor.user, actor.origin, roles=admin.roles), day)
    with db.session() as s:
        return void_dose(s, actor, dose, "falsch erfasst")


def void_other(db: Database, admin: Actor, actor: Actor, day: Day, tmp: Path) -> object:
    from core.usecases.doses import void_dose

    dose = _dose_by(db, admin, day)
    with db.session() as s:
        return void_dose(s, actor, dose, "falsch erfasst")


def certificate(db: Database, admin: Actor, actor: Actor, day: Day, tmp: Path) -> object:
    from core.certificates.keys import install_identity, write_training_files
    from core.usecases.certificates import print_certificate

    files = write_training_files(tmp / "keys")
    install_identity(files["dsc.key.pem"], files["dsc.pem"])
    dose = _dose_by(db, admin, day)
    with db.session() as s:
        return print_certificate(s, actor, dose, tmp)


def start(db: Database, admin: Actor, actor: Actor, day: Day, tmp: Path) -> object:
    from core.db.models import Visit
    from core.usecases.visit_rules import start_visit

    with db.session() as s:  # today's visit, not yet begun
        s.get_one(Visit, day.visit_id).status = "geplant"
    with db.session() as s:
        return start_visit(s, actor, day.visit_id, ON)


def team(db: Database, admin: Actor, actor: Actor, day: Day, tmp: Path) -> object:
    from core.usecases.visit_rules import add_team_member

    with db.session() as s:
        return add_team_member(s, actor, day.visit_id, "a.yilmaz")


def close(db: Database, admin: Actor, actor: Actor, day: Day, tmp: Path) -> object:
    from core.usecases.visit_rules import close_visit

    with db.session() as s:
        return close_visit(s, actor, day.visit_id, [])


def export(db: Database, admin: Actor, actor: Actor, day: Day, tmp: Path) -> object:
    from core.exchange.protect import protected_export_sync

    with db.session() as s:
        return protected_export_sync(s, actor, tmp / "paket.zip", None, full=True)


def import_(db: Database, admin: Actor, actor: Actor, day: Day, tmp: Path) -> object:
    from core.exchange.masterdata import import_masterdata
    from tests.core.test_cli_field_day import write_masterdata

    book = write_masterdata(tmp / "stammdaten.xlsx")
    with db.session() as s:
        return import_masterdata(s, actor, book)


def users(db: Database, admin: Actor, actor: Actor, day: Day, tmp: Path) -> object:
    from core.security.users import add_user

    with db.session() as s:
        return add_user(s, actor, "neu.konto", ["verwaltung"], password="einmal-1234")


#: every action with a core entry point that takes the actor
ACTIONS: dict[str, Action] = {
    "person.register": register, "person.merge": merge, "checkin": checkin,
    "dose.backentry": backentry, "dose.record": record, "dose.void_own": void_own,
    "dose.void_other": void_other, "certificate.issue": certificate, "visit.start": start,
    "visit.team": team, "visit.close": close, "export": export, "import": import_,
    "users": users,
}
#: refused by the CLI before the command runs (their core functions take no actor)
CLI_ONLY = {"settings": ("export protection", ["passwort"]), "keys": ("keys install", []),
            "trust": ("keys trust", []), "signers": ("keys signer add", []),
            "audit": ("audit verify", []), "backup": ("backup", []),
            "restore": ("restore", [])}

#: actions whose test prepares no records first: the refusal must leave the audit as it was
PREPARES_NOTHING = {"person.register", "visit.team", "visit.close", "export", "import",
                    "users"}

CASES = [(action, role) for action in ACTIONS for role in ROLES]


def test_every_action_of_the_table_is_covered() -> None:
    assert set(ACTIONS) | set(CLI_ONLY) == set(PERMISSIONS)


@pytest.fixture
def day(db: Database, actor: Actor) -> Day:
    return make_day(db, actor, ON)


def audit_count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEntry)) or 0)


@pytest.mark.parametrize(("action", "role"), CASES, ids=[f"{a}-{r}" for a, r in CASES])
def test_role_allowed_or_refused(db: Database, actor: Actor, day: Day, tmp_path: Path,
                                 action: str, role: str) -> None:
    """``actor`` (all roles) prepares; ``acting`` holds only ``role``."""
    acting = Actor(f"nur.{role}", actor.origin, roles=frozenset({role}))
    perform = ACTIONS[action]
    if allowed(acting.roles, action):
        assert perform(db, actor, acting, day, tmp_path) is not None
        return
    before = None
    if action in PREPARES_NOTHING:
        before = audit_count(db)  # nothing may be written
    with pytest.raises(PermissionDenied) as refused:
        perform(db, actor, acting, day, tmp_path)
    message = refused.value.message
    assert isinstance(refused.value, UserError)
    assert message.startswith("Keine Berechtigung: ") and "\n" not in message
    assert f"nur.{role}" in message and ROLES[role] in message
    if before is not None:
        assert audit_count(db) == before


def test_several_roles_add_up(db: Database, actor: Actor, day: Day, tmp_path: Path) -> None:
    """A team lead who is also a physician may start visits and record doses."""
    both = Actor("l.berg", actor.origin, roles=frozenset({"leitung", "arzt"}))
    assert record(db, actor, both, day, tmp_path)
    assert close(db, actor, both, day, tmp_path)


def test_an_actor_without_roles_may_do_nothing(db: Database, actor: Actor, day: Day,
                                               tmp_path: Path) -> None:
    nobody = Actor("niemand", actor.origin)
    for action in PERMISSIONS:
        with pytest.raises(PermissionDenied):
            require(nobody, action)
    with pytest.raises(PermissionDenied):
        register(db, actor, nobody, day, tmp_path)


def test_verwaltung_records_no_administered_dose(db: Database, actor: Actor, day: Day,
                                                 tmp_path: Path) -> None:
    desk = Actor("d.unal", actor.origin, roles=frozenset({"verwaltung"}))
    assert register(db, actor, desk, day, tmp_path) and backentry(db, actor, desk, day,
                                                                  tmp_path)
    with pytest.raises(PermissionDenied, match="verabreichte Impfungen"):
        record(db, actor, desk, day, tmp_path)


def _args(**values: object) -> argparse.Namespace:
    return argparse.Namespace(**values)


@pytest.mark.parametrize("action", sorted(CLI_ONLY))
def test_cli_access_table_names_the_permission(action: str) -> None:
    path, _ = CLI_ONLY[action]
    mode = "passwort" if path == "export protection" else None
    expected = NO_LOGIN if action == "restore" else action
    assert access_for(path, _args(mode=mode)) == expected


def test_cli_access_table_for_reads_and_exceptions() -> None:
    assert access_for("visits list", _args()) == ANY
    assert access_for("export protection", _args(mode=None)) == ANY
    assert access_for("import masterdata", _args(template="v.xlsx")) == NO_LOGIN
    assert access_for("import masterdata", _args(template=None)) == "import"
    for free in ("status", "verify", "selftest", "keys training", "setup", "demo"):
        assert access_for(free, _args()) == NO_LOGIN
    assert access_for("keys signer revoke", _args()) == "signers"
    assert access_for("something new", _args()) == ANY  # unknown: a login at least


def test_undo_within_ten_minutes_is_a_void_of_ones_own(db: Database, actor: Actor, day: Day,
                                                       tmp_path: Path) -> None:
    from core.usecases.doses import undo_dose

    nurse = Actor("t.koch", actor.origin, roles=frozenset({"impfend"}))
    desk = Actor("t.koch", actor.origin, roles=frozenset({"verwaltung"}))
    dose = _dose_by(db, nurse, day)
    with pytest.raises(PermissionDenied), db.session() as s:
        undo_dose(s, desk, dose)
    with db.session() as s:
        assert undo_dose(s, nurse, dose).value.void_reason == "rueckgaengig"
    assert timedelta(minutes=10)  # the 10-minute window itself: test_services_person_dose
