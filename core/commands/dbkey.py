"""``dbkey status|recovery-key|recover|batch|remove-slot``: the database key's slots.

The database key itself is never printed. ``recovery-key`` prints a new recovery key
once (write it down, keep it away from the laptop); ``recover`` uses it when no other
slot opens the database any more (new Windows profile, forgotten passwords, lost key
store of a restored backup) and gives the database new automatic slots. Secrets never
need to be on the command line: ``--recovery-key`` may be left out (then
``IMPFTEAM_RECOVERY_KEY`` or a prompt at a terminal), the passphrase comes from
``IMPFTEAM_PASSPHRASE``.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from core.cli import CliContext, json_parent
from core.errors import UserError
from core.security import keystore

RECOVERY_ENV = "IMPFTEAM_RECOVERY_KEY"


def register(sub: argparse._SubParsersAction) -> None:
    dbkey = sub.add_parser("dbkey", help="Schlüssel der verschlüsselten Datenbank (Zugänge, "
                           "Wiederherstellungsschlüssel)")
    commands = dbkey.add_subparsers(dest="dbkey_command", required=True)
    status = commands.add_parser("status", parents=[json_parent()],
                                 help="Verschlüsselung und Zugänge anzeigen (ohne Schlüssel)")
    status.set_defaults(handler=run_status)
    recovery = commands.add_parser(
        "recovery-key", parents=[json_parent()],
        help="neuen Wiederherstellungsschlüssel erzeugen und EINMAL anzeigen (ersetzt den alten)")
    recovery.set_defaults(handler=run_recovery_key)
    recover = commands.add_parser(
        "recover", parents=[json_parent()],
        help="Datenbank mit dem Wiederherstellungsschlüssel entsperren und neue Zugänge anlegen")
    recover.add_argument("--recovery-key", metavar="SCHLÜSSEL",
                         help=f"Wiederherstellungsschlüssel (sonst {RECOVERY_ENV} oder Abfrage)")
    recover.set_defaults(handler=run_recover)
    batch = commands.add_parser(
        "batch", parents=[json_parent()],
        help=f"Stapel-Zugang mit {keystore.PASSPHRASE_ENV} anlegen oder ersetzen")
    batch.add_argument("--remove", action="store_true", help="Stapel-Zugang entfernen")
    batch.set_defaults(handler=run_batch)
    remove = commands.add_parser("remove-slot", parents=[json_parent()],
                                 help="Zugang entfernen (der letzte bleibt immer)")
    remove.add_argument("type", choices=(keystore.SLOT_DEVICE, keystore.SLOT_KEYRING,
                                         keystore.SLOT_BATCH, keystore.SLOT_RECOVERY))
    remove.set_defaults(handler=run_remove_slot)


def _encrypted(ctx: CliContext) -> Any:
    db = ctx.database()
    if db.database_key is None:
        raise UserError("Schlüssel: Diese Datenbank ist nicht verschlüsselt (PostgreSQL oder "
                        "?plain=1).")
    return db


def run_status(ctx: CliContext) -> int:
    db = ctx.database()
    path = db.sqlite_path
    slots = keystore.describe_slots(path, db.database_id) if db.database_key else []
    payload = {"encrypted": db.encrypted, "database_id": db.database_id,
               "key_store": str(keystore.store_path(path)) if path and db.encrypted else None,
               "keyring_available": keystore.keyring_available(), "slots": slots}

    def text() -> str:
        if not db.encrypted:
            return "Datenbank ist nicht verschlüsselt."
        lines = [f"Datenbank verschlüsselt (Kennung {db.database_id}), Zugänge:"]
        lines += [f"  {s['type']}{' ' + s['login'] if s['login'] else ''} ({s['created_at']})"
                  for s in slots]
        return "\n".join(lines)

    ctx.emit(payload, text)
    return 0


def run_recovery_key(ctx: CliContext) -> int:
    db = _encrypted(ctx)
    recovery = keystore.new_recovery_key(db)
    ctx.emit({"database_id": db.database_id, "recovery_key": recovery},
             lambda: f"Wiederherstellungsschlüssel (nur jetzt sichtbar, bitte ausdrucken und "
             f"getrennt vom Laptop aufbewahren):\n{recovery}")
    return 0


def _recovery_key(ctx: CliContext) -> str:
    if ctx.args.recovery_key:
        return str(ctx.args.recovery_key)
    value = os.environ.get(RECOVERY_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise UserError(f"Wiederherstellen: kein Wiederherstellungsschlüssel. Bitte "
                        f"--recovery-key angeben oder {RECOVERY_ENV} setzen.")
    import getpass

    return getpass.getpass("Wiederherstellungsschlüssel: ")


def run_recover(ctx: CliContext) -> int:
    from core.commands.backup import database_file
    from core.db.engine import file_kind

    path = database_file(ctx)
    if file_kind(path) != "encrypted":
        raise UserError(f"Wiederherstellen: {path} ist keine verschlüsselte Datenbank.")
    added = keystore.recover(path, _recovery_key(ctx),
                             os.environ.get(keystore.PASSPHRASE_ENV) or None)
    ctx.emit({"database": str(path), "slots_added": added},
             lambda: f"Datenbank entsperrt; neue Zugänge: {', '.join(added)}. Bitte jetzt die "
             "Passwörter neu setzen (users passwd) und einen neuen Wiederherstellungsschlüssel "
             "erzeugen (dbkey recovery-key).")
    return 0


# The recovery key is the authentication of ``recover``: no sign-in before it (the
# database cannot be opened yet). core.security.cli_auth leaves handlers that carry an
# access path alone.
run_recover.access_path = "dbkey recover"  # type: ignore[attr-defined]


def run_batch(ctx: CliContext) -> int:
    db = _encrypted(ctx)
    if ctx.args.remove:
        keystore.remove_slot(db, keystore.SLOT_BATCH)
        ctx.emit({"batch": False}, "Stapel-Zugang entfernt.")
        return 0
    phrase = os.environ.get(keystore.PASSPHRASE_ENV)
    if not phrase:
        raise UserError(f"Stapel-Zugang: Bitte die Passphrase in {keystore.PASSPHRASE_ENV} "
                        "setzen (nicht auf der Kommandozeile).", field="passphrase")
    keystore.set_batch_slot(db, phrase)
    ctx.emit({"batch": True}, f"Stapel-Zugang angelegt ({keystore.PASSPHRASE_ENV}).")
    return 0


def run_remove_slot(ctx: CliContext) -> int:
    db = _encrypted(ctx)
    keystore.remove_slot(db, ctx.args.type)
    ctx.emit({"removed": ctx.args.type}, f"Zugang {ctx.args.type} entfernt.")
    return 0
