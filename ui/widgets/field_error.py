"""German validation messages shown right at the field they concern."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class FieldErrors:
    """Maps core error field names to widgets and shows one red label per field."""

    def __init__(self) -> None:
        self._labels: dict[str, QLabel] = {}
        self._aliases: dict[str, str] = {}

    def add(self, key: str, widget: QWidget, *aliases: str) -> QLabel:
        label = QLabel(widget.parentWidget())
        label.setObjectName(f"error_{key}")
        label.setStyleSheet("color: #b00020;")
        label.setWordWrap(True)
        label.hide()
        self._labels[key] = label
        for alias in (key, *aliases):
            self._aliases[alias] = key
        return label

    def show(self, field: str | None, message: str) -> bool:
        """Show ``message`` at ``field``; False when the field is not on this form."""
        key = self._aliases.get(field or "")
        if key is None:
            return False
        self._labels[key].setText(message)
        self._labels[key].show()
        return True

    def clear(self, key: str | None = None) -> None:
        for name, label in self._labels.items():
            if key is None or name == key:
                label.clear()
                label.hide()

    def text(self, key: str) -> str:
        return self._labels[key].text()
