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
import sys
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
    "keys", "verify", "certificate",
)


class CliContext:
    """What a command handler gets: parsed args, output helpers and a lazy database."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._db: Any = None

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    @property
    def user(self) -> str:
        """Login recorded as ``created_by``: the --user option or ``cli:<os-user>``."""
        from core.db.engine import cli_user

        return self.args.user or cli_user()

    def database(self) -> Any:
        """Open (and migrate) the database on first use; commands without DB never pay."""
        if self._db is None:
            from core.db.engine import Database
            from core.paths import default_db_url

            self._db = Database.open(self.args.db or default_db_url())
        return self._db

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.database().session() as session:
            yield session

    def emit(self, payload: Any, text: str | Callable[[], str]) -> None:
        """Print ``payload`` as JSON with --json, else the human-readable ``text``."""
        if self.json:
            sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
        else:
            sys.stdout.write((text() if callable(text) else text) + "\n")

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


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
    parser.add_argument("--user", help="Benutzername für den Audit-Eintrag")
    sub = parser.add_subparsers(dest="command", parser_class=_GermanParser)
    gui = sub.add_parser("gui", help="grafische Oberfläche starten")
    gui.set_defaults(handler=gui_handler)
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"core.commands.{name}")
        module.register(sub)
    return parser


def main(
    argv: Sequence[str] | None = None,
    gui_handler: Callable[[CliContext], int] | None = None,
) -> int:
    """Run one command; returns the process exit code."""
    parser = build_parser(gui_handler)
    args = parser.parse_args(list(argv) if argv is not None else None)
    handler = getattr(args, "handler", None)
    if args.command is None:
        handler = gui_handler
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    ctx = CliContext(args)
    try:
        return int(handler(ctx) or 0)
    except UserError as exc:
        sys.stderr.write(f"Fehler: {exc.message}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("Abgebrochen.\n")
        return 1
    finally:
        ctx.close()
