"""Table model for person search hits (rows are ``core.services.search.PersonHit``)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from core.services.search import PersonHit
from ui.models.row_model import ROW_ROLE, Column, RowTableModel

__all__ = ["ROW_ROLE", "PersonHitModel"]


class PersonHitModel(RowTableModel[PersonHit]):
    context = "PersonHitModel"
    columns = (
        Column(QT_TRANSLATE_NOOP("PersonHitModel", "Name"),
               lambda h: f"{h.family_name}, {h.given_name}"),
        Column(QT_TRANSLATE_NOOP("PersonHitModel", "Geburtsdatum"),
               lambda h: h.birth_date.strftime("%d.%m.%Y"), lambda h: h.birth_date.isoformat()),
        Column(QT_TRANSLATE_NOOP("PersonHitModel", "PLZ"), lambda h: h.postcode),
        Column(QT_TRANSLATE_NOOP("PersonHitModel", "Treffer"), lambda h: f"{h.score} %",
               lambda h: h.score, align_right=True),
    )
