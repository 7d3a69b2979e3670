"""Table model for person search hits (rows are ``core.services.search.PersonHit``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from core.services.search import PersonHit

COL_NAME, COL_BIRTH, COL_POSTCODE, COL_SCORE = range(4)
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
CTX = "PersonHitModel"
HEADERS = (
    QT_TRANSLATE_NOOP("PersonHitModel", "Name"),
    QT_TRANSLATE_NOOP("PersonHitModel", "Geburtsdatum"),
    QT_TRANSLATE_NOOP("PersonHitModel", "PLZ"),
    QT_TRANSLATE_NOOP("PersonHitModel", "Treffer"),
)


def _tr(text: object) -> str:
    return QCoreApplication.translate(CTX, str(text))


class PersonHitModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[PersonHit] = []

    def set_rows(self, rows: list[PersonHit]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(HEADERS[section])
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        hit = self._rows[index.row()]
        if role == ROW_ROLE:
            return hit
        if role == Qt.ItemDataRole.DisplayRole:
            return [
                f"{hit.family_name}, {hit.given_name}",
                hit.birth_date.strftime("%d.%m.%Y"),
                hit.postcode,
                f"{hit.score} %",
            ][index.column()]
        return None
