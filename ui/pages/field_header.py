"""The field page's header: site, team, lots on hand and the day's counters."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from core.services.field_day import Dashboard
from ui.labels import ROLES, label


class FieldHeader(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldHeader")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(self)
        self.title.setObjectName("pageTitle")
        self.team = QLabel(self)
        self.team.setWordWrap(True)
        self.lots = QLabel(self)
        self.lots.setObjectName("lotsOnHand")
        self.lots.setWordWrap(True)
        self.counters = QLabel(self)
        self.counters.setObjectName("counters")
        self.counters.setStyleSheet("font-size: 13pt;")
        grid = QGridLayout(self)
        grid.addWidget(self.title, 0, 0, 1, 2)
        grid.addWidget(self.counters, 1, 0, 1, 2)
        grid.addWidget(self.team, 2, 0)
        grid.addWidget(self.lots, 2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

    def show_dashboard(self, board: Dashboard) -> None:
        self.title.setText(f"{board.site_name} – {board.date:%d.%m.%Y}")
        self.counters.setText(
            self.tr("Angemeldet: %1 · Geimpft: %2 · Wartend: %3 · Nicht übertragen: %4")
            .replace("%1", str(board.registered)).replace("%2", str(board.vaccinated))
            .replace("%3", str(board.waiting)).replace("%4", str(board.unsynced)))
        members = ", ".join(f"{m.name} ({label(ROLES, m.role)})" for m in board.team)
        self.team.setText(self.tr("Team: %1").replace("%1", members or "–"))
        lines = []
        for lot in board.lots:
            u = lot.usage
            state = self.tr("%1 übrig").replace("%1", str(u.left)) if lot.usable else (
                self.tr("nicht verwendbar: %1").replace("%1", lot.reason))
            lines.append(f"{lot.product_name} {u.lot_number} "
                         f"({self.tr('bis')} {u.expiry_date:%d.%m.%Y}): {state}")
        self.lots.setText(self.tr("Chargen:") + "\n" + ("\n".join(lines) or "–"))
