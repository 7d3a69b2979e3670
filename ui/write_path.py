"""The one write path of the GUI: every database write is a job submitted here.

``WritePath.submit(job, on_done, on_refused)`` runs ``job(session)`` on the single-thread
write pool of ``ui.tasks`` in its own ``db.session()`` (committed when the job returns,
rolled back when it raises). The job is a ``core.usecases`` call returning ``Written``;
back on the GUI thread the write path first emits the application-wide
``data_changed(written.changes)`` (every page decides from the ``Changes`` whether it
reloads) and then calls ``on_done(written.value)``.

One error handler for every write:

* ``UserError`` (a rule refused it): ``on_refused(exc)``; the caller shows the German
  message at its field or status line and keeps what was typed.
* SQLite "database is locked" (another writer, e.g. an import run by another program,
  held the file past ``busy_timeout``): a German question "Die Datenbank ist gerade
  belegt … Erneut versuchen?". "Erneut versuchen" resubmits the same job; "Abbrechen"
  reports a ``UserError`` to ``on_refused``, so the dialog stays open with its contents
  and the dose is never silently lost.
* Anything else is a programming or system error: it is logged (the job's label with
  ids only, the exception type and the code frames; never the exception text, which
  may hold names) and shown as a German error pointing to the log file; ``on_refused``
  gets the same text so the caller's form stays usable.

Long jobs (imports, sync exports) run on the same write pool through ``submit_long``.
A save submitted while one runs waits in the pool's queue behind it: the write path
tells the caller at once ("Wird gespeichert, sobald der Import fertig ist …", via
``on_queued`` or the ``queued`` signal shown in the status bar) and the save happens when
the import is done; nothing is dropped and nothing writes in parallel. After a long job
that wrote, ``data_changed(Changes.everything())`` makes every page reload (e.g. new
visits from master data appear without F5).

Before the application exits, ``MainWindow.closeEvent`` asks when a long job still runs
and then waits for every queued write (``drain``).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from core.db.engine import Database
from core.errors import UserError
from core.services.context import Actor
from core.usecases.changes import Changes, Written
from ui.tasks import run_progress_task, run_task, write_pool

log = logging.getLogger("impfteam.ui.write")

Job = Callable[[Session], Written[Any]]
LongJob = Callable[[Callable[[int, str], None]], Any]


def is_locked(exc: BaseException) -> bool:
    """True for SQLite's "database is locked"/"busy" after the busy timeout ran out."""
    if not isinstance(exc, OperationalError):
        return False
    text = str(exc.orig if exc.orig is not None else exc).lower()
    return "database is locked" in text or "database is busy" in text


def _alive(obj: QObject | None) -> bool:
    return obj is None or shiboken6.isValid(obj)


