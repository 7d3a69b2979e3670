"""Table model for the visit list (rows are ``core.services.visits.VisitRow``)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from core.services.visits import VisitRow
from ui.models.row_model import ROW_ROLE, Column, RowTableModel

__all__ = ["COL_DATE", "COL_SITE", "ROW_ROLE", "VisitTableModel"]

COL_DATE, COL_TIME, COL_SITE, COL_KIND, COL_STATUS, COL_DOSES = range(6)
CTX = "VisitTableModel"
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


class VisitTableModel(RowTableModel[VisitRow]):
    context = CTX
    columns = (
        Column(QT_TRANSLATE_NOOP("VisitTableModel", "Datum"),
               lambda r: r.date.strftime("%d.%m.%Y"), lambda r: r.date.isoformat() + r.start),
        Column(QT_TRANSLATE_NOOP("VisitTableModel", "Zeit"), lambda r: f"{r.start}–{r.end}"),
        Column(QT_TRANSLATE_NOOP("VisitTableModel", "Standort"), lambda r: r.site_name),
        Column(QT_TRANSLATE_NOOP("VisitTableModel", "Art"),
               lambda r: _tr(KINDS.get(r.site_kind, r.site_kind))),
        Column(QT_TRANSLATE_NOOP("VisitTableModel", "Status"),
               lambda r: _tr(STATUSES.get(r.status, r.status))),
        Column(QT_TRANSLATE_NOOP("VisitTableModel", "Impfungen / Kapazität"),
               lambda r: f"{r.doses_given} / {r.planned_capacity}",
               lambda r: r.doses_given, align_right=True),
    )
