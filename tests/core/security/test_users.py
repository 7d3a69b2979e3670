"""Accounts and sign-in: first admin, one-time passwords, lockout with back-off, PIN,
and the ``setup``/``users`` commands through ``main.py``."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.db.engine import Database
from core.db.models import AuditEntry, UserAccount
from core.errors import ValidationError
from core.security.permissions import PermissionDenied
from core.security.users import (
    WRONG,
    MustChangePassword,
    SignInError,
    add_user,
    authenticate,
    find_account,
    list_users,
    lock_duration,
    lock_user,
    set_password,
    set_pin,
    setup_admin,
    unlock_with_pin,
)
from core.services.context import Actor
from tests.cli_env import TEST_ADMIN, TEST_PASSWORD, cli_env, ensure_admin, user_args

ROOT = Path(__file__).resolve().parents[3]
T0 = datetime(2026, 12, 1, 8, 0)


@pytest.fixture
def admin(db: Database) -> Actor:
    with db.session() as s:
        return setup_admin(s, "it.admin", "admin-passwort")


def add(db: Database, admin: Actor, login: str = "t.koch", roles: tuple[str, ...] = ("impfend",),
        password: str = "einmal-1234", one_time: bool = True) -> None:
    with db.session() as s:
        add_user(s, admin, login, roles, password=password, one_time=one_time)


def test_first_admin_then_setup_is_refused(db: Database, admin: Actor) -> None:
    assert admin.user == "it.admin" and admin.roles == frozenset({"admin"})
    with pytest.raises(ValidationError, match="schon Benutzerkonten"), db.session() as s:
        setup_admin(s, "zweite", "noch-ein-passwort")
    actor = authenticate(db, "IT.Admin ", "admin-passwort")
    assert actor.user == "it.admin" and "admin" in actor.roles


def test_password_hash_is_argon2_and_never_audited(db: Database, admin: Actor) -> None:
    with db.session() as s:
        account = find_account(s, "it.admin")
        assert account is not None and account.password_hash is not None
        assert account.password_hash.startswith("$argon2id$")
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity == "user_account"))
        texts = [json.dumps(e.after) for e in entries]
    assert texts and all("argon2" not in text and "hash" not in text for text in texts)


def test_unknown_login_and_wrong_password_give_the_same_message(db: Database,
                                                                 admin: Actor) -> None:
    messages = []
    for login, password in (("it.admin", "falsch-falsch"), ("gibt.es.nicht", "admin-passwort")):
        with pytest.raises(SignInError) as refused:
            authenticate(db, login, password, T0)
        messages.append(refused.value.message)
    assert messages == [WRONG, WRONG]


def test_lockout_after_five_failures_with_doubling_back_off(db: Database,
                                                            admin: Actor) -> None:
    add(db, admin, one_time=False, password="richtig-123")
    now = T0
    for _ in range(5):
        with pytest.raises(SignInError, match="falsch"):
            authenticate(db, "t.koch", "falsch-123", now)
    # locked for 1 minute: even the right password is refused, without counting
    with pytest.raises(SignInError, match="gesperrt bis"):
        authenticate(db, "t.koch", "richtig-123", now + timedelta(seconds=59))
    with db.session() as s:
        account = find_account(s, "t.koch")
        assert account is not None and account.failed_attempts == 5
        assert account.locked_until == now + timedelta(minutes=1)
    # after the minute one more failure locks for 2, the next for 4 minutes
    now += timedelta(minutes=1, seconds=1)
    with pytest.raises(SignInError, match="falsch"):
        authenticate(db, "t.koch", "falsch-123", now)
    with db.session() as s:
        assert s.scalars(select(UserAccount.locked_until).where(
            UserAccount.login == "t.koch")).one() == now + timedelta(minutes=2)
    assert [lock_duration(n) for n in (4, 5, 6, 7, 30)] == [
        timedelta(0), timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4),
        timedelta(hours=24)]
    # the admin unlocks; the right password works and resets the counter
    with db.session() as s:
        lock_user(s, admin, "t.koch", False, now)
    assert authenticate(db, "t.koch", "richtig-123", now).user == "t.koch"
    with db.session() as s:
        account = find_account(s, "t.koch")
        assert account is not None and account.failed_attempts == 0


def test_admin_lock_until_unlock(db: Database, admin: Actor) -> None:
    add(db, admin, one_time=False, password="richtig-123")
    with db.session() as s:
        lock_user(s, admin, "t.koch", True)
    with pytest.raises(SignInError, match="ist gesperrt"):
        authenticate(db, "t.koch", "richtig-123", T0 + timedelta(days=30))
    with db.session() as s:
        assert [u["locked"] for u in list_users(s) if u["login"] == "t.koch"] == [True]
        with pytest.raises(ValidationError, match="eigene Konto"):
            lock_user(s, admin, "it.admin", True)
    with db.session() as s:
        lock_user(s, admin, "t.koch", False)
    assert authenticate(db, "t.koch", "richtig-123").user == "t.koch"


def test_one_time_password_must_be_changed(db: Database, admin: Actor) -> None:
    add(db, admin)  # staff from master data: the admin sets a one-time password
    with pytest.raises(MustChangePassword, match=r"users passwd t\.koch"):
        authenticate(db, "t.koch", "einmal-1234")
    me = authenticate(db, "t.koch", "einmal-1234", allow_must_change=True)
    with pytest.raises(ValidationError, match="nicht das bisherige"), db.session() as s:
        set_password(s, me, "t.koch", "einmal-1234")
    with db.session() as s:
        set_password(s, me, "t.koch", "mein-eigenes")
    assert authenticate(db, "t.koch", "mein-eigenes").user == "t.koch"
    # the admin resets it: a one-time password again
    with db.session() as s:
        set_password(s, admin, "t.koch", "neu-einmal-1")
    with pytest.raises(MustChangePassword):
        authenticate(db, "t.koch", "neu-einmal-1")


def test_only_an_admin_manages_other_accounts(db: Database, admin: Actor) -> None:
    add(db, admin, one_time=False, password="richtig-123")
    nurse = authenticate(db, "t.koch", "richtig-123")
    with pytest.raises(PermissionDenied), db.session() as s:
        add_user(s, nurse, "x.neu", ["impfend"], password="einmal-1234")
    with pytest.raises(PermissionDenied), db.session() as s:
        set_password(s, nurse, "it.admin", "uebernahme-1")
    with pytest.raises(PermissionDenied), db.session() as s:
        lock_user(s, nurse, "it.admin", True)


def test_staff_role_and_extra_roles_add_up(db: Database, admin: Actor, world: object) -> None:
    add(db, admin, "e.wagner", ("leitung",), one_time=False, password="richtig-123")
    actor = authenticate(db, "e.wagner", "richtig-123")  # staff e.wagner is arzt
    assert actor.roles == frozenset({"arzt", "leitung"}) and actor.staff_id is not None


def test_pin_unlocks_and_shares_the_lockout(db: Database, admin: Actor) -> None:
    add(db, admin, one_time=False, password="richtig-123")
    me = authenticate(db, "t.koch", "richtig-123")
    with pytest.raises(ValidationError, match="4 bis 8 Ziffern"), db.session() as s:
        set_pin(s, me, "12a4")
    with pytest.raises(SignInError, match="keine PIN"):
        unlock_with_pin(db, "t.koch", "4711")
    with db.session() as s:
        set_pin(s, me, "4711")
    assert unlock_with_pin(db, "t.koch", "4711", T0).user == "t.koch"
    for _ in range(5):
        with pytest.raises(SignInError, match="PIN falsch"):
            unlock_with_pin(db, "t.koch", "0000", T0)
    with pytest.raises(SignInError, match="gesperrt"):  # the password is locked as well
        authenticate(db, "t.koch", "richtig-123", T0 + timedelta(seconds=30))


def test_password_rules(db: Database, admin: Actor) -> None:
    with pytest.raises(ValidationError, match="mindestens 8"), db.session() as s:
        add_user(s, admin, "t.koch", ["impfend"], password="kurz")
    with pytest.raises(ValidationError, match="Benutzername sein"), db.session() as s:
        add_user(s, admin, "t.koch123", ["impfend"], password="T.Koch123")
    with pytest.raises(ValidationError, match="Rollen"), db.session() as s:
        add_user(s, admin, "t.koch", ["chef"], password="einmal-1234")


# -- the CLI ----------------------------------------------------------------------------
def cli(db: Path, *args: str, password: str | None = TEST_PASSWORD,
        **env: str) -> subprocess.CompletedProcess[str]:
    environ = cli_env(password=password or "")
    if password is None:
        environ.pop("IMPFTEAM_PASSWORD")
    environ.update(env)
    return subprocess.run([sys.executable, "main.py", "--db", str(db), *args], cwd=ROOT,
                          capture_output=True, text=True, env=environ, check=False,
                          timeout=120, stdin=subprocess.DEVNULL)


def refused(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fehler: "), result.stderr
    return lines[0]


def test_cli_setup_users_and_sign_in(tmp_path: Path) -> None:
    db = tmp_path / "neu.sqlite"
    assert "setup --admin" in refused(cli(db, "--user", "x", "visits", "list"))
    made = cli(db, "setup", "--admin", "it.admin", "--json")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout) == {"login": "it.admin", "staff_id": None,
                                       "roles": ["admin"], "locked": False,
                                       "must_change": False}
    assert "schon Benutzerkonten" in refused(cli(db, "setup", "--admin", "zweite"))
    admin = ["--user", "it.admin"]
    added = cli(db, *admin, "users", "add", "l.berg", "--roles", "leitung,arzt", "--json",
                IMPFTEAM_NEW_PASSWORD="einmal-1234")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["must_change"] is True
    # one-time password: every command but passwd is refused
    line = refused(cli(db, "--user", "l.berg", "visits", "list", password="einmal-1234"))
    assert "Einmal-Passwort" in line
    changed = cli(db, "--user", "l.berg", "users", "passwd", "l.berg", password="einmal-1234",
                  IMPFTEAM_NEW_PASSWORD="eigenes-1234")
    assert changed.returncode == 0, changed.stderr
    ok = cli(db, "--user", "l.berg", "visits", "list", "--json", password="eigenes-1234")
    assert ok.returncode == 0 and json.loads(ok.stdout) == []
    # wrong password and unknown login: the same line; no password at all: a hint
    wrong = refused(cli(db, "--user", "l.berg", "visits", "list", password="falsch-falsch"))
    unknown = refused(cli(db, "--user", "niemand", "visits", "list"))
    assert wrong == unknown == f"Fehler: {WRONG}"
    assert "IMPFTEAM_PASSWORD" in refused(cli(db, *admin, "visits", "list", password=None))
    # a lead cannot manage users; the admin locks and unlocks
    line = refused(cli(db, "--user", "l.berg", "users", "list", password="eigenes-1234"))
    assert "Keine Berechtigung" in line
    assert cli(db, *admin, "users", "lock", "l.berg").returncode == 0
    assert "gesperrt" in refused(cli(db, "--user", "l.berg", "visits", "list",
                                     password="eigenes-1234"))
    assert cli(db, *admin, "users", "unlock", "l.berg").returncode == 0
    listing = cli(db, *admin, "users", "list", "--json")
    rows = json.loads(listing.stdout)
    assert [set(r) for r in rows] == [{"login", "staff_id", "roles", "locked",
                                       "must_change"}] * 2
    assert {r["login"]: r["roles"] for r in rows} == {"it.admin": ["admin"],
                                                      "l.berg": ["arzt", "leitung"]}
    # commands that need no login
    assert cli(db, "selftest", "--json", password=None).returncode in (0, 1)
    assert cli(db, "keys", "training", "--out", str(tmp_path / "k"),
               password=None).returncode == 0


def test_cli_lockout_after_five_failures(tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite"
    ensure_admin(db)
    for _ in range(5):
        refused(cli(db, *user_args(), "visits", "list", password="falsch-falsch"))
    assert "gesperrt bis" in refused(cli(db, *user_args(), "visits", "list"))
    assert TEST_ADMIN
