"""Admin area, first page: certificate trust list and the installed signing key."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from core.errors import UserError
from core.services.trust_status import TrustStatus, import_trust_list, trust_status


class AdminPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self.tr("Verwaltung – Zertifikatsprüfung"), self)
        self.title.setObjectName("pageTitle")
        self.trust = QLabel(self)
        self.trust.setObjectName("trustState")
        self.trust.setWordWrap(True)
        self.warning = QLabel(self)
        self.warning.setObjectName("trustWarning")
        self.warning.setStyleSheet("color: #b00020; font-weight: 600;")
        self.warning.setWordWrap(True)
        self.key = QLabel(self)
        self.key.setObjectName("keyState")
        self.key.setWordWrap(True)
        self.import_button = QPushButton(self.tr("Vertrauensliste &importieren…"), self)
        self.import_button.setObjectName("importTrust")
        self.import_button.clicked.connect(lambda: self.import_list())
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        for widget in (self.title, self.trust, self.warning, self.import_button, self.key,
                       self.message):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        self.show_status(trust_status())

    def showEvent(self, event: object) -> None:
        self.refresh()
        super().showEvent(event)  # type: ignore[arg-type]

    def show_status(self, status: TrustStatus) -> None:
        when = status.updated_at.strftime("%d.%m.%Y %H:%M") if status.updated_at else "–"
        self.trust.setText(self.tr("Vertrauensliste: %1 Signaturzertifikate, Stand %2")
                           .replace("%1", str(status.certificates)).replace("%2", when))
        self.warning.setText(self.tr(
            "Die Vertrauensliste ist älter als 7 Tage oder fehlt: bitte eine aktuelle Liste "
            "importieren, sonst werden neue Aussteller als unbekannt gemeldet.")
            if status.stale else "")
        if status.key_id is None:
            self.key.setText(self.tr("Kein Signaturschlüssel installiert: Zertifikate können "
                                     "nicht ausgestellt werden (IT: „keys install“)."))
        else:
            text = self.tr("Signaturschlüssel %1, gültig bis %2").replace(
                "%1", status.key_id).replace(
                "%2", status.key_valid_until.strftime("%d.%m.%Y")
                if status.key_valid_until else "–")
            if status.key_training:
                text += " – " + self.tr("TRAINING/MUSTER, nicht für echte Zertifikate")
            self.key.setText(text)

    def import_list(self, path: str | None = None) -> None:
        if not path:
            path, _filter = QFileDialog.getOpenFileName(
                self, self.tr("Vertrauensliste öffnen"), "",
                self.tr("Vertrauensliste (*.json *.pem *.der *.crt)"))
        if not path:
            return
        try:
            status = import_trust_list(path)
        except UserError as exc:
            self.message.setText(exc.message)
            return
        self.message.setText(self.tr("Vertrauensliste übernommen."))
        self.show_status(status)
