"""Sign-in: pick your staff entry and today's visit (keyboard: type, Tab, Enter)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from core.db.engine import Database
from core.services.staff import list_staff
from core.services.visits import list_visits
from ui.field_session import FieldSession
from ui.labels import ROLES, label


class SignInDialog(QDialog):
    def __init__(self, db: Database, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle(self.tr("Anmelden – Impfteam"))
        with db.session() as session:
            self.staff = list_staff(session)
            self.visits = list_visits(session, today, today + timedelta(days=7))
        self.staff_box = QComboBox(self)
        self.staff_box.setObjectName("staffBox")
        self.staff_box.setEditable(True)
        self.staff_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for person in self.staff:
            self.staff_box.addItem(
                f"{person.family_name}, {person.given_name} – {label(ROLES, person.role)}",
                person.id)
        self.visit_box = QComboBox(self)
        self.visit_box.setObjectName("visitBox")
        for row in self.visits:
            self.visit_box.addItem(f"{row.date:%d.%m.%Y} {row.start}–{row.end}  {row.site_name}",
                                   row.id)
        self.visit_box.addItem(self.tr("ohne Einsatz (Planung, Auswertung)"), None)
        hint = QLabel(self.tr("Tippen Sie Ihren Namen; Enter meldet an."), self)
        form = QFormLayout()
        form.addRow(self.tr("&Mitarbeiter/in:"), self.staff_box)
        form.addRow(self.tr("&Einsatz:"), self.visit_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Anmelden"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(buttons)
        if not self.staff:
            buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            hint.setText(self.tr("Noch kein Personal angelegt: bitte Stammdaten importieren."))

    def result_session(self) -> FieldSession | None:
        index = self.staff_box.currentIndex()
        if index < 0 or index >= len(self.staff):
            return None
        person = self.staff[index]
        return FieldSession(person.id, person.login, person.display_name, person.role,
                            self.visit_box.currentData())
