"""Shared fixtures: a real migrated SQLite file per test (copied from a template)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

import pytest

if os.environ.get("IMPFTEAM_TEST_REAL_DISPLAY") != "1":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never the developer's OS keyring: test databases get the device slot in <folder>/keys.
os.environ["IMPFTEAM_KEYRING"] = "0"
os.environ.pop("IMPFTEAM_PASSPHRASE", None)

from core.db.engine import Database
from core.services.context import Actor

TODAY = date.today()


@pytest.fixture(autouse=True, scope="session")
def _cheap_key_slots() -> Iterator[None]:
    """scrypt of password/batch slots with a small cost in tests (each slot records its
    parameters, so a subprocess reads them at the same cost)."""
    from core.security import keystore

    saved = keystore.SCRYPT_N
    keystore.SCRYPT_N = 2**10
    yield
    keystore.SCRYPT_N = saved


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashes() -> Iterator[None]:
    """argon2 with the smallest cost in tests (its ~50 ms belong in the benchmark)."""
    from argon2 import PasswordHasher

    from core.security import passwords

    saved = passwords.HASHER
    passwords.HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    passwords.HASHER = saved


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real data dir or the developer's QSettings."""
    monkeypatch.setenv("IMPFTEAM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    # the CLI's sign-in password of the test accounts (tests/cli_env.py), also for children
    monkeypatch.setenv("IMPFTEAM_PASSWORD", "test-passwort")


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    Database.open(str(path)).dispose()
    return path


@pytest.fixture
def db_path(tmp_path: Path, template_db: Path) -> Path:
    """A copy of the (encrypted) template with its key store ``keys/`` beside it."""
    path = tmp_path / "impfteam.sqlite"
    shutil.copy(template_db, path)
    shutil.copytree(template_db.parent / "keys", tmp_path / "keys", dirs_exist_ok=True)
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = Database.open(str(db_path))
    yield database
    database.dispose()


@pytest.fixture
def actor(db: Database) -> Actor:
    """A test actor holding every role (the permission tests use narrower ones)."""
    from core.security.permissions import ALL_ROLES

    with db.session() as session:
        return Actor.for_session(session, "t.tester", ALL_ROLES)


@dataclass
class World:
    """A small valid setup: site, doctor, vaccinator, today's visit with a Comirnaty lot."""

    site_id: str
    doctor_id: str
    vaccinator_id: str
    visit_id: str
    lot_id: str
    person_id: str


@pytest.fixture
def world(db: Database, actor: Actor) -> World:
    from core.services.lots import allocate_lot, create_lot
    from core.services.persons import PersonInput, create_person
    from core.services.sites import SiteInput, create_site
    from core.services.staff import StaffInput, create_staff
    from core.services.visits import VisitInput, create_visit

    with db.session() as s:
        site = create_site(s, actor, SiteInput("Jobcenter Gütersloh", "jobcenter", "05754",
                                               "Berliner Str. 1", "33330", "Gütersloh"))
        doctor = create_staff(s, actor, StaffInput("Wagner", "Eva", "arzt", "e.wagner"))
        nurse = create_staff(s, actor, StaffInput("Koch", "Tim", "impfend", "t.koch"))
        visit = create_visit(s, actor, VisitInput(site.id, TODAY, time(9), time(15, 30), 100,
                                                  "aktiv", members=[(doctor.id, "arzt"),
                                                                    (nurse.id, "impfend")]))
        lot = create_lot(s, actor, "Comirnaty", "FK1234", TODAY + timedelta(days=60), 50)
        allocate_lot(s, actor, visit.id, lot.id, 30)
        person = create_person(s, actor, PersonInput("Müller", "Anna", date(1980, 4, 10),
                                                     "w", postcode="33330"))
        return World(site.id, doctor.id, nurse.id, visit.id, lot.id, person.id)
