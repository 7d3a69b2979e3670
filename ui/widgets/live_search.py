"""Person search as you type: debounced, run in a worker, late answers dropped.

Each keystroke restarts a short timer; the search runs off the GUI thread, and an answer
for an older keystroke that arrives after a newer one is ignored.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from core.db.engine import Database
from core.services.search import PersonHit, search_persons
from ui.tasks import run_task


class LiveSearch(QObject):
    found = Signal(object)  # list[PersonHit]
    failed = Signal(object)  # Exception

    def __init__(self, db: Database, delay_ms: int, limit: int,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db, self.limit = db, limit
        self._text = ""
        self._generation = 0
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(lambda: self.run(self._text))

    def schedule(self, text: str) -> None:
        self._text = text
        self.timer.start()

    def stop(self) -> None:
        """Forget the pending keystroke and any answer still on its way."""
        self.timer.stop()
        self._generation += 1

    def run(self, text: str) -> None:
        self.timer.stop()
        self._generation += 1
        generation = self._generation

        def find() -> list[PersonHit]:
            with self.db.session() as session:
                return search_persons(session, text, limit=self.limit)

        def done(hits: list[PersonHit]) -> None:
            if generation == self._generation:
                self.found.emit(hits)

        def error(exc: Exception) -> None:
            if generation == self._generation:
                self.failed.emit(exc)

        run_task(find, done, error)
