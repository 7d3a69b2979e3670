"""Table model for the visit list (rows are ``core.services.visits.VisitRow``)."""

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

from core.services.visits import VisitRow

COL_DATE, COL_TIME, COL_SITE, COL_KIND, COL_STATUS, COL_DOSES = range(6)
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
CTX = "VisitTableModel"
HEADERS = (
    QT_TRANSLATE_NOOP("VisitTableModel", "Datum"),
    QT_TRANSLATE_NOOP("VisitTableModel", "Zeit"),
    QT_TRANSLATE_NOOP("VisitTableModel", "Standort"),
    QT_TRANSLATE_NOOP("VisitTableModel", "Art"),
    QT_TRANSLATE_NOOP("VisitTableModel", "Status"),
    QT_TRANSLATE_NOOP("VisitTableModel", "Impfungen / Kapazität"),
)
KINDS = {
    "jobcenter": QT_TRANSLATE_NOOP("VisitTableModel", "Jobcenter"),
    "kommunal": QT_TRANSLATE_NOOP("VisitTableModel", "Kommunale Liegenschaft"),
    "sonstige": QT_TRANSLATE_NOOP("VisitTableModel", "Sonstige"),
}
STATUSES = {
    "geplant": QT_TRANSLATE_NOOP("VisitTableModel", "geplant"),
    "aktiv": QT_TRANSLATE_NOOP("VisitTableModel", "aktiv"),
    "abgeschlossen": QT_TRANSLATE_NOOP("VisitTableModel", "abgeschlossen"),
}


def _tr(text: object) -> str:
    return QCoreApplication.translate(CTX, str(text))


class VisitTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[VisitRow] = []

    def headers(self) -> list[str]:
        return [_tr(text) for text in HEADERS]

    def set_rows(self, rows: list[VisitRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> VisitRow:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.EditRole:  # sort key
            return {COL_DATE: row.date.isoformat() + row.start, COL_DOSES: row.doses_given}.get(
                col, self._display(row, col)
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_DOSES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: VisitRow, col: int) -> str:
        values = {
            COL_DATE: row.date.strftime("%d.%m.%Y"),
            COL_TIME: f"{row.start}–{row.end}",
            COL_SITE: row.site_name,
            COL_KIND: _tr(KINDS.get(row.site_kind, row.site_kind)),
            COL_STATUS: _tr(STATUSES.get(row.status, row.status)),
            COL_DOSES: f"{row.doses_given} / {row.planned_capacity}",
        }
        return values[col]
