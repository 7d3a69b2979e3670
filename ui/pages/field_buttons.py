"""The field page's buttons: texts with their shortcuts, tooltips and object names.

Kept apart from the page so the page module holds behaviour, not widget set-up.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QPushButton, QWidget


def tr(text: str) -> str:
    """Translated in the field page's context (the .ts file keeps its entries)."""
    return QCoreApplication.translate("FieldPage", text)


class FieldButtons:
    def __init__(self, page: QWidget) -> None:
        self.new = QPushButton(tr("&Neue Person (Strg+N)"), page)
        self.vaccinate = QPushButton(tr("&Impfen (Strg+I)"), page)
        self.undo = QPushButton(tr("&Rückgängig (Strg+Z)"), page)
        self.void = QPushButton(tr("S&tornieren…"), page)
        self.print = QPushButton(tr("Zertifikat &drucken (Strg+P)"), page)
        self.close = QPushButton(tr("Einsatz &abschließen…"), page)
        self.team = QPushButton(tr("&Team…"), page)
        self.start = QPushButton(tr("Einsatz &beginnen"), page)
        self.start.hide()
        tips = {self.team: tr("Vertretung ins Team aufnehmen oder austragen"),
                self.start: tr("Geplanten Einsatz von heute beginnen"),
                self.new: tr("Neue Person aufnehmen (Strg+N)"),
                self.vaccinate: tr("Markierte Person impfen (Strg+I, Enter)"),
                self.undo: tr("Eigene letzte Impfung zurücknehmen, 10 Minuten lang (Strg+Z)"),
                self.void: tr("Markierte Impfung mit Begründung stornieren"),
                self.print: tr("Zertifikat der letzten Impfung (Strg+P)"),
                self.close: tr("Zusammenfassung, verworfene Dosen, abschließen")}
        for button, tip in tips.items():
            button.setToolTip(tip)
        for button, name in ((self.new, "newPerson"), (self.vaccinate, "vaccinate"),
                             (self.undo, "undo"), (self.void, "void"),
                             (self.print, "printCertificate"), (self.close, "closeVisit"),
                             (self.team, "team"), (self.start, "startVisit")):
            button.setObjectName(name)
