"""User accounts and sign-in: the one place a login becomes an ``Actor`` with roles.

The CLI (``--user`` + password) and the GUI's sign-in dialog both call ``authenticate``
(or ``unlock_with_pin`` after the auto-lock), so lockout and back-off are the same for
both. A failed attempt is committed in its own transaction before the German refusal
is raised. Accounts live in ``user_account`` (local, never in a sync package); the
roles of a login are its stored roles plus the role of its staff record.

Lockout: after ``MAX_FAILURES`` failed attempts in a row (password or PIN) the login is
locked for ``FIRST_LOCK``; every further failure after that doubles it (1, 2, 4, … min,
at most ``MAX_LOCK``). A successful sign-in resets the counter; ``users unlock`` (admin)
clears it and an admin lock. Unknown logins and wrong passwords get the same message
and the same argon2 cost.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.codes import ROLES
from core.db.models import AuditEntry, Staff, UserAccount
from core.errors import NotFoundError, UserError, ValidationError
from core.security.passwords import check_password, check_pin, hash_secret, verify_secret
from core.security.permissions import ADMIN, require
from core.services.context import Actor
from core.settings import get_setting

MAX_FAILURES = 5
FIRST_LOCK = timedelta(minutes=1)
MAX_LOCK = timedelta(hours=24)
_LOGIN = re.compile(r"^[a-z0-9._-]{2,50}$")

WRONG = "Anmeldung fehlgeschlagen: Benutzername oder Passwort falsch."
WRONG_PIN = "Entsperren fehlgeschlagen: PIN falsch."
ALREADY_SET_UP = ("Einrichtung nicht möglich: Diese Datenbank hat schon Benutzerkonten. "
                  "Weitere Konten legt die Administration mit „users add“ an.")

Clock = Callable[[], datetime]


class SignInError(UserError):
    """Sign-in refused (wrong password, unknown login, locked); German message."""


class MustChangePassword(SignInError):
    """Correct one-time password: a new password must be set before anything else."""


def _now(now: datetime | None) -> datetime:
    return now if now is not None else utcnow()


def normal_login(login: str) -> str:
    return (login or "").strip().lower()


def check_login(login: str) -> str:
    value = normal_login(login)
    if not _LOGIN.match(value):
        raise ValidationError("Benutzername: 2–50 Zeichen, nur Kleinbuchstaben, Ziffern, "
                              "Punkt, Binde- und Unterstrich.", field="login")
    return value


def check_roles(roles: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(r.strip().lower() for r in roles if r.strip())
    unknown = sorted(chosen - set(ROLES))
    if unknown:
        raise ValidationError(f"Rollen: „{', '.join(unknown)}“ unbekannt; erlaubt sind "
                              f"{', '.join(ROLES)}.", field="roles")
    if not chosen:
        raise ValidationError("Rollen: bitte mindestens eine Rolle angeben.", field="roles")
    return chosen


def find_account(session: Session, login: str) -> UserAccount | None:
    return session.scalars(select(UserAccount).where(
        UserAccount.login == normal_login(login))).first()


def require_account(session: Session, login: str) -> UserAccount:
    account = find_account(session, login)
    if account is None:
        raise NotFoundError(f"Benutzer „{normal_login(login)[:50]}“ nicht gefunden.")
    return account


def has_accounts(session: Session) -> bool:
    return session.scalar(select(UserAccount.id).limit(1)) is not None


def _staff(session: Session, account: UserAccount) -> Staff | None:
    if account.staff_id is None:
        return None
    staff = session.get(Staff, account.staff_id)
    return staff if staff is not None and not staff.is_voided else None


def effective_roles(session: Session, account: UserAccount) -> frozenset[str]:
    """The account's own roles plus the role of its (not voided) staff record."""
    staff = _staff(session, account)
    return account.role_set | ({staff.role} if staff is not None else set())


def actor_of(session: Session, account: UserAccount) -> Actor:
    return Actor.for_session(session, account.login, effective_roles(session, account),
                             account.staff_id)


# -- audit (never the hashes) ------------------------------------------------------------
def public_view(session: Session, account: UserAccount, now: datetime | None = None
                ) -> dict[str, Any]:
    """The ``users list`` shape: what may be shown and audited (no hash, no PIN)."""
    return {"login": account.login, "staff_id": account.staff_id,
            "roles": sorted(effective_roles(session, account)),
            "locked": is_locked(account, now), "must_change": account.must_change}


def _audit(session: Session, actor_user: str, action: str, account: UserAccount,
           before: dict[str, Any] | None) -> None:
    session.flush()
    session.add(AuditEntry(user=actor_user, origin=get_setting(session, "device_id"),
                           action=action, entity="user_account", entity_id=account.id,
                           before=before, after=public_view(session, account)
                           | {"has_pin": account.pin_hash is not None}))


def _touch(account: UserAccount, now: datetime) -> None:
    account.updated_at = now


