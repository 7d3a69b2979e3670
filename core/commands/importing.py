"""``import sync FILE.zip`` and ``import masterdata FILE.xlsx [--dry-run] | --template FILE``.

Module name ``importing`` because ``import`` is a Python keyword; the command is ``import``.
Both imports are all or nothing: on errors the report is printed (JSON with ``--json``),
one German line goes to stderr and the exit code is 1 – also for ``--dry-run``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from core.cli import CliContext, json_parent
from core.commands.export import add_password_option, cli_password, terminal_progress
from core.errors import UserError
from core.exchange.common import ImportReport


def register(sub: Any) -> None:
    imp = sub.add_parser("import", help="Synchronisationspaket oder Stammdaten einlesen")
    commands = imp.add_subparsers(dest="import_command", required=True)
    sync = commands.add_parser("sync", parents=[json_parent()],
                               help="Pakete der Teams zusammenführen (Impfzentrum)")
    sync.add_argument("file", nargs="+",
                      help="Paket .zip (mehrere: in dieser Reihenfolge, alles oder nichts)")
    add_password_option(sync, "entschlüsselt mit Passwort exportierte Pakete")
    sync.set_defaults(handler=run_sync)
    master = commands.add_parser("masterdata", parents=[json_parent()],
                                 help="Stammdaten des Impfzentrums (xlsx) einlesen")
    master.add_argument("file", nargs="?", help="Arbeitsmappe .xlsx")
    master.add_argument("--dry-run", action="store_true",
                        help="nur prüfen, nichts übernehmen")
    master.add_argument("--template", metavar="FILE",
                        help="leere Vorlage (xlsx) schreiben statt einzulesen")
    master.set_defaults(handler=run_masterdata)


def _finish(ctx: CliContext, report: ImportReport) -> int:
    ctx.emit(report.to_json(), report.text)
    if report.errors:
        sys.stderr.write(f"Fehler: {len(report.errors)} Fehler gefunden – nichts übernommen. "
                         f"{report.errors[0].text()}\n")
        return 1
    return 0


def _guarded(ctx: CliContext, job: Any) -> int:
    """Run ``job() -> ImportReport``; turn every failure into report + exit 1."""
    from core.exchange.sync_import import ImportFailed

    try:
        report = job()
    except ImportFailed as failed:
        return _finish(ctx, failed.report)
    except UserError as exc:
        if ctx.json:
            report = ImportReport()
            report.error(exc.message)
            ctx.emit(report.to_json(), "")
        raise
    return _finish(ctx, report)


def run_sync(ctx: CliContext) -> int:
    from core.exchange.protect import is_encrypted_zip, package_passwords
    from core.exchange.sync_import import import_sync_many

    paths = [Path(f) for f in ctx.args.file]

    def job() -> ImportReport:
        password = cli_password(ctx, any(is_encrypted_zip(p) for p in paths), confirm=False)
        with ctx.session() as session, package_passwords(paths, password):
            actor = ctx.actor(session)
            return import_sync_many(session, actor, paths, progress=terminal_progress(ctx))

    return _guarded(ctx, job)


def run_masterdata(ctx: CliContext) -> int:
    from core.exchange.masterdata import import_masterdata
    from core.exchange.masterdata_template import write_template

    args = ctx.args
    if args.template:
        if args.file or args.dry_run:
            raise UserError("--template schreibt nur die Vorlage; bitte ohne Datei/--dry-run.")
        path = write_template(Path(args.template))
        ctx.emit({"file": str(path)}, f"Vorlage geschrieben: {path}")
        return 0
    if not args.file:
        raise UserError("Bitte die Stammdaten-Datei (.xlsx) oder --template FILE angeben.")

    def job() -> ImportReport:
        with ctx.session() as session:
            actor = ctx.actor(session)
            return import_masterdata(session, actor, Path(args.file), dry_run=args.dry_run,
                                     progress=terminal_progress(ctx))

    return _guarded(ctx, job)
