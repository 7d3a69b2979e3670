"""The always-focused check-in line: takes scanner input (keyboard wedge) and typing.

A USB scanner "types" the code and presses Enter; people type names. Both end up in
``submitted``; ``edited`` fires on every keystroke for search as you type.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QWidget


class ScanLineEdit(QLineEdit):
    submitted = Signal(str)
    edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setClearButtonEnabled(True)
        self.setMinimumHeight(36)
        font = self.font()
        font.setPointSize(font.pointSize() + 3)
        self.setFont(font)
        self.returnPressed.connect(self._submit)
        self.textEdited.connect(self.edited)

    def _submit(self) -> None:
        text = self.text()
        if text.strip():
            self.submitted.emit(text)
