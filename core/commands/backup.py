"""``backup --out FILE`` and ``restore FILE``: copies of the SQLite database.

Both use the SQLite online backup API (``core.db.backup``), so a backup includes doses
still in the WAL and the database can stay open in the GUI. ``restore`` verifies the file
(integrity, an Impfteam schema this version knows) before it changes anything and keeps a
copy of the current database next to it; it does not open (or migrate) the current
database first, so it also repairs one that no longer opens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from core.cli import CliContext, json_parent
from core.errors import UserError


def register(sub: Any) -> None:
    backup = sub.add_parser("backup", parents=[json_parent()],
                            help="Datenbank sichern (auch bei geöffneter Oberfläche)")
    backup.add_argument("--out", required=True, metavar="FILE",
                        help="neue Sicherungsdatei (wird nicht überschrieben)")
    backup.set_defaults(handler=run_backup)
    restore = sub.add_parser("restore", parents=[json_parent()],
                             help="Sicherung einspielen (prüft sie zuerst, behält eine Kopie "
                             "der aktuellen Datenbank)")
    restore.add_argument("file", metavar="FILE", help="Sicherungsdatei")
    restore.set_defaults(handler=run_restore)


def run_backup(ctx: CliContext) -> int:
    from core.db.backup import backup_to

    result = backup_to(ctx.database(), Path(ctx.args.out))
    ctx.emit(result.to_json(), lambda: f"Sicherung geschrieben: {result.path} "
             f"({result.bytes} Bytes, Integrität ok)")
    return 0


def database_file(ctx: CliContext) -> Path:
    """The SQLite file of ``--db`` (or the default database), without opening it."""
    from core.db.engine import to_url
    from core.paths import default_db_url

    url = make_url(to_url(ctx.args.db or default_db_url()))
    if url.get_backend_name() != "sqlite" or not url.database:
        raise UserError("Wiederherstellen: nur für die SQLite-Datenbank des Laptops; eine "
                        "PostgreSQL-Datenbank bitte mit pg_restore wiederherstellen.")
    return Path(url.database)


def run_restore(ctx: CliContext) -> int:
    from core.db.backup import restore_from

    result = restore_from(database_file(ctx), Path(ctx.args.file))
    previous = result.previous_copy
    ctx.emit(result.to_json(), lambda: f"Sicherung {result.restored_from} eingespielt "
             f"(Schema {result.revision}). "
             + (f"Die bisherige Datenbank liegt in {previous}." if previous
                else "Es gab keine bisherige Datenbank."))
    return 0
