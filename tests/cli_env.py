"""Accounts for CLI subprocess tests: every command that opens a database signs in.

``ensure_admin(db)`` creates (once) the test admin with every role on the test database
through the same use case ``setup --admin`` calls; ``grant(db, login, …)`` gives staff
logins (e.g. from an imported master-data workbook) an account with the test password.
The subprocess gets the password in ``IMPFTEAM_PASSWORD`` (``cli_env``) and the login
with ``--user`` (``user_args``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from core.db.engine import Database
from core.security.permissions import ALL_ROLES
from core.services.context import Actor

TEST_ADMIN = "test.admin"
TEST_PASSWORD = "test-passwort"


def _with_db(db: Path | str | Database) -> tuple[Database, bool]:
    if isinstance(db, Database):
        return db, False
    return Database.open(str(db)), True


def ensure_admin(db: Path | str | Database, login: str = TEST_ADMIN) -> str:
    """The test admin (all roles, password ``TEST_PASSWORD``); returns the login."""
    from core.security.users import find_account, has_accounts, setup_admin

    database, own = _with_db(db)
    try:
        with database.session() as session:
            if not has_accounts(session):
                setup_admin(session, login, TEST_PASSWORD, roles=ALL_ROLES)
            elif find_account(session, login) is None:
                _add(session, login, ALL_ROLES)
    finally:
        if own:
            database.dispose()
    return login


def _add(session: object, login: str, roles: Iterable[str]) -> None:
    from core.security.users import add_user
    from core.services.context import Actor

    admin = Actor.for_session(session, TEST_ADMIN, ALL_ROLES)  # type: ignore[arg-type]
    add_user(session, admin, login, roles, password=TEST_PASSWORD,  # type: ignore[arg-type]
             one_time=False)


def grant(db: Path | str | Database, *logins: str, roles: Iterable[str] | None = None) -> None:
    """Accounts with ``TEST_PASSWORD`` for ``logins`` (their staff role, or ``roles``)."""
    from core.db.models import Staff
    from core.security.users import find_account

    ensure_admin(db)
    database, own = _with_db(db)
    try:
        with database.session() as session:
            for login in logins:
                if find_account(session, login) is not None:
                    continue
                staff = session.query(Staff).filter_by(login=login).first()
                chosen = set(roles or ()) or ({staff.role} if staff is not None else set())
                _add(session, login, chosen or {"verwaltung"})
    finally:
        if own:
            database.dispose()


def cli_env(base: dict[str, str] | None = None, password: str = TEST_PASSWORD
            ) -> dict[str, str]:
    """The environment of a CLI subprocess: the test password for the sign-in."""
    env = dict(os.environ if base is None else base)
    env["IMPFTEAM_PASSWORD"] = password
    return env


def user_args(login: str = TEST_ADMIN) -> list[str]:
    return ["--user", login]


def signed_db(db: Path | str) -> list[str]:
    """``--db DB --user <test admin>`` for ``main([...])`` and subprocesses (the test
    password comes from IMPFTEAM_PASSWORD, set for every test by tests/conftest.py)."""
    return ["--db", str(db), *user_args(ensure_admin(db))]


def full_actor(session: object, login: str) -> Actor:
    """An actor with every role, for tests that call core entry points directly."""
    from core.services.context import Actor

    return Actor.for_session(session, login, ALL_ROLES)  # type: ignore[arg-type]


def with_admin(db: Database) -> Database:
    """``db`` with the test admin already there (before a test counts its rows)."""
    ensure_admin(db)
    return db
