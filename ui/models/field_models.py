"""Table models of the field page: the queue and the doses given at the visit."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from core.catalog.products import get_catalog
from core.services.checkin import QueueRow
from core.services.vaccinations import DoseRow
from ui.labels import QUEUE_STATUSES, label
from ui.models.row_model import Column, RowTableModel


def _product(key: str) -> str:
    product = get_catalog().resolve(key)
    return product.name if product else key


class QueueModel(RowTableModel[QueueRow]):
    context = "QueueModel"
    columns = (
        Column(QT_TRANSLATE_NOOP("QueueModel", "Nr."),
               lambda r: str(r.ticket_number or ""), lambda r: r.ticket_number or 0,
               align_right=True),
        Column(QT_TRANSLATE_NOOP("QueueModel", "Name"),
               lambda r: f"{r.family_name}, {r.given_name}"),
        Column(QT_TRANSLATE_NOOP("QueueModel", "Geboren"),
               lambda r: r.birth_date.strftime("%d.%m.%Y"), lambda r: r.birth_date),
        Column(QT_TRANSLATE_NOOP("QueueModel", "Seit"),
               lambda r: r.checked_in_at.strftime("%H:%M"), lambda r: r.checked_in_at),
        Column(QT_TRANSLATE_NOOP("QueueModel", "Status"),
               lambda r: label(QUEUE_STATUSES, r.status)),
    )

    def muted(self, row: QueueRow) -> bool:
        return row.status != "wartend"


class DoseModel(RowTableModel[DoseRow]):
    context = "DoseModel"
    columns = (
        Column(QT_TRANSLATE_NOOP("DoseModel", "Zeit"),
               lambda r: r.created_at.strftime("%H:%M"), lambda r: r.created_at),
        Column(QT_TRANSLATE_NOOP("DoseModel", "Name"),
               lambda r: f"{r.family_name}, {r.given_name}"),
        Column(QT_TRANSLATE_NOOP("DoseModel", "Impfstoff"), lambda r: _product(r.product_key)),
        Column(QT_TRANSLATE_NOOP("DoseModel", "Charge"), lambda r: r.lot_number),
        Column(QT_TRANSLATE_NOOP("DoseModel", "Dosis"),
               lambda r: f"{r.dose_number}/{r.series_total}" + (" A" if r.booster else "")),
        Column(QT_TRANSLATE_NOOP("DoseModel", "Status"),
               lambda r: QCoreApplication.translate("DoseModel", "storniert") if r.voided else ""),
    )

    def muted(self, row: DoseRow) -> bool:
        return row.voided
