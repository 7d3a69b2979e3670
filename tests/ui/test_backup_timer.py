"""Interval backups in the GUI: due per core's rule, written on the write pool."""

from __future__ import annotations

from datetime import datetime, timedelta

from pytestqt.qtbot import QtBot

from core.db.backup import automatic_backups, backup_dir, last_backup_at
from core.db.engine import Database
from core.settings import set_setting
from ui.backup_timer import BackupTimer


def test_an_interval_backup_is_written_when_due_and_not_again_at_once(
        qtbot: QtBot, db: Database) -> None:
    timer = BackupTimer(db)
    assert timer.due(datetime.now())  # no backup yet, setting 15 minutes
    timer.tick()
    qtbot.waitUntil(lambda: not timer.running, timeout=10000)
    assert last_backup_at(db) is not None
    assert len(automatic_backups(backup_dir(db), db.sqlite_path.stem)) == 1  # type: ignore[union-attr]
    assert not timer.due(datetime.now())
    assert timer.due(datetime.now() + timedelta(minutes=16))
    with db.session() as s:
        set_setting(s, "backup_minutes", "0")
    assert not timer.due(datetime.now() + timedelta(days=1))  # switched off
