"""Table model for the visit list (rows are ``core.services.visits.VisitRow``)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from core.services.visits import VisitRow
from ui.labels import SITE_KINDS, VISIT_STATUSES, label
from ui.models.row_model import ROW_ROLE, Column, RowTableModel

__all__ = ["COL_DATE", "COL_SITE", "ROW_ROLE", "VisitTableModel"]

COL_DATE, COL_TIME, COL_SITE, COL_KIND, COL_STATUS, COL_DOSES = range(6)
CTX = "VisitTableModel"


class VisitTableModel(RowTableModel[VisitRow]):
    context = CTX
    columns = (
        Column(QT_TRANSLATE_NOOP("VisitTableModel", "Datum"),
               lambda r: r.date.strftime("%d.%m.%Y"), lambda r: r.date.isoformat() + r.start),
        Column(QT_TRANSLATE_NOOP("VisitTableModel", "Zeit"), lambda r: f"{r.start}–{r.end}"),
        Column(QT_TRANSLATE_NOOP("VisitTableModel", "Standort"), lambda r: r.site_name),
        Column(QT_TRANSLATE_NOOP("VisitTableModel", "Art"),
               lambda r: label(SITE_KINDS, r.site_kind)),
        Column(QT_TRANSLATE_NOOP("VisitTableModel", "Status"),
               lambda r: label(VISIT_STATUSES, r.status)),
        Column(QT_TRANSLATE_NOOP("VisitTableModel", "Impfungen / Kapazität"),
               lambda r: f"{r.doses_given} / {r.planned_capacity}",
               lambda r: r.doses_given, align_right=True),
    )
