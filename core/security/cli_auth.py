"""Sign-in for the CLI: which command needs a login and which role (docs/security.md).

``guard_handlers`` wraps every subcommand's handler once, when the parser is built: a
command that needs a login signs in (``--user`` and the password) before it runs, and
one with a minimum role is refused before it touches anything. The use cases check the
permission table again (core decides; this table only refuses early and covers the
commands whose core functions take no actor: key store, trust list, file exports).

The password comes from ``IMPFTEAM_PASSWORD`` (batch jobs) or, only when stdin is a
terminal, from a ``getpass`` prompt; the CLI never prompts otherwise.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable
from typing import Any

from core.errors import UserError

PASSWORD_ENV = "IMPFTEAM_PASSWORD"
#: no sign-in at all: commands without database, or the ones that create the accounts
NO_LOGIN = "-"
#: a signed-in user with any role (reads; or core decides per record)
ANY = ""

#: command path -> NO_LOGIN, ANY, or the permission (core.security.permissions) needed.
#: The longest matching prefix wins; a command not listed needs a login (ANY).
COMMAND_ACCESS: dict[str, str] = {
    "setup": NO_LOGIN,
    "demo": NO_LOGIN,
    "status": NO_LOGIN,
    "verify": NO_LOGIN,
    "selftest": NO_LOGIN,
    "keys training": NO_LOGIN,
    "restore": NO_LOGIN,
    "persons search": ANY,
    "persons show": ANY,
    "persons add": "person.register",
    "staff list": ANY,
    "visits list": ANY,
    "visits show": ANY,
    "visits start": "visit.start",
    "visits member": "visit.team",
    "visits close": "visit.close",
    "checkin": "checkin",
    "dose suggest": ANY,
    "dose record": "dose.record",
    "dose backentry": "dose.backentry",
    "dose void": ANY,  # own dose: vaccinating roles; someone else's: leitung (core decides)
    "dose undo": "dose.void_own",
    "certificate": "certificate.issue",
    "export daily": "export",
    "export dim": "export",
    "export sync": "export",
    "export protection": ANY,  # showing it; setting it needs "settings" (below)
    "import sync": "import",
    "import masterdata": "import",  # --template: no login (below)
    "conflicts": ANY,
    "keys install": "keys",
    "keys show": ANY,
    "keys trust": "trust",
    "keys signing": "keys",
    "keys signer": "signers",
    "audit": "audit",
    "backup": "backup",
    "users list": "users",
    "users add": "users",
    "users lock": "users",
    "users unlock": "users",
    "users roles": "users",
    "users passwd": ANY,  # one's own password; someone else's: admin (core decides)
    "users pin": ANY,
}


def access_for(path: str, args: argparse.Namespace) -> str:
    """NO_LOGIN, ANY or the permission the command ``path`` needs with these ``args``."""
    if path == "import masterdata" and getattr(args, "template", None):
        return NO_LOGIN
    if path == "export protection" and getattr(args, "mode", None) is not None:
        return "settings"
    words = path.split()
    for length in range(len(words), 0, -1):
        key = " ".join(words[:length])
        if key in COMMAND_ACCESS:
            return COMMAND_ACCESS[key]
    return ANY


def _guarded(path: str, handler: Callable[[Any], int]) -> Callable[[Any], int]:
    @functools.wraps(handler)
    def run(ctx: Any) -> int:
        access = access_for(path, ctx.args)
        if access != NO_LOGIN:
            actor = ctx.sign_in(allow_must_change=path == "users passwd")
            if access != ANY:
                from core.security.permissions import require

                require(actor, access)
        return handler(ctx)

    run.access_path = path  # type: ignore[attr-defined]
    return run


def guard_handlers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> None:
    """Wrap the ``handler`` default of every (sub)command parser under ``parser``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                guard_handlers(child, (*path, name))
    handler = parser.get_default("handler")
    if path and handler is not None and path != ("gui",) \
            and not hasattr(handler, "access_path"):
        parser.set_defaults(handler=_guarded(" ".join(path), handler))


def read_password(prompt: str, env: str = PASSWORD_ENV) -> str:
    """``env`` when set, else a getpass prompt at a terminal; German error otherwise."""
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UserError(f"Anmeldung: kein Passwort. Bitte im Terminal aufrufen oder {env} "
                        "setzen (Stapelbetrieb).", field="password")
    import getpass

    return getpass.getpass(prompt)


def cli_sign_in(ctx: Any, allow_must_change: bool = False) -> Any:
    """The ``Actor`` of ``--user`` after checking the password (lockout included)."""
    from core.security.users import authenticate, has_accounts

    db = ctx.database()  # first: a wrong --db is named before a missing --user
    login = (ctx.args.user or "").strip()
    if not login:
        raise UserError("Anmeldung: bitte mit --user BENUTZERNAME aufrufen (Passwort im "
                        f"Terminal oder aus {PASSWORD_ENV}).", field="login")
    with db.session() as session:
        if not has_accounts(session):
            raise UserError("Diese Datenbank hat noch kein Benutzerkonto. Bitte zuerst "
                            "„setup --admin BENUTZERNAME“ ausführen.", field="login")
    password = read_password(f"Passwort für {login}: ")
    return authenticate(db, login, password, allow_must_change=allow_must_change)
