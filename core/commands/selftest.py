"""``selftest``: can this installation work? Used after installing the PyInstaller bundle."""

from __future__ import annotations

import ctypes.util
import importlib.util
import tempfile
from pathlib import Path
from typing import Any

from core.cli import CliContext, json_parent


def _check_qt() -> tuple[bool, str]:
    if importlib.util.find_spec("PySide6") is None:
        return False, "PySide6 nicht installiert"
    # Probed by name only: core never imports Qt (the GUI may be absent on a hub server).
    qt_core = importlib.import_module("PySide6.QtCore")
    info = qt_core.QLibraryInfo
    plugins = Path(info.path(info.LibraryPath.PluginsPath)) / "platforms"
    found = sorted(p.name for p in plugins.glob("*")) if plugins.exists() else []
    return bool(found), f"Qt-Plattform-Plugins: {len(found)} gefunden"


def _check_zbar() -> tuple[bool, str]:
    name = ctypes.util.find_library("zbar")
    return (name is not None, f"libzbar: {name}" if name else "libzbar nicht gefunden")


def _check_db(ctx: CliContext) -> tuple[bool, str]:
    from core.db.engine import Database

    if ctx.args.db:
        db = ctx.database()
        return True, f"Datenbank geöffnet ({db.engine.dialect.name})"
    with tempfile.TemporaryDirectory() as tmp:
        Database.open(str(Path(tmp) / "selftest.sqlite")).dispose()
    return True, "Test-Datenbank angelegt und migriert"


def register(sub: Any) -> None:
    parser = sub.add_parser("selftest", parents=[json_parent()],
                            help="Installation prüfen (Qt, zbar, Ressourcen, Datenbank)")
    parser.set_defaults(handler=run)


def run(ctx: CliContext) -> int:
    from core.startup import validate_resources  # here: other commands start faster

    problems = validate_resources()
    checks = {
        "resources": (not problems, "; ".join(problems)
                      or "Produkte, Kreise, PLZ, Wertelisten, Regeln, Aufklärungsbögen"),
        "qt": _check_qt(),
        "zbar": _check_zbar(),
        "database": _check_db(ctx),
    }
    ok = all(passed for passed, _ in checks.values())
    payload = {"ok": ok, "checks": {k: {"ok": v[0], "detail": v[1]} for k, v in checks.items()}}
    ctx.emit(payload, lambda: "\n".join(
        f"{'OK    ' if v[0] else 'FEHLER'} {k}: {v[1]}" for k, v in checks.items()))
    return 0 if ok else 1
