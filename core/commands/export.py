"""``export daily|dim|sync``: the files a team lead sends to the Impfzentrum."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from core.cli import CliContext, json_parent
from core.dates import parse_date
from core.errors import UserError
from core.exchange.common import Progress
from core.services.context import Actor


def register(sub: Any) -> None:
    export = sub.add_parser("export", help="Tagesbericht, DIM-Datei, Synchronisationspaket")
    commands = export.add_subparsers(dest="export_command", required=True)
    daily = commands.add_parser("daily", parents=[json_parent()],
                                help="Tagesbericht (xlsx) für einen Einsatz oder Tag")
    which = daily.add_mutually_exclusive_group(required=True)
    which.add_argument("--visit", help="Einsatz (UUID oder externe ID)")
    which.add_argument("--date", help="alle Impfungen dieses Tages")
    daily.add_argument("--out", required=True, help="Zieldatei .xlsx")
    daily.set_defaults(handler=run_daily)
    dim = commands.add_parser("dim", parents=[json_parent()],
                              help="DIM-Export (CSV) nach § 7 CoronaImpfV")
    dim.add_argument("--from", dest="date_from", required=True, help="ab Datum")
    dim.add_argument("--to", dest="date_to", required=True, help="bis Datum (einschließlich)")
    dim.add_argument("--out", required=True, help="Zieldatei .csv")
    dim.set_defaults(handler=run_dim)
    sync = commands.add_parser("sync", parents=[json_parent()],
                               help="Synchronisationspaket (zip) für das Impfzentrum")
    sync.add_argument("--out", required=True, help="Zieldatei .zip")
    sync.add_argument("--full", action="store_true",
                      help="alles exportieren statt nur der Änderungen seit dem letzten Export")
    sync.set_defaults(handler=run_sync)


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
    from core.exchange.daily_report import export_daily

    args = ctx.args
    day = parse_date(args.date, "--date") if args.date else None
    with ctx.session() as session:
        result = export_daily(session, Path(args.out), visit_id=args.visit, day=day,
                              progress=terminal_progress(ctx))
    ctx.emit(result.to_json(), lambda: (
        f"Tagesbericht geschrieben: {result.path} ({result.doses} Impfungen, "
        f"{result.visits} Einsätze)."))
    return 0


def run_dim(ctx: CliContext) -> int:
    from core.exchange.dim_export import export_dim

    args = ctx.args
    start, end = parse_date(args.date_from, "--from"), parse_date(args.date_to, "--to")
    if end < start:
        raise UserError("--to liegt vor --from. Bitte den Zeitraum prüfen.")
    with ctx.session() as session:
        result = export_dim(session, Path(args.out), start, end,
                            progress=terminal_progress(ctx))
    ctx.emit(result.to_json(), lambda: (
        f"DIM-Datei geschrieben: {result.path} ({result.rows} Impfungen "
        f"{start:%d.%m.%Y}–{end:%d.%m.%Y})."))
    return 0


def run_sync(ctx: CliContext) -> int:
    from core.exchange.sync_export import export_sync

    args = ctx.args
    with ctx.session() as session:
        actor = Actor.for_session(session, ctx.user)
        result = export_sync(session, actor, Path(args.out), full=args.full,
                             progress=terminal_progress(ctx))
    kind = "Vollpaket" if result.full else "Änderungspaket"
    ctx.emit(result.to_json(), lambda: (
        f"{kind} geschrieben: {result.path} ({result.rows} Datensätze, Versionen "
        f"{result.from_version + 1}–{result.to_version})."))
    return 0