def _key_slot(session: Session, login: str, password: str) -> None:
    """Once committed, the password also unlocks the encrypted database (a key slot per
    login, core.security.keystore); a rolled-back change keeps the old slot."""
    from core.security.keystore import password_slot_after_commit

    password_slot_after_commit(session, login, password)


# -- first admin, accounts --------------------------------------------------------------
def setup_admin(session: Session, login: str, password: str,
                roles: Iterable[str] = (ADMIN,), now: datetime | None = None) -> Actor:
    """The first account of a database (``setup --admin``, the GUI's first start).

    Refused as soon as any account exists: further accounts come from an admin
    (``users add``). The new account is an admin and signed in at once (its own
    password, nothing to change).
    """
    if has_accounts(session):
        raise ValidationError(ALREADY_SET_UP, field="login")
    value = check_login(login)
    chosen = check_roles(roles) | {ADMIN}
    moment = _now(now)
    staff = session.scalars(select(Staff).where(Staff.login == value)).first()
    account = UserAccount(login=value, staff_id=staff.id if staff else None,
                          roles=",".join(sorted(chosen)),
                          password_hash=hash_secret(check_password(password, value)),
                          must_change=False, failed_attempts=0, disabled=False,
                          created_at=moment, updated_at=moment, created_by=value)
    session.add(account)
    _audit(session, value, "user.setup", account, None)
    _key_slot(session, value, password)
    return actor_of(session, account)


def add_user(session: Session, actor: Actor, login: str, roles: Iterable[str],
             staff_key: str | None = None, password: str | None = None,
             one_time: bool = True, now: datetime | None = None) -> UserAccount:
    """A new login (admin). ``password`` is a one-time password unless ``one_time`` is
    False; without one the login cannot sign in until ``users passwd`` sets it. A staff
    member with the same login is linked automatically."""
    from core.services.dose_checks import find_staff

    require(actor, "users")
    value = check_login(login)
    if find_account(session, value) is not None:
        raise ValidationError(f"Benutzer „{value}“ gibt es schon.", field="login")
    if staff_key:
        staff: Staff | None = find_staff(session, staff_key)
    else:
        staff = session.scalars(select(Staff).where(Staff.login == value,
                                                    Staff.voided_at.is_(None))).first()
    if staff is not None:
        clash = session.scalars(select(UserAccount).where(
            UserAccount.staff_id == staff.id)).first()
        if clash is not None:
            raise ValidationError(f"{staff.display_name} hat schon das Konto „{clash.login}“.",
                                  field="staff")
    chosen = check_roles(roles)
    moment = _now(now)
    account = UserAccount(login=value, staff_id=staff.id if staff else None,
                          roles=",".join(sorted(chosen)),
                          password_hash=hash_secret(check_password(password, value))
                          if password else None,
                          must_change=bool(password) and one_time, failed_attempts=0,
                          disabled=False, created_at=moment, updated_at=moment,
                          created_by=actor.user)
    session.add(account)
    _audit(session, actor.user, "user.create", account, None)
    if password:
        _key_slot(session, value, password)
    return account


def set_roles(session: Session, actor: Actor, login: str, roles: Iterable[str],
              now: datetime | None = None) -> UserAccount:
    require(actor, "users")
    account = require_account(session, login)
    before = public_view(session, account)
    chosen = check_roles(roles)
    if account.login == actor.user and ADMIN not in chosen and ADMIN in account.role_set:
        raise ValidationError("Die eigene Administratorrolle kann man sich nicht selbst "
                              "nehmen.", field="roles")
    account.roles = ",".join(sorted(chosen))
    _touch(account, _now(now))
    _audit(session, actor.user, "user.roles", account, before)
    return account


def set_password(session: Session, actor: Actor, login: str, password: str,
                 now: datetime | None = None) -> UserAccount:
    """Own password (any signed-in user; clears ``must_change``), or – by an admin – a
    one-time password for someone else, which they must change at the next sign-in."""
    account = require_account(session, login)
    own = account.login == actor.user
    if not own:
        require(actor, "users")
    before = public_view(session, account)
    if own and account.password_hash and verify_secret(account.password_hash, password):
        raise ValidationError("Passwort: bitte ein neues Passwort wählen, nicht das "
                              "bisherige.", field="password")
    account.password_hash = hash_secret(check_password(password, account.login))
    account.must_change = not own
    account.failed_attempts = 0
    account.locked_until = None
    _touch(account, _now(now))
    _audit(session, actor.user, "user.password" if own else "user.one_time_password",
           account, before)
    _key_slot(session, account.login, password)
    return account


def set_pin(session: Session, actor: Actor, pin: str | None,
            now: datetime | None = None) -> UserAccount:
    """The signed-in user's own PIN for unlocking after the auto-lock (None: remove)."""
    account = require_account(session, actor.user)
    before = public_view(session, account)
    account.pin_hash = hash_secret(check_pin(pin)) if pin else None
    _touch(account, _now(now))
    _audit(session, actor.user, "user.pin", account, before)
    return account


