"""Interval backups while the GUI runs (issue 12 §5): core decides when, this only ticks.

Every minute the timer asks core whether a backup is due (``backup_due`` with the
``backup_minutes`` setting and the newest automatic backup) and, if so, runs
``automatic_backup`` on the write pool, so the copy never races a save. A failure is
logged (ids only) and retried at the next tick; it never interrupts the field day.
"""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import QObject, QTimer

from core.db.backup import automatic_backup, backup_due, last_backup_at
from core.db.engine import Database
from core.settings import get_setting
from ui.tasks import run_task

log = logging.getLogger(__name__)
TICK_MS = 60_000


class BackupTimer(QObject):
    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.running = False
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def due(self, now: datetime) -> bool:
        with self.db.session() as s:
            minutes = int(get_setting(s, "backup_minutes") or 0)
        return backup_due(last_backup_at(self.db), now, minutes)

    def tick(self) -> None:
        if self.running or not self.due(datetime.now()):
            return
        self.running = True
        run_task(lambda: automatic_backup(self.db, "intervall"), self._done, self._failed,
                 writes=True)

    def _done(self, _result: object) -> None:
        self.running = False

    def _failed(self, exc: Exception) -> None:
        self.running = False
        log.error("interval backup failed: %s", type(exc).__name__)
