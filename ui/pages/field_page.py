"""The page the team lives in all day: check-in line, queue, doses, corrections.

One always-focused input takes a scanned ticket, a scanned certificate or typed text
(search as you type), classified once by ``core.usecases.checkin.classify`` (with the
scanner's keyboard-layout repair). A found person joins the queue; a certificate of a
registered person checks them in and adopts its dose; a certificate of an unknown person
opens the registration prefilled from it. Enter on a queued person opens the dose
dialog. Undo (Ctrl+Z) takes back one's own dose within ten minutes; later a dose is
voided with a reason. Every write goes through the write path (``ui.write_path``); the
page reloads itself from ``data_changed``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from core.certificates.holder import Prefill, prefill
from core.certificates.verify import verify_hc1
from core.errors import UserError
from core.services.checkin import is_ticket, parse_ticket, visit_queue
from core.services.context import Actor
from core.services.field_day import dashboard
from core.services.search import PersonHit, search_persons
from core.services.vaccinations import list_visit_doses
from core.usecases.certificates import print_certificate
from core.usecases.changes import Changes
from core.usecases.checkin import (
    CERTIFICATE,
    NAME,
    TICKET,
    CheckedIn,
    check_in_by_certificate,
    check_in_by_person,
    check_in_by_ticket,
    classify,
)
from core.usecases.doses import undo_dose, void_dose
from core.usecases.visit_day import can_start, visit_day_problem
from core.usecases.visit_rules import start_visit
from ui.dialogs.dose_dialog import DoseDialog
from ui.dialogs.registration_dialog import RegistrationDialog
from ui.dialogs.team_dialog import TeamDialog
from ui.field_session import FieldSession
from ui.models.field_models import DoseModel, QueueModel
from ui.models.persons_model import PersonHitModel
from ui.models.row_model import ROW_ROLE
from ui.pages.field_buttons import FieldButtons
from ui.pages.field_header import FieldHeader
from ui.widgets.live_search import LiveSearch
from ui.widgets.scan_line_edit import ScanLineEdit
from ui.widgets.tables import list_view
from ui.write_path import Job, WritePath

SEARCH_DELAY_MS = 80


class FieldPage(QWidget):
    person_opened = Signal(str)
    close_requested = Signal()

    def __init__(self, write_path: WritePath, actor: Actor, session: FieldSession,
                 today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.write_path, self.db = write_path, write_path.db
        self.actor, self.session, self.today = actor, session, today
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
        self.blocked = QLabel(self)
        self.blocked.setObjectName("visitBlocked")
        self.blocked.setWordWrap(True)
        self.blocked.setStyleSheet("color: #b00020; font-weight: 600;")
        self.blocked.hide()
        self.hits = PersonHitModel(self)
        self.hit_view = list_view(self.hits, self, "hitView")
        self.hit_view.setMaximumHeight(170)
        self.queue = QueueModel(self)
        self.queue_view = list_view(self.queue, self, "queueView")
        self.doses = DoseModel(self)
        self.dose_view = list_view(self.doses, self, "doseView")
        buttons = FieldButtons(self)
        (self.new_button, self.vaccinate_button, self.undo_button, self.void_button,
         self.print_button, self.close_button, self.team_button, self.start_button) = (
            buttons.new, buttons.vaccinate, buttons.undo, buttons.void, buttons.print,
            buttons.close, buttons.team, buttons.start)
        self.scan.setToolTip(self.tr("Check-in-Zeile (F2)"))
        self._layout()
        self._actions()
        self.live = LiveSearch(self.db, SEARCH_DELAY_MS, 8, self)
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
        self.team_button.clicked.connect(self.edit_team)
        self.start_button.clicked.connect(self.start)
        write_path.track(self, self.on_data_changed)
        self.refresh()

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.new_button, self.vaccinate_button, self.undo_button,
                       self.void_button, self.print_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.team_button)
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
        header_row = QHBoxLayout()
        header_row.addWidget(self.blocked, 1)
        header_row.addWidget(self.start_button)
        layout.addLayout(header_row)
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
    def on_data_changed(self, changes: Changes) -> None:
        """The one refresh hook: reload when a write touched this visit (or anyone)."""
        if changes.touches_visit(self.visit_id) or changes.persons:
            self.refresh()

    def refresh(self) -> None:
        if not self.visit_id:
            return
        with self.db.session() as s:
            board = dashboard(s, self.visit_id, self.today)
            queue = visit_queue(s, self.visit_id)
            doses = list_visit_doses(s, self.visit_id, include_voided=True)
            problem = visit_day_problem(s, self.visit_id, self.today)
            startable = can_start(s, self.visit_id, self.today)
        self.header.show_dashboard(board)
        self.queue.set_rows(sorted(queue, key=lambda r: (r.status != "wartend",
                                                         r.checked_in_at)))
        self.doses.set_rows(sorted(doses, key=lambda d: d.created_at, reverse=True))
        self.undo_button.setEnabled(self.last_dose_id is not None)
        self.print_button.setEnabled(self.last_dose_id is not None)
        self.blocked.setText(problem)
        self.blocked.setVisible(bool(problem))
        self.start_button.setVisible(startable)
        closed = board.status == "abgeschlossen"
        for widget in (self.scan, self.new_button, self.vaccinate_button, self.close_button,
                       self.team_button):
            widget.setEnabled(not closed)

    def focus_scan(self) -> None:
        self.scan.setFocus()
        self.scan.selectAll()

    def say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
        self.message.setText(text)

    def _refused(self, exc: UserError) -> None:
        self.say(exc.message, True)

    def _write(self, job: Job, on_done: Callable[[Any], None], label: str) -> None:
        self.write_path.submit(job, on_done, self._refused, owner=self, label=label,
                               on_queued=self.say)

    # -- visit -----------------------------------------------------------------------
    def start(self) -> None:
        actor, visit_id, today = self.actor, self.visit_id, self.today
        self._write(lambda s: start_visit(s, actor, visit_id, today),
                    lambda _v: self.say(self.tr("Einsatz begonnen.")),
                    f"start_visit visit={visit_id}")

    def edit_team(self) -> None:
        TeamDialog(self.write_path, self.actor, self.visit_id, self).exec()
        self.focus_scan()

    # -- check-in --------------------------------------------------------------------
    def run_search(self) -> None:
        self.live.run(self.scan.text())

    def _typed(self, text: str) -> None:
        if is_ticket(text) or text.strip().upper().startswith("HC1:") or (
                classify(text).kind != NAME):
            self.live.stop()  # a scanner is typing a code, not a name
        else:
            self.live.schedule(text)

    def _show_hits(self, hits: list[PersonHit]) -> None:
        self.hits.set_rows(hits)
        if hits:
            self.hit_view.selectRow(0)

    def submit(self, text: str) -> None:
        """Enter in the scan line: a ticket, a certificate, or pick the best search hit."""
        self.live.stop()
        scanned = classify(text)
        if scanned.kind == TICKET:
            try:
                ticket = parse_ticket(scanned.text)
            except UserError as exc:
                self.say(exc.message, True)
                return
            if ticket.visit_id != self.visit_id:
                self.say(self.tr("Dieses Ticket gehört zu einem anderen Einsatz."), True)
                return
            self.register(ticket_text=scanned.text)
            return
        if scanned.kind == CERTIFICATE:
            self.scan_certificate(scanned.text)
            return
        if scanned.kind != NAME:
            self.say(scanned.message or self.tr("Code nicht erkannt: kein Impfteam-Ticket "
                                                "und kein Impfzertifikat. Bitte Namen "
                                                "eingeben."), True)
            return
        with self.db.session() as s:
            try:
                hits = search_persons(s, scanned.text, limit=8)
            except UserError as exc:
                self.say(exc.message, True)
                return
        self.hits.set_rows(hits)
        if not hits:
            self.say(self.tr("Niemand gefunden. Neue Person aufnehmen mit Strg+N."), True)
            return
        row = max(self.hit_view.currentIndex().row(), 0)
        self.check_in(hits[min(row, len(hits) - 1)].id)

    def certificate_holder(self, hc1: str) -> Prefill | None:
        """Name, birth date and doses of the certificate (no trust list needed here)."""
        result = verify_hc1(hc1, None)
        if not result.decoded or not result.payload:
            reason = "; ".join(result.errors) or self.tr("unlesbar")
            self.say(self.tr("Zertifikat nicht lesbar (%1). Bitte erneut scannen.")
                     .replace("%1", reason), True)
            return None
        holder = prefill(result.payload)
        if not holder.family_name:
            self.say(self.tr("Im Zertifikat fehlt der Name. Bitte Person von Hand suchen."),
                     True)
            return None
        return holder

    def scan_certificate(self, hc1: str) -> None:
        """Registered holder: check in and adopt the dose; unknown: registration."""
        holder = self.certificate_holder(hc1)
        if holder is None:
            return
        actor, visit_id, today = self.actor, self.visit_id, self.today

        def refused(exc: UserError) -> None:
            if exc.field == "hc1":  # readable, so: not registered yet
                self.say(self.tr("Zertifikat gelesen: %1, %2 – noch nicht registriert.")
                         .replace("%1", holder.family_name).replace("%2", holder.given_name))
                self.register(certificate=holder)
            else:
                self._refused(exc)

        self.write_path.submit(
            lambda s: check_in_by_certificate(s, actor, visit_id, hc1, today),
            self._checked_in, refused, owner=self,
            label=f"check_in_by_certificate visit={visit_id}", on_queued=self.say)

    def check_in(self, person_id: str) -> None:
        actor, visit_id, today = self.actor, self.visit_id, self.today
        self._write(lambda s: check_in_by_person(s, actor, visit_id, person_id, today),
                    self._checked_in, f"check_in_by_person visit={visit_id} person={person_id}")

    def _checked_in(self, entry: CheckedIn, note: str = "") -> None:
        self.scan.clear()
        self.hits.set_rows([])
        text = self.tr("Angemeldet, Nr. %1. Enter in der Warteschlange öffnet die Impfung.") \
            .replace("%1", str(entry.queue_number))
        if entry.adopted_doses:
            text += " " + self.tr("%n Impfung(en) aus dem Zertifikat übernommen.", "",
                                  entry.adopted_doses)
        notes = [*entry.skipped, note]
        self.say(" ".join(t for t in (text, *notes) if t))
        for row, entry_row in enumerate(self.queue.rows()):
            if entry_row.person_id == entry.person_id:
                self.queue_view.selectRow(row)
        self.queue_view.setFocus()

    def register(self, ticket_text: str | None = None, prefill: dict[str, str] | None = None,
                 certificate: Prefill | None = None) -> None:
        dialog = RegistrationDialog(self.write_path, self.actor, self.today, self,
                                    prefill=prefill, certificate=certificate)
        if not dialog.exec() or not dialog.person_id:
            self.focus_scan()
            return
        person_id, actor, visit_id, today = dialog.person_id, self.actor, self.visit_id, \
            self.today
        note = " ".join(dialog.adopt_notes)
        if dialog.adopted_doses:
            note = self.tr("%n Impfung(en) aus dem Zertifikat übernommen.", "",
                           dialog.adopted_doses) + (" " + note if note else "")
        if ticket_text:
            self._write(lambda s: check_in_by_ticket(s, actor, visit_id, ticket_text,
                                                     person_id, today),
                        lambda entry: self._checked_in(entry, note),
                        f"check_in_by_ticket visit={visit_id} person={person_id}")
        else:
            self._write(lambda s: check_in_by_person(s, actor, visit_id, person_id, today),
                        lambda entry: self._checked_in(entry, note),
                        f"check_in_by_person visit={visit_id} person={person_id}")

    # -- doses -------------------------------------------------------------------------
    def selected_queue_person(self) -> str | None:
        index = self.queue_view.currentIndex()
        return self.queue.row_at(index.row()).person_id if index.isValid() else None

    def vaccinate(self, person_id: str | None = None) -> None:
        person_id = person_id or self.selected_queue_person()
        if person_id is None:
            self.say(self.tr("Bitte zuerst eine Person in der Warteschlange wählen."), True)
            return
        dialog = DoseDialog(self.write_path, self.actor, self.session, self.visit_id,
                            person_id, self.today, self)
        if dialog.exec() and dialog.saved_dose_id:
            self.last_dose_id = dialog.saved_dose_id
            self.undo_button.setEnabled(True)
            self.print_button.setEnabled(True)
            self.say(self.tr("Impfung gespeichert. Strg+P druckt das Zertifikat; Strg+Z "
                             "macht die Impfung in den nächsten 10 Minuten rückgängig."))
        self.focus_scan()

    def undo_last(self) -> None:
        dose_id, actor = self.last_dose_id, self.actor
        if dose_id is None:
            return

        def done(_dose: object) -> None:
            self.last_dose_id = None
            self.undo_button.setEnabled(False)
            self.print_button.setEnabled(False)
            self.say(self.tr("Letzte Impfung rückgängig gemacht (storniert: rueckgaengig)."))

        self._write(lambda s: undo_dose(s, actor, dose_id), done, f"undo_dose dose={dose_id}")

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
        actor, dose_id = self.actor, dose.id
        self._write(lambda s: void_dose(s, actor, dose_id, reason),
                    lambda _dose: self.say(self.tr("Impfung storniert.")),
                    f"void_dose dose={dose_id}")

    def print_certificate(self) -> None:
        """Issue/reprint the certificate of the last dose and open the PDF for printing."""
        dose_id, actor = self.last_dose_id, self.actor
        if dose_id is None:
            return

        def done(path: Path) -> None:
            self.last_certificate = path
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
            self.say(self.tr("Zertifikat erstellt: %1").replace("%1", str(path)))

        self._write(lambda s: print_certificate(s, actor, dose_id), done,
                    f"print_certificate dose={dose_id}")

    def open_selected_person(self) -> None:
        person_id = self.selected_queue_person()
        if person_id:
            self.person_opened.emit(person_id)
