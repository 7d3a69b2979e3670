"""The page the team lives in all day: check-in line, queue, doses, corrections.

One always-focused input takes a scanned ticket, a scanned certificate or typed text
(search as you type). A found person joins the queue; Enter on a queued person opens
the dose dialog. Undo (Ctrl+Z) takes back one's own dose within ten minutes; later a
dose is voided with a reason.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.db.engine import Database
from core.errors import UserError
from core.services.checkin import check_in_person, is_ticket, parse_ticket, visit_queue
from core.services.context import Actor
from core.services.field_day import dashboard
from core.services.search import PersonHit, likely_same, search_persons
from core.services.vaccinations import list_visit_doses, undo_vaccination, void_vaccination
from ui.dialogs.dose_dialog import DoseDialog
from ui.dialogs.registration_dialog import RegistrationDialog
from ui.field_session import FieldSession
from ui.models.field_models import DoseModel, QueueModel
from ui.models.persons_model import PersonHitModel
from ui.models.row_model import ROW_ROLE
from ui.pages.field_header import FieldHeader
from ui.widgets.live_search import LiveSearch
from ui.widgets.scan_line_edit import ScanLineEdit
from ui.widgets.tables import list_view

SEARCH_DELAY_MS = 80


class FieldPage(QWidget):
    changed = Signal()
    person_opened = Signal(str)
    close_requested = Signal()

    def __init__(self, db: Database, actor: Actor, session: FieldSession, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor, self.session, self.today = db, actor, session, today
        self.visit_id = session.visit_id or ""
        self.last_dose_id: str | None = None
        self.last_certificate: Path | None = None
        self.header = FieldHeader(self)
        self.scan = ScanLineEdit(self)
        self.scan.setObjectName("scanInput")
        self.scan.setPlaceholderText(self.tr(
            "Ticket oder Zertifikat scannen – oder Name / Geburtsdatum tippen (F2)"))
        self.message = QLabel(self)
        self.message.setObjectName("fieldMessage")
        self.message.setWordWrap(True)
        self.hits = PersonHitModel(self)
        self.hit_view = list_view(self.hits, self, "hitView")
        self.hit_view.setMaximumHeight(170)
        self.queue = QueueModel(self)
        self.queue_view = list_view(self.queue, self, "queueView")
        self.doses = DoseModel(self)
        self.dose_view = list_view(self.doses, self, "doseView")
        self.new_button = QPushButton(self.tr("&Neue Person (Strg+N)"), self)
        self.vaccinate_button = QPushButton(self.tr("&Impfen (Strg+I)"), self)
        self.undo_button = QPushButton(self.tr("&Rückgängig (Strg+Z)"), self)
        self.void_button = QPushButton(self.tr("S&tornieren…"), self)
        self.print_button = QPushButton(self.tr("Zertifikat &drucken (Strg+P)"), self)
        self.close_button = QPushButton(self.tr("Einsatz &abschließen…"), self)
        tips = {self.new_button: self.tr("Neue Person aufnehmen (Strg+N)"),
                self.vaccinate_button: self.tr("Markierte Person impfen (Strg+I, Enter)"),
                self.undo_button: self.tr("Eigene letzte Impfung zurücknehmen, 10 Minuten "
                                          "lang (Strg+Z)"),
                self.void_button: self.tr("Markierte Impfung mit Begründung stornieren"),
                self.print_button: self.tr("Zertifikat der letzten Impfung (Strg+P)"),
                self.close_button: self.tr("Zusammenfassung, verworfene Dosen, abschließen")}
        for button, tip in tips.items():
            button.setToolTip(tip)
        self.scan.setToolTip(self.tr("Check-in-Zeile (F2)"))
        for button, name in ((self.new_button, "newPerson"), (self.vaccinate_button, "vaccinate"),
                             (self.undo_button, "undo"), (self.void_button, "void"),
                             (self.print_button, "printCertificate"),
                             (self.close_button, "closeVisit")):
            button.setObjectName(name)
        self._layout()
        self._actions()
        self.live = LiveSearch(db, SEARCH_DELAY_MS, 8, self)
        self.live.found.connect(self._show_hits)
        self.live.failed.connect(lambda _exc: self.hits.set_rows([]))
        self.scan.edited.connect(self._typed)
        self.scan.submitted.connect(self.submit)
        self.hit_view.activated.connect(lambda index: self.check_in(
            self.hits.data(index, ROW_ROLE).id))
        self.queue_view.activated.connect(lambda index: self.vaccinate(
            self.queue.data(index, ROW_ROLE).person_id))
        self.new_button.clicked.connect(lambda: self.register())
        self.vaccinate_button.clicked.connect(lambda: self.vaccinate())
        self.undo_button.clicked.connect(self.undo_last)
        self.void_button.clicked.connect(self.void_selected)
        self.print_button.clicked.connect(self.print_certificate)
        self.close_button.clicked.connect(self.close_requested)
        self.refresh()

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.new_button, self.vaccinate_button, self.undo_button,
                       self.void_button, self.print_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        self.queue_label = QLabel(self.tr("Warteschlange (Enter: impfen)"), self)
        self.dose_label = QLabel(self.tr("Heute geimpft"), self)
        lists = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(self.queue_label)
        left.addWidget(self.queue_view)
        right.addWidget(self.dose_label)
        right.addWidget(self.dose_view)
        lists.addLayout(left, 1)
        lists.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.scan)
        layout.addWidget(self.message)
        layout.addWidget(self.hit_view)
        layout.addLayout(lists, 1)
        layout.addLayout(buttons)

    def _actions(self) -> None:
        shortcuts = (("F2", self.focus_scan), ("Ctrl+N", lambda: self.register()),
                     ("Ctrl+I", lambda: self.vaccinate()), ("Ctrl+Z", self.undo_last),
                     ("Ctrl+O", self.open_selected_person), ("Ctrl+P", self.print_certificate))
        for keys, slot in shortcuts:
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    # -- data ------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self.visit_id:
            return
        with self.db.session() as s:
            board = dashboard(s, self.visit_id, self.today)
            queue = visit_queue(s, self.visit_id)
            doses = list_visit_doses(s, self.visit_id, include_voided=True)
        self.header.show_dashboard(board)
        self.queue.set_rows(sorted(queue, key=lambda r: (r.status != "wartend",
                                                         r.checked_in_at)))
        self.doses.set_rows(sorted(doses, key=lambda d: d.created_at, reverse=True))
        self.undo_button.setEnabled(self.last_dose_id is not None)
        self.print_button.setEnabled(self.last_dose_id is not None)
        closed = board.status == "abgeschlossen"
        for widget in (self.scan, self.new_button, self.vaccinate_button, self.close_button):
            widget.setEnabled(not closed)
        self.changed.emit()

    def focus_scan(self) -> None:
        self.scan.setFocus()
        self.scan.selectAll()

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
        self.message.setText(text)

    # -- check-in --------------------------------------------------------------------
    def run_search(self) -> None:
        self.live.run(self.scan.text())

    def _typed(self, text: str) -> None:
        if is_ticket(text) or text.strip().upper().startswith("HC1:"):
            self.live.stop()  # a scanner is typing a code, not a name
        else:
            self.live.schedule(text)

    def _show_hits(self, hits: list[PersonHit]) -> None:
        self.hits.set_rows(hits)
        if hits:
            self.hit_view.selectRow(0)

    def submit(self, text: str) -> None:
        """Enter in the scan line: a ticket, a certificate, or pick the best search hit."""
        value = text.strip()
        self.live.stop()
        try:
            if is_ticket(value):
                ticket = parse_ticket(value)
                if ticket.visit_id != self.visit_id:
                    self.say(self.tr("Dieses Ticket gehört zu einem anderen Einsatz."), True)
                    return
                self.register(ticket_number=ticket.number)
                return
            if value.upper().startswith("HC1:"):
                self.scan_certificate(value)
                return
            if ":" in value and " " not in value and len(value) > 12:
                self.say(self.tr("Code nicht erkannt: kein Impfteam-Ticket und kein "
                                 "Impfzertifikat. Bitte Namen eingeben."), True)
                return
        except UserError as exc:
            self.say(exc.message, True)
            return
        with self.db.session() as s:
            try:
                hits = search_persons(s, value, limit=8)
            except UserError as exc:
                self.say(exc.message, True)
                return
        self.hits.set_rows(hits)
        if not hits:
            self.say(self.tr("Niemand gefunden. Neue Person aufnehmen mit Strg+N."), True)
            return
        row = max(self.hit_view.currentIndex().row(), 0)
        self.check_in(hits[min(row, len(hits) - 1)].id)

    def scan_certificate(self, text: str) -> None:
        """Find the certificate holder (name + birth date) among registered persons."""
        from core.services.certificate_lookup import holder_query

        try:
            query, birth = holder_query(text)
        except UserError as exc:
            self.say(exc.message, True)
            return
        with self.db.session() as s:
            hits = likely_same(s, query, birth=birth, limit=8)
        self.hits.set_rows(hits)
        if hits:
            self.hit_view.selectRow(0)
            self.hit_view.setFocus()
            self.say(self.tr("Zertifikat gelesen: %1. Enter übernimmt den ersten Treffer.")
                     .replace("%1", query))
        else:
            self.say(self.tr("Zertifikat gelesen: %1 – noch nicht registriert.")
                     .replace("%1", query))
            family, _, given = query.partition(", ")
            self.register(prefill={"family": family, "given": given,
                                   "birth": birth.strftime("%d.%m.%Y") if birth else ""})

    def check_in(self, person_id: str, ticket_number: int | None = None) -> None:
        try:
            with self.db.session() as s:
                entry = check_in_person(s, self.actor, self.visit_id, person_id, ticket_number)
                number = entry.ticket_number
        except UserError as exc:
            self.say(exc.message, True)
            return
        self.scan.clear()
        self.hits.set_rows([])
        self.refresh()
        self.say(self.tr("Angemeldet, Nr. %1. Enter in der Warteschlange öffnet die Impfung.")
                 .replace("%1", str(number)))
        for row, entry_row in enumerate(self.queue.rows()):
            if entry_row.person_id == person_id:
                self.queue_view.selectRow(row)
        self.queue_view.setFocus()

    def register(self, ticket_number: int | None = None,
                 prefill: dict[str, str] | None = None) -> None:
        dialog = RegistrationDialog(self.db, self.actor, self, prefill=prefill)
        if dialog.exec() and dialog.person_id:
            self.check_in(dialog.person_id, ticket_number)
        else:
            self.focus_scan()

    # -- doses -------------------------------------------------------------------------
    def selected_queue_person(self) -> str | None:
        index = self.queue_view.currentIndex()
        return self.queue.row_at(index.row()).person_id if index.isValid() else None

    def vaccinate(self, person_id: str | None = None) -> None:
        person_id = person_id or self.selected_queue_person()
        if person_id is None:
            self.say(self.tr("Bitte zuerst eine Person in der Warteschlange wählen."), True)
            return
        dialog = DoseDialog(self.db, self.actor, self.session, self.visit_id, person_id,
                            self.today, self)
        if dialog.exec() and dialog.saved_dose_id:
            self.last_dose_id = dialog.saved_dose_id
            self.say(self.tr("Impfung gespeichert. Strg+P druckt das Zertifikat; Strg+Z "
                             "macht die Impfung in den nächsten 10 Minuten rückgängig."))
        self.refresh()
        self.focus_scan()

    def undo_last(self) -> None:
        if self.last_dose_id is None:
            return
        try:
            with self.db.session() as s:
                undo_vaccination(s, self.actor, self.last_dose_id)
        except UserError as exc:
            self.say(exc.message, True)
            return
        self.last_dose_id = None
        self.say(self.tr("Letzte Impfung rückgängig gemacht (storniert: rueckgaengig)."))
        self.refresh()

    def void_selected(self) -> None:
        index = self.dose_view.currentIndex()
        if not index.isValid():
            self.say(self.tr("Bitte eine Impfung in „Heute geimpft“ wählen."), True)
            return
        dose = self.doses.row_at(index.row())
        reason, ok = QInputDialog.getText(self, self.tr("Impfung stornieren"),
                                          self.tr("Grund der Stornierung (Pflicht):"))
        if not ok:
            return
        try:
            with self.db.session() as s:
                void_vaccination(s, self.actor, dose.id, reason)
        except UserError as exc:
            self.say(exc.message, True)
            return
        self.say(self.tr("Impfung storniert."))
        self.refresh()

    def print_certificate(self) -> None:
        """Issue/reprint the certificate of the last dose and open the PDF for printing."""
        if self.last_dose_id is None:
            return
        from core.services.certificate_print import certificate_pdf  # PDF libs load on demand

        try:
            with self.db.session() as s:
                path = certificate_pdf(s, self.actor, self.last_dose_id)
        except UserError as exc:
            self.say(exc.message, True)
            return
        self.last_certificate = path
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        self.say(self.tr("Zertifikat erstellt: %1").replace("%1", str(path)))

    def open_selected_person(self) -> None:
        person_id = self.selected_queue_person()
        if person_id:
            self.person_opened.emit(person_id)
