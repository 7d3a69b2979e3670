"""Close a visit: doses by product, lots used and left, discarded doses with reason.

Saving sends ``core.usecases.visit_rules.close_visit`` through the write path.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.errors import UserError
from core.services.context import Actor
from core.services.field_day import closing_summary
from core.usecases.visit_rules import close_visit
from ui.write_path import WritePath


class CloseVisitDialog(QDialog):
    def __init__(self, write_path: WritePath, actor: Actor, visit_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("closeVisitDialog")
        self.setWindowTitle(self.tr("Einsatz abschließen"))
        self.write_path, self.actor, self.visit_id = write_path, actor, visit_id
        self.saving = False
        with write_path.db.session() as s:
            summary = closing_summary(s, visit_id)
        doses = "\n".join(f"{name}: {n}" for name, n in summary.doses_by_product.items())
        self.summary = QLabel(
            self.tr("Impfungen nach Impfstoff:") + "\n" + (doses or "–") + "\n"
            + self.tr("Storniert: %1").replace("%1", str(summary.voided)), self)
        self.summary.setObjectName("closingSummary")
        grid = QGridLayout()
        headers = (self.tr("Charge"), self.tr("zugeteilt"), self.tr("verimpft"),
                   self.tr("übrig"), self.tr("verworfen"), self.tr("Grund"))
        for col, text in enumerate(headers):
            grid.addWidget(QLabel(f"<b>{text}</b>", self), 0, col)
        self.discards: list[tuple[str, QSpinBox, QLineEdit]] = []
        for row, usage in enumerate(summary.lots, start=1):
            spin = QSpinBox(self)
            spin.setRange(0, max(usage.left, 0))
            spin.setObjectName(f"discard_{usage.lot_number}")
            reason = QLineEdit(self)
            reason.setPlaceholderText(self.tr("z. B. angebrochene Vials"))
            reason.setObjectName(f"reason_{usage.lot_number}")
            cells = (usage.lot_number, str(usage.allocated), str(usage.used), str(usage.left))
            for col, cell in enumerate(cells):
                grid.addWidget(QLabel(cell, self), row, col)
            grid.addWidget(spin, row, 4)
            grid.addWidget(reason, row, 5)
            self.discards.append((usage.lot_id, spin, reason))
        self.message = QLabel(self)
        self.message.setObjectName("closeMessage")
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Einsatz abschließen"))
        self.ok.setObjectName("confirmClose")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def save(self) -> None:
        if self.saving:
            return
        discards = [(lot_id, spin.value(), reason.text()) for lot_id, spin, reason
                    in self.discards if spin.value()]
        actor, visit_id = self.actor, self.visit_id
        self.saving = True
        self.ok.setEnabled(False)
        self.write_path.submit(lambda s: close_visit(s, actor, visit_id, discards),
                               lambda _closed: self._closed(), self._refused, owner=self,
                               label=f"close_visit visit={visit_id}",
                               on_queued=self.message.setText)

    def _closed(self) -> None:
        self.saving = False
        self.accept()

    def _refused(self, exc: UserError) -> None:
        self.saving = False
        self.ok.setEnabled(True)
        self.message.setText(exc.message)

    def reject(self) -> None:
        if not self.saving:
            super().reject()
