"""``export daily|dim|sync``: the files a team lead sends to the Impfzentrum.

Every export takes ``--password-env NAME``: the name of an environment variable holding
the export password (default variable ``IMPFTEAM_EXPORT_PASSWORD``). A password on the
command line itself would end up in the shell history and in ``ps``; a prompt only
happens at a terminal, never in scripts (stdin not a terminal). ``export protection``
shows or sets whether a password is mandatory (core/exchange/protect.py).
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from core.cli import CliContext, json_parent
from core.dates import parse_date
from core.errors import UserError
from core.exchange.common import Progress
from core.exchange.protect import (
    PASSWORD_ENV,
    password_from_env,
    protected_export_daily,
    protected_export_dim,
    protected_export_sync,
    protection_required,
)
from core.settings import EXPORT_PROTECTION_CHOICES, get_setting, set_setting


def register(sub: Any) -> None:
    export = sub.add_parser("export", help="Tagesbericht, DIM-Datei, Synchronisationspaket")
    commands = export.add_subparsers(dest="export_command", required=True)
    daily = commands.add_parser("daily", parents=[json_parent()],
                                help="Tagesbericht (xlsx) für einen Einsatz oder Tag")
    which = daily.add_mutually_exclusive_group(required=True)
    which.add_argument("--visit", help="Einsatz (UUID oder externe ID)")
    which.add_argument("--date", help="alle Impfungen dieses Tages")
    daily.add_argument("--out", required=True, help="Zieldatei .xlsx")
    add_password_option(daily)
    daily.set_defaults(handler=run_daily)
    dim = commands.add_parser("dim", parents=[json_parent()],
                              help="DIM-Export (CSV) nach § 7 CoronaImpfV")
    dim.add_argument("--from", dest="date_from", required=True, help="ab Datum")
    dim.add_argument("--to", dest="date_to", required=True, help="bis Datum (einschließlich)")
    dim.add_argument("--out", required=True,
                     help="Zieldatei .csv (mit Passwort: .csv.zip, AES-256)")
    add_password_option(dim)
    dim.set_defaults(handler=run_dim)
    sync = commands.add_parser("sync", parents=[json_parent()],
                               help="Synchronisationspaket (zip) für das Impfzentrum")
    sync.add_argument("--out", required=True, help="Zieldatei .zip")
    sync.add_argument("--full", action="store_true",
                      help="alles exportieren statt nur der Änderungen seit dem letzten Export")
    add_password_option(sync)
    sync.set_defaults(handler=run_sync)
    protection = commands.add_parser("protection", parents=[json_parent()],
                                     help="Exportschutz anzeigen oder setzen (Passwortpflicht)")
    protection.add_argument("mode", nargs="?", choices=EXPORT_PROTECTION_CHOICES,
                            help="„passwort“: Exporte nur verschlüsselt; „aus“: ohne Pflicht")
    protection.set_defaults(handler=run_protection)


def add_password_option(parser: Any, effect: str = "verschlüsselt die Datei") -> None:
    """``--password-env NAME`` (shared with ``import sync``): a variable's name, never the
    password itself, so it stays out of the shell history and the process list."""
    parser.add_argument("--password-env", metavar="NAME",
                        help="Name der Umgebungsvariable mit dem Export-Passwort "
                             f"(sonst {PASSWORD_ENV}); {effect}")


def cli_password(ctx: CliContext, needed: bool, *, confirm: bool) -> str | None:
    """The password from ``--password-env``/``IMPFTEAM_EXPORT_PASSWORD``, else – only when
    ``needed`` and stdin is a terminal – asked for (twice when ``confirm``)."""
    password = password_from_env(getattr(ctx.args, "password_env", None))
    if password is not None or not needed or not sys.stdin.isatty():
        return password
    password = getpass.getpass("Export-Passwort: ")
    if confirm and getpass.getpass("Export-Passwort wiederholen: ") != password:
        raise UserError("Die beiden Passwörter stimmen nicht überein – nichts geschrieben.")
    return password or None


def _locked(password: str | None) -> str:
    return " (verschlüsselt, AES-256)" if password else ""


def _encrypted(password: str | None) -> dict[str, bool]:
    """JSON flag only for protected files, so the unprotected output keeps its shape."""
    return {"encrypted": True} if password else {}


def terminal_progress(ctx: CliContext) -> Progress | None:
    """Progress on stderr only for a person at a terminal (never in --json or batch runs)."""
    if ctx.json or not sys.stderr.isatty():
        return None

    def show(percent: int, message: str) -> None:
        sys.stderr.write(f"\r{percent:3d} % {message[:60]:<60}")
        if percent >= 100:
            sys.stderr.write("\n")

    return show


def run_daily(ctx: CliContext) -> int:
    args = ctx.args
    day = parse_date(args.date, "--date") if args.date else None
    with ctx.session() as session:
        password = cli_password(ctx, protection_required(session), confirm=True)
        result = protected_export_daily(session, Path(args.out), password, visit_id=args.visit,
                                        day=day, progress=terminal_progress(ctx))
    ctx.emit(result.to_json() | _encrypted(password), lambda: (
        f"Tagesbericht geschrieben{_locked(password)}: {result.path} ({result.doses} "
        f"Impfungen, {result.visits} Einsätze)."))
    return 0


def run_dim(ctx: CliContext) -> int:
    args = ctx.args
    start, end = parse_date(args.date_from, "--from"), parse_date(args.date_to, "--to")
    if end < start:
        raise UserError("--to liegt vor --from. Bitte den Zeitraum prüfen.")
    with ctx.session() as session:
        password = cli_password(ctx, protection_required(session), confirm=True)
        result = protected_export_dim(session, Path(args.out), start, end, password,
                                      progress=terminal_progress(ctx))
    ctx.emit(result.to_json() | _encrypted(password), lambda: (
        f"DIM-Datei geschrieben{_locked(password)}: {result.path} ({result.rows} Impfungen "
        f"{start:%d.%m.%Y}–{end:%d.%m.%Y})."))
    return 0


def run_sync(ctx: CliContext) -> int:
    args = ctx.args
    with ctx.session() as session:
        actor = ctx.actor(session)
        password = cli_password(ctx, protection_required(session), confirm=True)
        result = protected_export_sync(session, actor, Path(args.out), password,
                                       full=args.full, progress=terminal_progress(ctx))
    kind = "Vollpaket" if result.full else "Änderungspaket"
    ctx.emit(result.to_json() | _encrypted(password), lambda: (
        f"{kind} geschrieben{_locked(password)}: {result.path} ({result.rows} Datensätze, "
        f"Versionen {result.from_version + 1}–{result.to_version})."))
    return 0


def run_protection(ctx: CliContext) -> int:
    """Show or set ``export_protection``; the password itself is never stored."""
    with ctx.session() as session:
        if ctx.args.mode is not None:
            set_setting(session, "export_protection", ctx.args.mode)
        mode = get_setting(session, "export_protection")
    ctx.emit({"export_protection": mode}, (
        "Exportschutz: passwort – Tagesbericht, DIM-Datei und Synchronisationspaket werden "
        f"nur verschlüsselt geschrieben (Passwort über --password-env oder {PASSWORD_ENV})."
        if mode == "passwort" else
        "Exportschutz: aus – Exporte sind nur verschlüsselt, wenn ein Passwort angegeben ist."))
    return 0
