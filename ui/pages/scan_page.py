"""Scan page: camera, image file or scanner line → verified certificate → übernehmen.

Decoding and verification always run in a worker (``run_task``); while one frame is
being decoded further camera frames are dropped, so the GUI thread never waits.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.certificates.holder import prefill
from core.certificates.trust import default_trust
from core.certificates.verify import VerifyResult
from core.errors import UserError
from core.scanning.scan import scan_frame, scan_image_file, scan_text
from core.services.context import Actor
from core.services.search import likely_same
from core.usecases.changes import Changes
from core.usecases.registration import Adopted, DuplicateError, adopt_certificate
from ui.camera import FrameSource
from ui.tasks import run_task
from ui.widgets.scan_line_edit import ScanLineEdit
from ui.write_path import WritePath

GOOD = {"vollstaendig", "auffrischung", "genesen", "getestet"}
COLORS = {"good": "#1b5e20", "warn": "#e65100", "bad": "#b00020"}


class ScanPage(QWidget):
    result_shown = Signal(object)
    adopted = Signal(str)

    def __init__(self, write_path: WritePath, actor: Actor, source: FrameSource,
                 parent: QWidget | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.write_path, self.db = write_path, write_path.db
        self.actor, self.source = actor, source
        self.today = today or date.today()
        self.result: VerifyResult | None = None
        self._force_new = False  # set after core asked to confirm a likely duplicate
        self._busy = False
        self.title = QLabel(self.tr("Zertifikat prüfen"), self)
        self.title.setObjectName("pageTitle")
        self.camera_label = QLabel(self)
        self.camera_label.setObjectName("cameraState")
        self.line = ScanLineEdit(self)
        self.line.setObjectName("scanLine")
        self.line.setPlaceholderText(self.tr("Mit dem Handscanner scannen oder HC1-Text "
                                             "einfügen, Enter prüft"))
        self.file_button = QPushButton(self.tr("Bild&datei öffnen…"), self)
        self.file_button.setObjectName("openImage")
        self.card = QFrame(self)
        self.card.setObjectName("resultCard")
        self.card.setFrameShape(QFrame.Shape.StyledPanel)
        self.status = QLabel(self.card)
        self.status.setObjectName("resultStatus")
        self.person = QLabel(self.card)
        self.details = QLabel(self.card)
        self.details.setObjectName("resultDetails")
        self.details.setWordWrap(True)
        card_layout = QVBoxLayout(self.card)
        for widget in (self.status, self.person, self.details):
            card_layout.addWidget(widget)
        self.matches = QListWidget(self)
        self.matches.setObjectName("adoptMatches")
        self.matches.setMaximumHeight(110)
        self.adopt_button = QPushButton(self.tr("&Übernehmen"), self)
        self.adopt_button.setObjectName("adopt")
        self.adopt_button.setEnabled(False)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.line, 1)
        row.addWidget(self.file_button)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.camera_label):
            layout.addWidget(widget)
        layout.addLayout(row)
        layout.addWidget(self.card)
        layout.addWidget(QLabel(self.tr("Übernehmen in (Dublettensuche):"), self))
        for part in (self.matches, self.adopt_button, self.message):
            layout.addWidget(part)
        layout.addStretch(1)
        self.line.submitted.connect(self.check_text)
        self.file_button.clicked.connect(self.open_image)
        self.adopt_button.clicked.connect(self.adopt)
        self.source.frame.connect(self.on_frame)
        self.matches.currentRowChanged.connect(lambda _r: self._reset_force())
        write_path.track(self, self.on_data_changed)
        self.card.hide()

    def on_data_changed(self, changes: Changes) -> None:
        if changes.persons and self.result is not None:
            self._find_matches()

    def showEvent(self, event: Any) -> None:
        # The camera (and QtMultimedia) is looked up only when the page is first shown.
        if self.source.available():
            self.camera_label.setText(self.tr("Kamera aktiv – Code vor die Kamera halten."))
        else:
            self.camera_label.setText(self.tr("Keine Kamera gefunden – Handscanner oder "
                                              "Bilddatei verwenden."))
        self.source.start()
        self.line.setFocus()
        super().showEvent(event)

    def hideEvent(self, event: Any) -> None:
        self.source.stop()
        super().hideEvent(event)

    # -- inputs ------------------------------------------------------------------------
    def on_frame(self, data: bytes, width: int, height: int) -> None:
        if self._busy:
            return  # drop frames while one is being decoded
        self._busy = True
        run_task(lambda: scan_frame(data, width, height, default_trust()),
                 self._frame_done, self._failed)

    def _frame_done(self, result: VerifyResult | None) -> None:
        self._busy = False
        if result is not None:
            self.show_result(result)

    def check_text(self, text: str) -> None:
        run_task(lambda: scan_text(text, default_trust()), self.show_result, self._failed)
        self.line.clear()

    def open_image(self, path: str | None = None) -> None:
        if not path:
            path, _filter = QFileDialog.getOpenFileName(
                self, self.tr("Bild mit QR-Code öffnen"), "",
                self.tr("Bilder (*.png *.jpg *.jpeg *.bmp)"))
        if path:
            run_task(lambda: scan_image_file(Path(path), default_trust()), self.show_result,
                     self._failed)

    def _failed(self, exc: Exception) -> None:
        self._busy = False
        self.message.setText(getattr(exc, "message", str(exc)))

    # -- result ------------------------------------------------------------------------
    def show_result(self, result: VerifyResult) -> None:
        self.result = result
        kind = "good" if result.status in GOOD else (
            "warn" if result.status == "unvollstaendig" else "bad")
        self.status.setText(result.status_text)
        self.status.setStyleSheet(f"font-size: 18pt; font-weight: 600; color: {COLORS[kind]};")
        person = result.person or {}
        self.person.setText(f"{person.get('family_name', '')}, {person.get('given_name', '')}"
                            f"  *{person.get('birth_date', '')}" if person else "")
        self.details.setText("\n".join([*result.reasons, *result.errors, *result.notes]))
        self.card.show()
        self._find_matches()
        self.result_shown.emit(result)

    def _find_matches(self) -> None:
        self.matches.clear()
        result = self.result
        if result is None or not result.decoded or not result.payload:
            self.adopt_button.setEnabled(False)
            return
        data = prefill(result.payload)
        with self.db.session() as s:
            hits = likely_same(s, f"{data.family_name}, {data.given_name}",
                               birth=data.birth_date) if data.family_name else []
        for hit in hits:
            item = QListWidgetItem(f"{hit.family_name}, {hit.given_name} "
                                   f"*{hit.birth_date:%d.%m.%Y} ({hit.score} %)")
            item.setData(256, hit.id)
            self.matches.addItem(item)
        new = QListWidgetItem(self.tr("Neue Person anlegen"))
        new.setData(256, None)
        self.matches.addItem(new)
        self.matches.setCurrentRow(0)
        self.adopt_button.setEnabled(bool(data.doses) or not hits)

    def _reset_force(self) -> None:
        self._force_new = False
        self.adopt_button.setText(self.tr("&Übernehmen"))

    def adopt(self) -> None:
        """``core.usecases.registration.adopt_certificate`` through the write path."""
        result = self.result
        item = self.matches.currentItem()
        if result is None or result.payload is None or item is None:
            return
        person_id = item.data(256)
        data, actor, today, force = prefill(result.payload), self.actor, self.today, \
            self._force_new
        self.adopt_button.setEnabled(False)
        self.write_path.submit(
            lambda s: adopt_certificate(s, actor, data, today, person_id=person_id,
                                        force_duplicate=force),
            self._adopted, self._refused, owner=self, label="adopt_certificate",
            on_queued=self.message.setText)

    def _adopted(self, outcome: Adopted) -> None:
        self.adopt_button.setEnabled(True)
        self._reset_force()
        text = self.tr("Übernommen: %1 Impfung(en) als Nachtrag.").replace(
            "%1", str(len(outcome.dose_ids)))
        if outcome.skipped:
            text += " " + " ".join(outcome.skipped)
        self.message.setText(text)
        self.adopted.emit(outcome.person_id)

    def _refused(self, exc: UserError) -> None:
        self.adopt_button.setEnabled(True)
        self.message.setText(exc.message)
        if isinstance(exc, DuplicateError):  # second, explicit confirmation
            self._force_new = True
            self.adopt_button.setText(self.tr("&Trotzdem als neue Person übernehmen"))