def lock_user(session: Session, actor: Actor, login: str, locked: bool,
              now: datetime | None = None) -> UserAccount:
    """``users lock`` (admin lock until unlocked) / ``users unlock`` (also clears the
    back-off and the failure counter)."""
    require(actor, "users")
    account = require_account(session, login)
    if locked and account.login == actor.user:
        raise ValidationError("Das eigene Konto kann man nicht sperren.", field="login")
    before = public_view(session, account, now)
    account.disabled = locked
    if not locked:
        account.failed_attempts = 0
        account.locked_until = None
    _touch(account, _now(now))
    _audit(session, actor.user, "user.lock" if locked else "user.unlock", account, before)
    return account


def list_users(session: Session, now: datetime | None = None) -> list[dict[str, Any]]:
    accounts = session.scalars(select(UserAccount).order_by(UserAccount.login))
    return [public_view(session, a, now) for a in accounts]


# -- sign-in -----------------------------------------------------------------------------
def is_locked(account: UserAccount, now: datetime | None = None) -> bool:
    until = account.locked_until
    return account.disabled or (until is not None and until > _now(now))


def lock_duration(failures: int) -> timedelta:
    """Back-off after ``failures`` failed attempts in a row (0 below ``MAX_FAILURES``)."""
    if failures < MAX_FAILURES:
        return timedelta(0)
    doublings = min(failures - MAX_FAILURES, 20)
    return min(FIRST_LOCK * (2 ** doublings), MAX_LOCK)


def _local(moment: datetime) -> str:
    return f"{moment.replace(tzinfo=UTC).astimezone():%H:%M:%S}"


def _locked_message(account: UserAccount) -> str:
    if account.disabled:
        return (f"Das Konto „{account.login}“ ist gesperrt. Bitte an die IT-Administration "
                "wenden (users unlock).")
    assert account.locked_until is not None
    return (f"Anmeldung für „{account.login}“ nach {account.failed_attempts} Fehlversuchen "
            f"gesperrt bis {_local(account.locked_until)} Uhr. Danach erneut versuchen oder "
            "von der IT-Administration entsperren lassen (users unlock).")


@dataclass(frozen=True, slots=True)
class SignIn:
    """Outcome of one attempt: the actor, or the German reason it was refused."""

    actor: Actor | None
    error: str = ""
    must_change: bool = False


def sign_in(session: Session, login: str, secret: str, now: datetime | None = None,
            pin: bool = False) -> SignIn:
    """Check a password (or, with ``pin``, the PIN) and record the attempt in ``session``.

    The caller commits the session in every case (a failure must be counted), then
    raises ``error``; ``authenticate`` does both.
    """
    moment = _now(now)
    account = find_account(session, login)
    wrong = WRONG_PIN if pin else WRONG
    if account is None:
        verify_secret(None, secret)
        return SignIn(None, wrong)
    if is_locked(account, moment):
        return SignIn(None, _locked_message(account))
    stored = account.pin_hash if pin else account.password_hash
    if pin and stored is None:
        return SignIn(None, "Für dieses Konto ist keine PIN gesetzt; bitte mit dem Passwort "
                            "anmelden.")
    if not verify_secret(stored, secret):
        account.failed_attempts += 1
        pause = lock_duration(account.failed_attempts)
        if pause:
            account.locked_until = moment + pause
            _audit(session, account.login, "user.locked_out", account, None)
        return SignIn(None, wrong)
    account.failed_attempts = 0
    account.locked_until = None
    account.last_login_at = moment
    return SignIn(actor_of(session, account), "", account.must_change and not pin)


def authenticate(db: Any, login: str, password: str, now: datetime | None = None,
                 allow_must_change: bool = False, pin: bool = False) -> Actor:
    """Sign in on ``db`` (a ``core.db.engine.Database``); raises ``SignInError``.

    A correct one-time password raises ``MustChangePassword`` unless
    ``allow_must_change`` (``users passwd`` for oneself, the GUI's change dialog).
    """
    if not normal_login(login):
        raise SignInError("Anmeldung: bitte den Benutzernamen angeben (--user LOGIN).",
                          field="login")
    with db.session() as session:
        result = sign_in(session, login, password, now, pin=pin)
    if result.actor is None:
        raise SignInError(result.error, field="password")
    if result.must_change and not allow_must_change:
        raise MustChangePassword(
            f"Anmeldung: „{result.actor.user}“ hat ein Einmal-Passwort. Bitte zuerst ein "
            f"eigenes Passwort setzen (users passwd {result.actor.user}).", field="password")
    return result.actor


def unlock_with_pin(db: Any, login: str, pin: str, now: datetime | None = None) -> Actor:
    """Re-login after the GUI's auto-lock: the PIN (same lockout as the password)."""
    return authenticate(db, login, pin, now, pin=True)
