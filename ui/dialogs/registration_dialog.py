"""Register a person: all fields, PLZ → Kreis, live duplicate warning, draft kept.

Saving runs ``create_person`` (audited); choosing "dieselbe Person" on a duplicate uses the
existing record instead, so no second record is made. Whatever was typed is kept as a
draft in QSettings until it is saved or discarded, so closing the dialog or the app
never loses input.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.catalog.districts import get_districts
from core.db.engine import Database
from core.errors import UserError
from core.services.context import Actor
from core.services.persons import PersonInput, create_person
from core.services.search import PersonHit, likely_same
from ui.labels import SEXES, TARGET_GROUPS, label
from ui.widgets.date_edit import DateEdit
from ui.widgets.field_error import FieldErrors

DRAFT_KEY = "drafts/registration"


class RegistrationDialog(QDialog):
    def __init__(self, db: Database, actor: Actor, parent: QWidget | None = None,
                 prefill: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("registrationDialog")
        self.setWindowTitle(self.tr("Person aufnehmen"))
        self.setMinimumWidth(620)
        self.db, self.actor = db, actor
        self.person_id: str | None = None
        self.errors = FieldErrors()
        self.family = QLineEdit(self)
        self.given = QLineEdit(self)
        self.birth = DateEdit(self)
        self.sex = QComboBox(self)
        for code in SEXES:
            self.sex.addItem(label(SEXES, code), code)
        self.street = QLineEdit(self)
        self.postcode = QLineEdit(self)
        self.postcode.setMaxLength(5)
        self.city = QLineEdit(self)
        self.district = QComboBox(self)
        self.phone = QLineEdit(self)
        self.target = QComboBox(self)
        for code in TARGET_GROUPS:
            self.target.addItem(label(TARGET_GROUPS, code), code)
        self.notes = QLineEdit(self)
        for name in ("family", "given", "birth", "street", "postcode", "city", "phone", "notes"):
            getattr(self, name).setObjectName(name)
        self.sex.setObjectName("sex")
        self.target.setObjectName("target")
        self.district.setObjectName("district")
        form = QFormLayout()
        rows: list[tuple[str, QWidget, str, tuple[str, ...]]] = [
            (self.tr("&Nachname*"), self.family, "family", ("Nachname",)),
            (self.tr("&Vorname*"), self.given, "given", ("Vorname",)),
            (self.tr("&Geburtsdatum*"), self.birth, "birth", ("Geburtsdatum", "birth_date")),
            (self.tr("Geschlecht"), self.sex, "sex", ("Geschlecht",)),
            (self.tr("Straße, Nr."), self.street, "street", ()),
            (self.tr("&PLZ"), self.postcode, "postcode", ("PLZ",)),
            (self.tr("Ort"), self.city, "city", ()),
            (self.tr("Kreis"), self.district, "district", ("Kreis",)),
            (self.tr("Telefon"), self.phone, "phone", ()),
            (self.tr("&Zielgruppe"), self.target, "target", ("Zielgruppe",)),
            (self.tr("Notiz"), self.notes, "notes", ()),
        ]
        for text, widget, key, aliases in rows:
            form.addRow(text, widget)
            form.addRow("", self.errors.add(key, widget, *aliases))
        self.duplicates = QListWidget(self)
        self.duplicates.setObjectName("duplicates")
        self.duplicates.setMaximumHeight(90)
        self.duplicate_label = QLabel(self.tr("Mögliche Dubletten – bitte prüfen:"), self)
        self.same_button = QPushButton(self.tr("Ist &dieselbe Person"), self)
        self.same_button.setObjectName("samePerson")
        self.same_button.clicked.connect(self._use_existing)
        self.status = QLabel(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("&Speichern"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for widget in (self.duplicate_label, self.duplicates, self.same_button, self.status,
                       self.buttons):
            layout.addWidget(widget)
        self._show_duplicates([])
        self.dup_timer = QTimer(self)
        self.dup_timer.setSingleShot(True)
        self.dup_timer.setInterval(150)
        self.dup_timer.timeout.connect(self.check_duplicates)
        for edit in (self.family, self.given, self.birth):
            edit.textChanged.connect(lambda _t: self.dup_timer.start())
        self.postcode.textChanged.connect(self._postcode_changed)
        for edit in (self.family, self.given, self.birth, self.street, self.postcode,
                     self.city, self.phone, self.notes):
            edit.textChanged.connect(lambda _t: self._save_draft())
        self._restore(prefill)

    # -- draft ------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        return {"family": self.family.text(), "given": self.given.text(),
                "birth": self.birth.text(), "sex": self.sex.currentData(),
                "street": self.street.text(), "postcode": self.postcode.text(),
                "city": self.city.text(), "district": self.district.currentData(),
                "phone": self.phone.text(), "target": self.target.currentData(),
                "notes": self.notes.text()}

    def _save_draft(self) -> None:
        if any(str(v or "").strip() for k, v in self.values().items()
               if k not in ("sex", "target", "district")):
            QSettings().setValue(DRAFT_KEY, json.dumps(self.values()))

    def _restore(self, prefill: dict[str, str] | None) -> None:
        data: dict[str, Any] = dict(prefill or {})
        if not data:
            raw = QSettings().value(DRAFT_KEY)
            if raw:
                data = json.loads(str(raw))
                self.status.setText(self.tr("Entwurf wiederhergestellt."))
        for key in ("family", "given", "birth", "street", "postcode", "city", "phone", "notes"):
            if data.get(key):
                getattr(self, key).setText(str(data[key]))
        for key, box in (("sex", self.sex), ("target", self.target),
                         ("district", self.district)):
            index = box.findData(data.get(key))
            if index >= 0:
                box.setCurrentIndex(index)

    @staticmethod
    def discard_draft() -> None:
        QSettings().remove(DRAFT_KEY)

    # -- PLZ → Kreis --------------------------------------------------------------
    def _postcode_changed(self, text: str) -> None:
        self.district.clear()
        self.errors.clear("postcode")
        catalog = get_districts()
        matches = catalog.by_plz(text) if len(text.strip()) == 5 else []
        districts = catalog.districts_for_plz(text) if matches else []
        if len(districts) > 1:
            self.district.addItem(self.tr("– bitte Kreis wählen –"), None)
        for district in districts:
            self.district.addItem(district.label, district.ags)
        if matches and not self.city.text().strip():
            self.city.setText(matches[0].place)
        if len(text.strip()) == 5 and not matches:
            self.errors.show("postcode", self.tr("PLZ nicht in NRW/Hessen bekannt – Kreis "
                                                 "bitte prüfen."))

    # -- duplicates -----------------------------------------------------------------
    def check_duplicates(self) -> None:
        query = f"{self.family.text()} {self.given.text()}".strip()
        hits: list[PersonHit] = []
        if len(self.family.text().strip()) >= 2:
            try:
                birth = self.birth.value("Geburtsdatum") if self.birth.text().strip() else None
                with self.db.session() as session:
                    hits = likely_same(session, query, birth=birth)
            except UserError:
                hits = []
        self._show_duplicates(hits)

    def _show_duplicates(self, hits: list[PersonHit]) -> None:
        self.duplicates.clear()
        for hit in hits:
            item = QListWidgetItem(f"{hit.family_name}, {hit.given_name}  "
                                   f"*{hit.birth_date:%d.%m.%Y}  {hit.postcode}  ({hit.score} %)")
            item.setData(256, hit.id)
            self.duplicates.addItem(item)
        for widget in (self.duplicate_label, self.duplicates, self.same_button):
            widget.setVisible(bool(hits))
        if hits:
            self.duplicates.setCurrentRow(0)

    def _use_existing(self) -> None:
        item = self.duplicates.currentItem()
        if item is None:
            return
        self.person_id = str(item.data(256))
        self.discard_draft()
        self.accept()

    # -- save ---------------------------------------------------------------------
    def save(self) -> None:
        self.errors.clear()
        try:
            data = PersonInput(
                family_name=self.family.text(), given_name=self.given.text(),
                birth_date=self.birth.value("Geburtsdatum"), sex=self.sex.currentData(),
                street=self.street.text().strip(), postcode=self.postcode.text().strip(),
                city=self.city.text().strip(), district_ags=self.district.currentData(),
                phone=self.phone.text().strip(), target_group=self.target.currentData(),
                notes=self.notes.text().strip())
            with self.db.session() as session:
                self.person_id = create_person(session, self.actor, data).id
        except UserError as exc:
            if not self.errors.show(exc.field, exc.message):
                self.status.setText(exc.message)
            self.adjustSize()
            return
        self.discard_draft()
        self.accept()
