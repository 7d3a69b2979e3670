"""Exchange with the Impfzentrum: daily report, DIM export, sync packages, imports.

Every job runs in a worker with a progress bar and a cancel button; imports are checked
completely before anything is applied, and their German report (sheet/row/column) is
shown in full. The conflict log of merges is listed at the bottom.

Jobs that write (package and master-data imports, sync exports with their export mark)
run through the GUI's write path (``WritePath.submit_long``) on the single-thread write
pool: a dose saved meanwhile waits behind the import and says so; when the import is
done every page reloads from ``data_changed``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.db.engine import Database
from core.errors import UserError
from core.exchange.common import Cancel
from core.exchange.conflict_log import list_conflicts
from core.exchange.masterdata import import_masterdata
from core.exchange.masterdata_template import write_template
from core.exchange.protect import (
    package_passwords,
    protected_export_daily,
    protected_export_dim,
    protected_export_sync,
)
from core.exchange.sync_import import ImportFailed, import_sync, import_sync_many
from core.paths import data_dir
from core.services.context import Actor
from core.usecases.changes import Changes
from ui.models.conflicts_model import ConflictModel
from ui.tasks import run_progress_task
from ui.widgets.date_edit import DateEdit
from ui.widgets.tables import list_view
from ui.write_path import WritePath

Job = Callable[[Callable[[int, str], None]], Any]


class ExchangePage(QWidget):
    def __init__(self, db: Database, actor: Actor, today: date,
                 parent: QWidget | None = None, write_path: WritePath | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor, self.today = db, actor, today
        #: The application's write path (a page of its own, e.g. at the hub, gets one).
        self.write_path = write_path or WritePath(db, self)
        self.cancel = Cancel()
        self.running = False
        self.title = QLabel(self.tr("Austausch mit dem Impfzentrum"), self)
        self.title.setObjectName("pageTitle")
        self.day = DateEdit(self)
        self.day.set_value(today)
        self.dim_from, self.dim_to = DateEdit(self), DateEdit(self)
        self.dim_from.set_value(today.replace(day=1))
        self.dim_to.set_value(today)
        self.full_sync = QCheckBox(self.tr("vollständig (statt nur Änderungen)"), self)
        self.password = QLineEdit(self)
        self.password.setObjectName("exportPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr(
            "Passwort (mind. 12 Zeichen) – Pflicht, wenn der Exportschutz eingeschaltet ist"))
        self.buttons: dict[str, QPushButton] = {}
        exports = QGroupBox(self.tr("Export"), self)
        grid = QGridLayout(exports)
        grid.addWidget(QLabel(self.tr("Tag:"), self), 0, 0)
        grid.addWidget(self.day, 0, 1)
        grid.addWidget(self._button("daily", self.tr("&Tagesbericht (Excel)…"),
                                    lambda: self.export_daily()), 0, 2)
        grid.addWidget(QLabel(self.tr("DIM von/bis:"), self), 1, 0)
        span = QHBoxLayout()
        span.addWidget(self.dim_from)
        span.addWidget(self.dim_to)
        grid.addLayout(span, 1, 1)
        grid.addWidget(self._button("dim", self.tr("&DIM-Export (CSV)…"),
                                    lambda: self.export_dim()), 1, 2)
        grid.addWidget(QLabel(self.tr("Passwort:"), self), 3, 0)
        grid.addWidget(self.password, 3, 1)
        grid.addWidget(self.full_sync, 2, 1)
        grid.addWidget(self._button("sync", self.tr("&Paket für das Impfzentrum…"),
                                    lambda: self.export_sync()), 2, 2)
        imports = QGroupBox(self.tr("Import"), self)
        row = QHBoxLayout(imports)
        for key, text, slot in (
                ("import_sync", self.tr("Pakete &einlesen…"), lambda: self.import_sync()),
                ("check_master", self.tr("Stammdaten &prüfen…"),
                 lambda: self.import_master(dry_run=True)),
                ("import_master", self.tr("Stammdaten ein&lesen…"),
                 lambda: self.import_master(dry_run=False)),
                ("template", self.tr("&Vorlage speichern…"), lambda: self.save_template())):
            row.addWidget(self._button(key, text, slot))
        self.progress = QProgressBar(self)
        self.progress.setObjectName("exchangeProgress")
        self.stop_button = QPushButton(self.tr("Abbrechen"), self)
        self.stop_button.setObjectName("cancelJob")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(lambda: self.cancel.set())
        self.status = QLabel(self)
        self.status.setObjectName("exchangeStatus")
        self.status.setWordWrap(True)
        self.report = QPlainTextEdit(self)
        self.report.setObjectName("exchangeReport")
        self.report.setReadOnly(True)
        self.report.setMaximumHeight(140)
        self.conflicts = ConflictModel(self)
        self.conflict_view = list_view(self.conflicts, self, "conflictView")
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(exports)
        layout.addWidget(imports)
        layout.addLayout(progress_row)
        layout.addWidget(self.status)
        layout.addWidget(self.report)
        layout.addWidget(QLabel(self.tr("Konfliktprotokoll der Zusammenführungen"), self))
        layout.addWidget(self.conflict_view, 1)
        self.refresh_conflicts()
        self.write_path.track(self, self.on_data_changed)

    def on_data_changed(self, changes: Changes) -> None:
        """A broad change (an import, F5): the conflict log may have grown."""
        if changes.any and not changes.person_ids and not changes.visit_ids:
            self.refresh_conflicts()

    def _button(self, key: str, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(key)
        button.clicked.connect(slot)
        self.buttons[key] = button
        return button

    # -- plumbing ----------------------------------------------------------------------
    @staticmethod
    def _folder() -> Path:
        """Where file dialogs of this page open (created on first use)."""
        folder = data_dir() / "austausch"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _path(self, path: str | None, title: str, name: str, pattern: str,
              save: bool) -> Path | None:
        if path:
            return Path(path)
        folder = self._folder()
        if save:
            chosen, _f = QFileDialog.getSaveFileName(self, title, str(folder / name), pattern)
        else:
            chosen, _f = QFileDialog.getOpenFileName(self, title, str(folder), pattern)
        return Path(chosen) if chosen else None

    def _start(self, job: Job, describe: Callable[[Any], str], *, writes: bool,
               what: str = "") -> None:
        if self.running:
            return
        self.running = True
        self.cancel = Cancel()  # the stop button's lambda reads the current flag
        for button in self.buttons.values():
            button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.progress.setValue(0)
        self.report.clear()
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Läuft …"))
        if writes:
            self.write_path.submit_long(job, self._progress,
                                        lambda result: self._done(describe(result)),
                                        self._failed, what=what or self.tr("der Import"))
        else:
            run_progress_task(job, self._progress, lambda result: self._done(describe(result)),
                              self._failed)

    def _progress(self, percent: int, text: str) -> None:
        self.progress.setValue(percent)
        self.status.setText(text)

    def _finish(self) -> None:
        self.running = False
        for button in self.buttons.values():
            button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.refresh_conflicts()

    def _done(self, message: str) -> None:
        self._finish()
        self.progress.setValue(100)
        self.status.setStyleSheet("color: #1b5e20;")
        self.status.setText(message)

    def _failed(self, exc: Exception) -> None:
        self._finish()
        self.status.setStyleSheet("color: #b00020;")
        self.status.setText(exc.message if isinstance(exc, UserError) else str(exc))
        if isinstance(exc, ImportFailed):
            self.report.setPlainText(exc.report.text())

    def secret(self) -> str | None:
        """The typed export password (never stored); None when the field is empty."""
        return self.password.text() or None

    def refresh_conflicts(self) -> None:
        with self.db.session() as s:
            self.conflicts.set_rows(list_conflicts(s, limit=500))

    # -- jobs --------------------------------------------------------------------------
    def export_daily(self, path: str | None = None) -> None:
        try:
            day = self.day.value("Tag")
        except UserError as exc:
            self._failed(exc)
            return
        out = self._path(path, self.tr("Tagesbericht speichern"),
                         f"Tagesbericht_{day:%Y-%m-%d}.xlsx", "Excel (*.xlsx)", save=True)
        if out is None:
            return

        secret = self.secret()

        def job(progress: Callable[[int, str], None]) -> Any:
            with self.db.session() as s:
                return protected_export_daily(s, out, secret, day=day, progress=progress,
                                              cancel=self.cancel)

        self._start(job, lambda r: self.tr("Tagesbericht gespeichert: %1 Impfungen → %2")
                    .replace("%1", str(r.doses)).replace("%2", str(r.path)), writes=False)

    def export_dim(self, path: str | None = None) -> None:
        try:
            start, end = self.dim_from.value("von"), self.dim_to.value("bis")
        except UserError as exc:
            self._failed(exc)
            return
        out = self._path(path, self.tr("DIM-Export speichern"),
                         f"DIM_{start:%Y-%m-%d}_{end:%Y-%m-%d}.csv", "CSV (*.csv)", save=True)
        if out is None:
            return

        secret = self.secret()

        def job(progress: Callable[[int, str], None]) -> Any:
            with self.db.session() as s:
                return protected_export_dim(s, out, start, end, secret, progress=progress,
                                            cancel=self.cancel)

        self._start(job, lambda r: self.tr("DIM-Export gespeichert: %1 Zeilen → %2")
                    .replace("%1", str(r.rows)).replace("%2", str(r.path)), writes=False)

    def export_sync(self, path: str | None = None) -> None:
        full = self.full_sync.isChecked()
        out = self._path(path, self.tr("Paket speichern"),
                         f"Impfteam_Paket_{self.today:%Y-%m-%d}.zip", "Paket (*.zip)", save=True)
        if out is None:
            return

        secret = self.secret()

        def job(progress: Callable[[int, str], None]) -> Any:
            with self.db.session() as s:
                return protected_export_sync(s, self.actor, out, secret, full=full,
                                             progress=progress, cancel=self.cancel)

        self._start(job, lambda r: self.tr("Paket gespeichert: %1 Datensätze → %2")
                    .replace("%1", str(r.rows)).replace("%2", str(r.path)), writes=True,
                    what=self.tr("der Export"))

    def import_sync(self, paths: str | list[str] | None = None) -> None:
        """One or more packages; several (e.g. all teams' packages of an evening) are
        merged as one batch: all or nothing, the next read while one merges."""
        if paths is None:
            chosen, _f = QFileDialog.getOpenFileNames(
                self, self.tr("Pakete einlesen (mehrere wählbar)"), str(self._folder()),
                self.tr("Paket (*.zip)"))
            paths = chosen
        sources = [Path(p) for p in ([paths] if isinstance(paths, str) else paths)]
        if not sources:
            return

        secret = self.secret()

        def job(progress: Callable[[int, str], None]) -> Any:
            with package_passwords(sources, secret), self.db.session() as s:
                if len(sources) == 1:
                    return import_sync(s, self.actor, sources[0], progress=progress,
                                       cancel=self.cancel)
                return import_sync_many(s, self.actor, sources, progress=progress,
                                        cancel=self.cancel)

        self._start(job, self._report_text, writes=True)

    def import_master(self, dry_run: bool, path: str | None = None) -> None:
        source = self._path(path, self.tr("Stammdaten einlesen"), "", "Excel (*.xlsx)",
                            save=False)
        if source is None:
            return

        def job(progress: Callable[[int, str], None]) -> Any:
            with self.db.session() as s:
                return import_masterdata(s, self.actor, source, dry_run=dry_run,
                                         progress=progress, cancel=self.cancel)

        self._start(job, self._report_text, writes=not dry_run)

    def _report_text(self, report: Any) -> str:
        self.report.setPlainText(report.text())
        return self.tr("Geprüft, keine Fehler.") if report.dry_run else self.tr(
            "Eingelesen.")

    def save_template(self, path: str | None = None) -> None:
        out = self._path(path, self.tr("Vorlage speichern"), "Stammdaten_Vorlage.xlsx",
                         "Excel (*.xlsx)", save=True)
        if out is None:
            return
        self._start(lambda _progress: write_template(out),
                    lambda p: self.tr("Vorlage gespeichert: %1").replace("%1", str(p)),
                    writes=False)
