"""The visit's team: add a stand-in or take someone off (audited, via the write path).

A stand-in vaccinator is added here instead of being typed into a dose silently; core's
``add_team_member``/``remove_team_member`` decide (a closed visit keeps its team).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import UserError
from core.services.context import Actor
from core.services.field_day import TeamMember, team
from core.services.staff import list_staff
from core.usecases.visit_rules import TeamChange, add_team_member, remove_team_member
from ui.labels import ROLES, label
from ui.write_path import WritePath

STAFF_ROLE = 256


class TeamDialog(QDialog):
    def __init__(self, write_path: WritePath, actor: Actor, visit_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamDialog")
        self.setWindowTitle(self.tr("Team des Einsatzes"))
        self.setMinimumWidth(520)
        self.write_path, self.actor, self.visit_id = write_path, actor, visit_id
        self.members = QListWidget(self)
        self.members.setObjectName("teamMembers")
        self.staff = QComboBox(self)
        self.staff.setObjectName("teamStaff")
        self.role = QComboBox(self)
        self.role.setObjectName("teamRole")
        self.role.addItem(self.tr("eigene Rolle"), None)
        for code in ROLES:
            self.role.addItem(label(ROLES, code), code)
        self.add_button = QPushButton(self.tr("Als &Vertretung aufnehmen"), self)
        self.add_button.setObjectName("addMember")
        self.remove_button = QPushButton(self.tr("Aus dem Team &nehmen"), self)
        self.remove_button.setObjectName("removeMember")
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)
        self.message = QLabel(self)
        self.message.setObjectName("teamMessage")
        self.message.setWordWrap(True)
        add_row = QHBoxLayout()
        add_row.addWidget(self.staff, 2)
        add_row.addWidget(self.role, 1)
        add_row.addWidget(self.add_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Team:"), self))
        layout.addWidget(self.members)
        layout.addWidget(self.remove_button)
        layout.addWidget(QLabel(self.tr("Vertretung aufnehmen:"), self))
        layout.addLayout(add_row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.add_button.clicked.connect(self.add_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        with write_path.db.session() as s:
            current = team(s, visit_id)
            everyone = [(p.id, f"{p.family_name}, {p.given_name} – {label(ROLES, p.role)}")
                        for p in list_staff(s)]
        for staff_id, text in everyone:
            self.staff.addItem(text, staff_id)
        self._show_team(current)

    def _show_team(self, members: list[TeamMember]) -> None:
        self.members.clear()
        for member in members:
            item = QListWidgetItem(f"{member.name} ({label(ROLES, member.role)})")
            item.setData(STAFF_ROLE, member.staff_id)
            self.members.addItem(item)
        if members:
            self.members.setCurrentRow(0)

    def add_selected(self) -> None:
        staff_id = self.staff.currentData()
        if staff_id is None:
            return
        actor, visit_id, role = self.actor, self.visit_id, self.role.currentData()
        self.write_path.submit(lambda s: add_team_member(s, actor, visit_id, staff_id, role),
                               self._changed, self._refused, owner=self,
                               label=f"add_team_member visit={visit_id} staff={staff_id}",
                               on_queued=self.message.setText)

    def remove_selected(self) -> None:
        item = self.members.currentItem()
        if item is None:
            return
        actor, visit_id, staff_id = self.actor, self.visit_id, str(item.data(STAFF_ROLE))
        self.write_path.submit(lambda s: remove_team_member(s, actor, visit_id, staff_id),
                               self._changed, self._refused, owner=self,
                               label=f"remove_team_member visit={visit_id} staff={staff_id}",
                               on_queued=self.message.setText)

    def _changed(self, change: TeamChange) -> None:
        self.message.setStyleSheet("color: #1b5e20;")
        self.message.setText(self.tr("Team geändert."))
        self._show_team(change.team)

    def _refused(self, exc: UserError) -> None:
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(exc.message)
