"""Conflict log of merges (rows are ``core.exchange.conflict_log.ConflictRow``)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from core.exchange.conflict_log import ConflictRow
from ui.models.row_model import Column, RowTableModel


class ConflictModel(RowTableModel[ConflictRow]):
    context = "ConflictModel"
    columns = (
        Column(QT_TRANSLATE_NOOP("ConflictModel", "Zeit"),
               lambda r: r.at.strftime("%d.%m.%Y %H:%M"), lambda r: r.at),
        Column(QT_TRANSLATE_NOOP("ConflictModel", "Art"), lambda r: r.kind),
        Column(QT_TRANSLATE_NOOP("ConflictModel", "Datensatz"), lambda r: r.entity),
        Column(QT_TRANSLATE_NOOP("ConflictModel", "Behalten"), lambda r: r.kept),
        Column(QT_TRANSLATE_NOOP("ConflictModel", "Regel"), lambda r: r.rule),
        Column(QT_TRANSLATE_NOOP("ConflictModel", "Beschreibung"), lambda r: r.message),
    )
