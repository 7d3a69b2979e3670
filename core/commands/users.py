"""``setup --admin LOGIN`` and ``users add|passwd|lock|unlock|roles|pin|list``.

Passwords never go on the command line (shell history, ``ps``): the new password comes
from ``IMPFTEAM_NEW_PASSWORD`` (batch) or is asked twice at a terminal; ``setup`` takes
the first admin's password from ``IMPFTEAM_PASSWORD`` (the one later sign-ins use) or
asks. Accounts are local to this database and never exported (core.security.users).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from core.cli import CliContext, json_parent
from core.errors import UserError

NEW_PASSWORD_ENV = "IMPFTEAM_NEW_PASSWORD"
NEW_PIN_ENV = "IMPFTEAM_NEW_PIN"


def register(sub: argparse._SubParsersAction) -> None:
    setup = sub.add_parser("setup", parents=[json_parent()],
                           help="erstes Administratorkonto einer neuen Datenbank anlegen")
    setup.add_argument("--admin", required=True, metavar="LOGIN",
                       help="Benutzername der Administratorin/des Administrators")
    setup.set_defaults(handler=run_setup)

    users = sub.add_parser("users", help="Benutzerkonten (nur Administration)")
    commands = users.add_subparsers(dest="users_command", required=True)
    listing = commands.add_parser("list", parents=[json_parent()], help="Konten auflisten")
    listing.set_defaults(handler=run_list)
    add = commands.add_parser("add", parents=[json_parent()],
                              help="Konto anlegen (mit Einmal-Passwort)")
    add.add_argument("login", metavar="LOGIN")
    add.add_argument("--roles", required=True, metavar="R,R",
                     help="Rollen: arzt, impfend, verwaltung, leitung, admin")
    add.add_argument("--staff", metavar="ID",
                     help="Mitarbeiter/in (ID, externe ID oder Benutzername; Standard: "
                     "gleicher Benutzername)")
    add.set_defaults(handler=run_add)
    passwd = commands.add_parser("passwd", parents=[json_parent()],
                                 help="eigenes Passwort ändern oder (Administration) ein "
                                 "Einmal-Passwort setzen")
    passwd.add_argument("login", metavar="LOGIN")
    passwd.set_defaults(handler=run_passwd)
    for name, text in (("lock", "Konto sperren"), ("unlock", "Konto entsperren (auch nach "
                                                             "Fehlversuchen)")):
        command = commands.add_parser(name, parents=[json_parent()], help=text)
        command.add_argument("login", metavar="LOGIN")
        command.set_defaults(handler=run_lock if name == "lock" else run_unlock)
    roles = commands.add_parser("roles", parents=[json_parent()], help="Rollen eines Kontos "
                                "setzen")
    roles.add_argument("login", metavar="LOGIN")
    roles.add_argument("roles", metavar="R,R")
    roles.set_defaults(handler=run_roles)
    pin = commands.add_parser("pin", parents=[json_parent()],
                              help="eigene PIN (4–8 Ziffern) zum Entsperren setzen")
    pin.set_defaults(handler=run_pin)


def new_secret(env: str, prompt: str) -> str:
    """``env`` when set, else asked twice at a terminal; never prompts without one."""
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UserError(f"Kein neues Passwort: bitte im Terminal aufrufen oder {env} setzen.",
                        field="password")
    import getpass

    first = getpass.getpass(f"{prompt}: ")
    if getpass.getpass(f"{prompt} wiederholen: ") != first:
        raise UserError("Die beiden Eingaben stimmen nicht überein – nichts geändert.")
    return first


def _roles(text: str) -> list[str]:
    from core.commands.common import key_list

    return list(key_list(text))


def _account_text(row: dict[str, Any]) -> str:
    flags = [flag for flag, on in (("gesperrt", row["locked"]),
                                   ("Einmal-Passwort", row["must_change"])) if on]
    return (f"{row['login']:<20} {','.join(row['roles']):<32} "
            f"{row['staff_id'] or '–':<36} {' '.join(flags)}").rstrip()


def _emit_account(ctx: CliContext, login: str, verb: str) -> int:
    from core.security.users import public_view, require_account

    with ctx.session() as session:
        row = public_view(session, require_account(session, login))
    ctx.emit(row, f"{verb}: {_account_text(row)}")
    return 0


def run_setup(ctx: CliContext) -> int:
    from core.security.cli_auth import PASSWORD_ENV
    from core.security.users import ALREADY_SET_UP, has_accounts, public_view, setup_admin

    login = ctx.args.admin
    with ctx.session() as session:
        if has_accounts(session):  # refused before a password is asked for
            raise UserError(ALREADY_SET_UP)
    password = new_secret(PASSWORD_ENV, f"Neues Passwort für {login}")
    with ctx.session() as session:
        actor = setup_admin(session, login, password)
        session.flush()
        from core.security.users import require_account

        row = public_view(session, require_account(session, actor.user))
    ctx.emit(row, f"Administratorkonto angelegt: {row['login']}. Weitere Konten mit "
             f"„--user {row['login']} users add …“.")
    return 0


def run_list(ctx: CliContext) -> int:
    from core.security.users import list_users

    with ctx.session() as session:
        rows = list_users(session)
    ctx.emit(rows, lambda: "\n".join(_account_text(r) for r in rows) or "Keine Konten.")
    return 0


def run_add(ctx: CliContext) -> int:
    from core.security.users import add_user

    args = ctx.args
    password = new_secret(NEW_PASSWORD_ENV, f"Einmal-Passwort für {args.login}")
    with ctx.session() as session:
        account = add_user(session, ctx.actor(session), args.login, _roles(args.roles),
                           args.staff, password)
        login = account.login
    return _emit_account(ctx, login, "Konto angelegt (Einmal-Passwort, bei der ersten "
                         "Anmeldung zu ändern)")


def run_passwd(ctx: CliContext) -> int:
    from core.security.users import normal_login, set_password

    login = normal_login(ctx.args.login)
    own = login == ctx.user
    password = new_secret(NEW_PASSWORD_ENV, "Neues Passwort" if own
                          else f"Einmal-Passwort für {login}")
    with ctx.session() as session:
        set_password(session, ctx.actor(session), login, password)
    return _emit_account(ctx, login, "Passwort geändert" if own
                         else "Einmal-Passwort gesetzt")


def _lock(ctx: CliContext, locked: bool) -> int:
    from core.security.users import lock_user

    with ctx.session() as session:
        account = lock_user(session, ctx.actor(session), ctx.args.login, locked)
        login = account.login
    return _emit_account(ctx, login, "Gesperrt" if locked else "Entsperrt")


def run_lock(ctx: CliContext) -> int:
    return _lock(ctx, True)


def run_unlock(ctx: CliContext) -> int:
    return _lock(ctx, False)


def run_roles(ctx: CliContext) -> int:
    from core.security.users import set_roles

    with ctx.session() as session:
        account = set_roles(session, ctx.actor(session), ctx.args.login,
                            _roles(ctx.args.roles))
        login = account.login
    return _emit_account(ctx, login, "Rollen gesetzt")


def run_pin(ctx: CliContext) -> int:
    from core.security.users import set_pin

    pin = new_secret(NEW_PIN_ENV, "Neue PIN")
    with ctx.session() as session:
        set_pin(session, ctx.actor(session), pin)
    return _emit_account(ctx, ctx.user, "PIN gesetzt")
