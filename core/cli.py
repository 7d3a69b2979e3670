"""Command-line entry: parse -> service -> print.

The CLI contract (docs/architecture.md, design.md) is stable: exit 0 on success, 1 on a
user error with a one-line German message on stderr, 2 on a usage error. With ``--json``
only JSON goes to stdout. Each command lives in ``core/commands/<name>.py`` with a
``register(subparsers)`` function, so this module stays a small dispatcher.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import math
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from core.errors import UserError

log = logging.getLogger(__name__)

#: Modules under core/commands that register subcommands, in help order.
COMMAND_MODULES: tuple[str, ...] = (
    "demo",
    "persons",
    "staff",
    "visits",
    "checkin",
    "dose",
    "status",
    "selftest",
    "export",
    "importing",
    "conflicts",
    "audit",
    "keys", "verify", "certificate",
    "backup",
    "users",
    "dbkey",
)


class CliContext:
    """What a command handler gets: parsed args, output helpers and a lazy database."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._db: Any = None
        self._actor: Any = None

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    @property
    def user(self) -> str:
        """Login recorded as ``created_by``: the signed-in login (``--user``)."""
        if self._actor is not None:
            return str(self._actor.user)
        return str(self.args.user or "")

    def actor(self, session: Session | None = None) -> Any:
        """The signed-in ``Actor`` (roles from the account); set by ``sign_in``."""
        if self._actor is None:
            raise UserError("Anmeldung: bitte mit --user BENUTZERNAME aufrufen.")
        return self._actor

    def sign_in(self, allow_must_change: bool = False) -> Any:
        """``--user`` plus the password (``IMPFTEAM_PASSWORD``, else asked at a terminal)."""
        if self._actor is None:
            from core.security.cli_auth import cli_sign_in

            self._actor = cli_sign_in(self, allow_must_change)
        return self._actor

    def database(self) -> Any:
        """Open (and migrate) the database on first use; commands without DB never pay.

        An encrypted file is unlocked by ``IMPFTEAM_PASSPHRASE`` (batch slot), the OS
        keyring or device slot, or ``--user`` with ``IMPFTEAM_PASSWORD`` (password slot).
        """
        if self._db is None:
            import os

            from core.db.engine import Database
            from core.paths import default_db_url

            self._db = Database.open(check_db_argument(self.args.db) or default_db_url(),
                                     login=getattr(self.args, "user", None),
                                     password=os.environ.get("IMPFTEAM_PASSWORD"))
        return self._db

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.database().session() as session:
            yield session

    def emit(self, payload: Any, text: str | Callable[[], str]) -> None:
        """Print ``payload`` as JSON with --json, else the human-readable ``text``.

        The output is always valid JSON: NaN and infinities (which ``json.dumps`` would
        print as the non-JSON ``NaN``) become ``null``.
        """
        if self.json:
            sys.stdout.write(json.dumps(json_safe(payload), ensure_ascii=False, default=str,
                                        allow_nan=False) + "\n")
        else:
            sys.stdout.write((text() if callable(text) else text) + "\n")

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


#: Database URL schemes the app supports (``--db``); everything else is refused up front.
SUPPORTED_DB_SCHEMES = ("sqlite", "postgresql")


def check_db_argument(value: str | None) -> str | None:
    """``--db`` as given, when it is a path or a SQLite/PostgreSQL URL; German error else."""
    if not value or "://" not in value:
        return value
    scheme = value.split("://", 1)[0].split("+", 1)[0].strip().lower()
    if scheme not in SUPPORTED_DB_SCHEMES:
        raise UserError(f"--db: Datenbanktyp „{scheme[:30]}“ wird nicht unterstützt. Bitte "
                        "einen Dateipfad, sqlite:///PFAD oder postgresql://… angeben.")
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(value)
    except (ArgumentError, ValueError):
        raise UserError("--db: Die Datenbank-URL ist ungültig. Bitte einen Dateipfad, "
                        "sqlite:///PFAD oder postgresql://… angeben.") from None
    return value