class WritePath(QObject):
    #: Emitted on the GUI thread after every successful write, with its ``Changes``.
    data_changed = Signal(object)
    #: A German note for the status bar (a save queued behind an import).
    queued = Signal(str)
    #: Emitted when no write is pending any more (tests wait on it).
    idle = Signal()

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.pending = 0
        self._long: list[str] = []  # German names of running long jobs ("der Import")
        self._tracked: dict[int, Any] = {}

    def actor_for(self, login: str) -> Actor:
        """The ``Actor`` (login + this device) a write is stamped with."""
        with self.db.session() as session:
            return Actor.for_session(session, login)

    # -- page subscriptions -------------------------------------------------------------
    def track(self, widget: QObject, slot: Callable[[Changes], None]) -> None:
        """Connect ``slot`` to ``data_changed`` until ``widget`` is destroyed."""
        key = id(widget)
        self._untrack(key)
        self._tracked[key] = self.data_changed.connect(slot)
        widget.destroyed.connect(lambda _obj=None, k=key: self._untrack(k))

    def _untrack(self, key: int) -> None:
        connection = self._tracked.pop(key, None)
        if connection is not None:
            QObject.disconnect(connection)

    def tracked_count(self) -> int:
        return len(self._tracked)

    def broadcast(self, changes: Changes) -> None:
        """Tell every page that ``changes`` happened (F5 sends ``everything``)."""
        self.data_changed.emit(changes)

    # -- state ----------------------------------------------------------------------------
    @property
    def long_running(self) -> bool:
        return bool(self._long)

    def queued_text(self) -> str:
        what = self._long[0] if self._long else self.tr("der Import")
        return self.tr("Wird gespeichert, sobald %1 fertig ist …").replace("%1", what)

    def _begin(self) -> None:
        self.pending += 1

    def _end(self) -> None:
        self.pending -= 1
        if self.pending == 0:
            self.idle.emit()

    def drain(self) -> None:
        """Wait for every queued write and deliver its result (before the app exits)."""
        for _round in range(1000):  # a retried write may queue again; never spin forever
            if not self.pending:
                return
            write_pool().waitForDone()
            QCoreApplication.sendPostedEvents()
            QCoreApplication.processEvents()

    # -- short writes ---------------------------------------------------------------------
    def submit(self, job: Job, on_done: Callable[[Any], None] | None = None,
               on_refused: Callable[[UserError], None] | None = None, *,
               owner: QWidget | None = None, label: str = "",
               on_queued: Callable[[str], None] | None = None) -> None:
        """Run ``job`` in its own session on the write pool (see the module docstring).

        ``owner`` parents the message boxes; callbacks are skipped once it is destroyed.
        ``label`` names the job in the log (ids only, never names).
        """
        name = label or getattr(job, "__qualname__", "write")
        if self._long:
            text = self.queued_text()
            if on_queued is not None:
                on_queued(text)
            self.queued.emit(text)

        def work() -> Written[Any]:
            with self.db.session() as session:
                return job(session)

        def done(written: Written[Any]) -> None:
            self._end()
            self.data_changed.emit(written.changes)
            if on_done is not None and _alive(owner):
                on_done(written.value)

        def failed(exc: Exception) -> None:
            self._end()
            if not _alive(owner):
                return
            if isinstance(exc, UserError):
                self._refuse(on_refused, exc)
            elif is_locked(exc):
                if self.ask_retry(owner):
                    self.submit(job, on_done, on_refused, owner=owner, label=label,
                                on_queued=on_queued)
                else:
                    self._refuse(on_refused, UserError(self.tr(
                        "Nicht gespeichert: die Datenbank ist belegt. Bitte erneut "
                        "speichern."), field="database"))
            else:
                self._unexpected(name, exc, owner, on_refused)

        self._begin()
        run_task(work, done, failed, writes=True)

    def _refuse(self, on_refused: Callable[[UserError], None] | None, exc: UserError) -> None:
        if on_refused is not None:
            on_refused(exc)
        else:
            self.queued.emit(exc.message)

    def ask_retry(self, owner: QWidget | None) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Datenbank belegt"), self.tr(
            "Die Datenbank ist gerade belegt (z. B. durch einen Import). Erneut versuchen?"),
            QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel, owner)
        box.setObjectName("databaseBusy")
        box.button(QMessageBox.StandardButton.Retry).setText(self.tr("Erneut versuchen"))
        box.button(QMessageBox.StandardButton.Cancel).setText(self.tr("Abbrechen"))
        box.setDefaultButton(QMessageBox.StandardButton.Retry)
        answer = box.exec()
        return getattr(answer, "value", answer) == QMessageBox.StandardButton.Retry.value

    def _unexpected(self, name: str, exc: Exception, owner: QWidget | None,
                    on_refused: Callable[[UserError], None] | None) -> None:
        frames = "\n".join(f"  {f.filename}:{f.lineno} in {f.name}"  # no source lines
                            for f in traceback.extract_tb(exc.__traceback__))
        log.error("write %s failed: %s\n%s", name, type(exc).__name__, frames)
        from ui.app import log_path

        text = self.tr("Speichern fehlgeschlagen (%1). Nichts wurde gespeichert. Details "
                       "stehen im Protokoll: %2").replace("%1", type(exc).__name__) \
            .replace("%2", str(log_path()))
        self.show_error(owner, text)
        if on_refused is not None:
            on_refused(UserError(text, field="unexpected"))

    def show_error(self, owner: QWidget | None, text: str) -> None:
        QMessageBox.critical(owner, self.tr("Fehler beim Speichern"), text)

    # -- long jobs ------------------------------------------------------------------------
    def submit_long(self, job: LongJob, on_progress: Callable[[int, str], None],
                    on_done: Callable[[Any], None], on_error: Callable[[Exception], None],
                    *, what: str, changes: Callable[[Any], Changes] | None = None) -> None:
        """An import or sync export on the write pool; ``what`` names it ("der Import").

        ``changes(result)`` says what it wrote (default: everything); the pages reload.
        """
        self._long.append(what)

        def finish() -> None:
            self._long.remove(what)
            self._end()

        def done(result: Any) -> None:
            finish()
            self.data_changed.emit(changes(result) if changes else Changes.everything())
            on_done(result)

        def failed(exc: Exception) -> None:
            finish()
            on_error(exc)

        self._begin()
        run_progress_task(job, on_progress, done, failed, writes=True)
