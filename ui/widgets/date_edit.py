"""A date field that takes what people type: 10.4.1980, 10041980, 1980-04-10."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtWidgets import QLineEdit, QWidget

from core.dates import parse_date

_DIGITS = re.compile(r"^(\d{2})(\d{2})(\d{4})$")


def normalize_typed_date(text: str) -> str:
    """``10041980`` → ``10.04.1980``; other forms are left to ``parse_date``."""
    value = text.strip()
    match = _DIGITS.match(value)
    return f"{match.group(1)}.{match.group(2)}.{match.group(3)}" if match else value


class DateEdit(QLineEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("TT.MM.JJJJ")
        self.setMaxLength(10)

    def value(self, field: str) -> date:
        """The typed date or a German UserError naming ``field``."""
        return parse_date(normalize_typed_date(self.text()), field)

    def set_value(self, value: date | None) -> None:
        self.setText(value.strftime("%d.%m.%Y") if value else "")