def json_safe(value: Any) -> Any:
    """``value`` with non-finite floats replaced by None (JSON has no NaN/Infinity)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


#: German line for SQLite's "database is locked" (another writer holds it).
LOCKED_MESSAGE = ("Die Datenbank ist gerade belegt (z. B. durch einen Import). Bitte gleich "
                  "noch einmal versuchen.")
#: Handlers that only read: on "database is locked" they are run once more after a pause.
READ_ONLY_HANDLERS = frozenset({
    ("core.commands.visits", "run_list"), ("core.commands.visits", "run_show"),
    ("core.commands.persons", "run_search"), ("core.commands.persons", "run_show"),
    ("core.commands.staff", "run_list"), ("core.commands.dose", "run_suggest"),
})
RETRY_PAUSE = 1.0


def is_locked(exc: BaseException) -> bool:
    """True for SQLite's "database is locked"/"busy", also when wrapped in our errors."""
    from sqlalchemy.exc import OperationalError

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OperationalError):
            text = str(current.orig or current).lower()
            if "database is locked" in text or "database is busy" in text:
                return True
        current = current.__cause__ or current.__context__
    return False


def _read_only(handler: Any) -> bool:
    key = (getattr(handler, "__module__", ""), getattr(handler, "__name__", ""))
    return key in READ_ONLY_HANDLERS


class _GermanParser(argparse.ArgumentParser):
    """argparse with exit code 2 and a German hint on usage errors."""

    def error(self, message: str) -> Any:  # pragma: no cover - exercised via subprocess
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: Aufruffehler: {message}\n")
        raise SystemExit(2)


def json_parent() -> argparse.ArgumentParser:
    """Parent parser giving every subcommand its own ``--json`` flag (it follows the command)."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--json", action="store_true", help="Ausgabe als JSON")
    return parent


def build_parser(gui_handler: Callable[[CliContext], int] | None = None) -> argparse.ArgumentParser:
    parser = _GermanParser(prog="impfteam", description="Impfteam – mobile Impfteams")
    parser.add_argument("--db", help="Datenbank: Dateipfad oder SQLAlchemy-URL")
    parser.add_argument("--user", help="Benutzername der Anmeldung (Passwort im Terminal "
                        "oder aus IMPFTEAM_PASSWORD)")
    sub = parser.add_subparsers(dest="command", parser_class=_GermanParser)
    gui = sub.add_parser("gui", help="grafische Oberfläche starten")
    gui.set_defaults(handler=gui_handler)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"core.commands.{name}")
        module.register(sub)
    from core.security.cli_auth import guard_handlers

    guard_handlers(parser)
    return parser


def main(
    argv: Sequence[str] | None = None,
    gui_handler: Callable[[CliContext], int] | None = None,
) -> int:
    """Run one command; returns the process exit code."""
    parser = build_parser(gui_handler)
    arguments = list(argv) if argv is not None else sys.argv[1:]
    if any("\x00" in argument for argument in arguments):
        # an OS never passes one (C strings); a caller in-process could, and every path
        # function would then raise ValueError
        parser.error("ein Argument enthält ein Nullzeichen (\\x00).")
    args = parser.parse_args(arguments)
    handler = getattr(args, "handler", None)
    if args.command is None:
        handler = gui_handler
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    ctx = CliContext(args)
    attempts = 2 if _read_only(handler) else 1
    try:
        for attempt in range(1, attempts + 1):
            try:
                return int(handler(ctx) or 0)
            except Exception as exc:
                if not is_locked(exc):
                    raise
                log.warning("database locked (attempt %d of %d)", attempt, attempts)
                if attempt == attempts:
                    sys.stderr.write(f"Fehler: {LOCKED_MESSAGE}\n")
                    return 1
                ctx.close()
                ctx = CliContext(args)
                time.sleep(RETRY_PAUSE)
        return 1  # pragma: no cover - the loop always returns
    except UserError as exc:
        sys.stderr.write(f"Fehler: {exc.message}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("Abgebrochen.\n")
        return 1
    except Exception as exc:  # a programming error: one German line, traceback in the log
        from core.logging_setup import current_log_path, log_unexpected, setup_logging

        if current_log_path() is None:
            setup_logging()
        sys.stderr.write(log_unexpected(exc, f"command {args.command}") + "\n")
        return 1
    finally:
        try:
            ctx.close()
        except Exception as exc:  # disposing a broken connection must not mask the result
            log.warning("closing the database failed: %s", type(exc).__name__)
