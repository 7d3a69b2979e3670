"""Sign-in: your name (or login), your password and today's visit (type, Tab, Enter).

The password is checked by core (``core.security.users.authenticate``: argon2, lockout
with back-off, the same as the CLI); the dialog only shows the German refusal and keeps
the name. The signed-in ``Actor`` with its roles goes into the ``FieldSession``.

Today's visits come first; later ones can be opened for planning (the field page then
says why no dose can be recorded). Choosing a planned visit of today offers "Einsatz
beginnen" (checked): one Enter signs in and starts it through the write path
(``start_visit``); core refuses a start on any other day.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from core.errors import UserError
from core.security.permissions import allowed
from core.security.users import authenticate
from core.services.context import Actor
from core.services.staff import list_staff
from core.services.visits import VisitRow, list_visits
from core.usecases.visit_rules import start_visit
from ui.field_session import FieldSession
from ui.labels import ROLES, VISIT_STATUSES, label
from ui.write_path import WritePath

PLANNING_DAYS = 7


class SignInDialog(QDialog):
    def __init__(self, write_path: WritePath, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle(self.tr("Anmelden – Impfteam"))
        self.write_path, self.today = write_path, today
        self.saving = False
        self.actor: Actor | None = None
        with write_path.db.session() as session:
            self.staff = list_staff(session)
            rows = list_visits(session, today, today + timedelta(days=PLANNING_DAYS))
        self.visits: list[VisitRow] = sorted(rows, key=lambda r: (r.date != today, r.date,
                                                                  r.start))
        self.staff_box = QComboBox(self)
        self.staff_box.setObjectName("staffBox")
        self.staff_box.setEditable(True)
        self.staff_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for person in self.staff:
            self.staff_box.addItem(
                f"{person.family_name}, {person.given_name} – {label(ROLES, person.role)}",
                person.id)
        self.password = QLineEdit(self)
        self.password.setObjectName("passwordEdit")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.visit_box = QComboBox(self)
        self.visit_box.setObjectName("visitBox")
        for row in self.visits:
            day = self.tr("heute") if row.date == today else (
                self.tr("%1 (Planung)").replace("%1", f"{row.date:%d.%m.%Y}"))
            self.visit_box.addItem(f"{day} {row.start}–{row.end}  {row.site_name}  "
                                   f"[{label(VISIT_STATUSES, row.status)}]", row.id)
        self.visit_box.addItem(self.tr("ohne Einsatz (Planung, Auswertung)"), None)
        self.start = QCheckBox(self.tr("Einsatz jetzt &beginnen"), self)
        self.start.setObjectName("startVisit")
        self.start.setChecked(True)
        self.hint = QLabel(self.tr("Namen (oder Benutzernamen) tippen, Tab, Passwort; "
                                   "Enter meldet an."), self)
        self.message = QLabel(self)
        self.message.setObjectName("signInMessage")
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Mitarbeiter/in:"), self.staff_box)
        form.addRow(self.tr("&Passwort:"), self.password)
        form.addRow(self.tr("&Einsatz:"), self.visit_box)
        form.addRow("", self.start)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Anmelden"))
        self.buttons.accepted.connect(self.sign_in)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.visit_box.currentIndexChanged.connect(lambda _i: self._visit_changed())
        self._visit_changed()
        if not self.staff:
            self.hint.setText(self.tr("Noch kein Personal angelegt: mit dem Benutzernamen "
                                      "anmelden und Stammdaten importieren."))

    def selected_visit(self) -> VisitRow | None:
        visit_id = self.visit_box.currentData()
        return next((r for r in self.visits if r.id == visit_id), None)

    def _visit_changed(self) -> None:
        row = self.selected_visit()
        self.start.setVisible(row is not None and row.status == "geplant"
                              and row.date == self.today)

    def sign_in(self) -> None:
        """Enter: sign in; with "Einsatz beginnen" start the visit first (write path)."""
        if self.saving:
            return
        try:
            actor = authenticate(self.write_path.db, self.result_login(), self.password.text())
        except UserError as exc:
            self.password.clear()
            self.password.setFocus()
            self.message.setText(exc.message)
            return
        self.actor = actor
        row = self.selected_visit()
        if row is None or not self.start.isVisibleTo(self) or not self.start.isChecked() \
                or not allowed(actor.roles, "visit.start"):  # core would refuse: only sign in
            self.accept()
            return
        self.saving = True
        self.ok.setEnabled(False)
        visit_id, today = row.id, self.today
        self.write_path.submit(lambda s: start_visit(s, actor, visit_id, today),
                               lambda _visit: self._started(), self._refused, owner=self,
                               label=f"start_visit visit={visit_id}",
                               on_queued=self.message.setText)

    def _started(self) -> None:
        self.saving = False
        self.accept()

    def _refused(self, exc: UserError) -> None:
        self.saving = False
        self.ok.setEnabled(True)
        self.message.setText(exc.message)

    def _chosen(self) -> Any:
        """The staff entry shown in the box, unless a login was typed over it."""
        index = self.staff_box.currentIndex()
        if index < 0 or index >= len(self.staff):
            return None
        person = self.staff[index]
        typed = self.staff_box.currentText().strip()
        return person if typed == self.staff_box.itemText(index) else None

    def result_login(self) -> str:
        person = self._chosen()
        return person.login if person is not None else \
            self.staff_box.currentText().strip().lower()

    def result_session(self) -> FieldSession | None:
        """The signed-in session (None before a successful sign-in)."""
        if self.actor is None:
            return None
        person = self._chosen()
        actor = self.actor
        if person is None:  # an account without staff entry (IT): signed in by login
            return FieldSession(actor.staff_id or "", actor.user, actor.user,
                                "admin", self.visit_box.currentData(), actor)
        return FieldSession(person.id, person.login, person.display_name, person.role,
                            self.visit_box.currentData(), actor)
