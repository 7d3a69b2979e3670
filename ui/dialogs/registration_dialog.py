"""Register a person: all fields, PLZ → Kreis, live duplicate list, second confirmation.

Saving sends ``register_person`` through the write path. A likely duplicate makes core
refuse with ``DuplicateError``: the dialog shows the hits and only the explicit button
"Trotzdem als neue Person anlegen" resubmits with ``force_duplicate``; plain Enter never
creates the second record. "Ist dieselbe Person" takes the existing record instead.

Opened from a scanned certificate of an unknown person, saving also adopts the
certificate (``adopt_certificate``: its dose as back-entry ``nachtrag_zertifikat``) in the
same transaction, with the names and birth date as the user corrected them.

What was typed lives only in this dialog's widgets: nothing is written to QSettings or
any file (name, birth date, address and phone are personal data), so Cancel forgets it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QTimer
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
from sqlalchemy.orm import Session

from core.catalog.districts import get_districts
from core.certificates.holder import Prefill
from core.errors import UserError
from core.services.context import Actor
from core.services.persons import PersonInput
from core.services.search import PersonHit
from core.usecases.changes import Written
from core.usecases.registration import (
    DuplicateError,
    adopt_certificate,
    duplicates_of,
    person_defaults,
    register_person,
)
from ui.labels import SEXES, TARGET_GROUPS, label
from ui.widgets.date_edit import DateEdit
from ui.widgets.field_error import FieldErrors
from ui.write_path import WritePath

HIT_ROLE = 256


class RegistrationDialog(QDialog):
    def __init__(self, write_path: WritePath, actor: Actor, today: date,
                 parent: QWidget | None = None, prefill: dict[str, str] | None = None,
                 certificate: Prefill | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("registrationDialog")
        self.setWindowTitle(self.tr("Person aufnehmen"))
        self.setMinimumWidth(620)
        self.write_path, self.actor, self.today = write_path, actor, today
        self.certificate = certificate
        self.person_id: str | None = None
        self.adopted_doses = 0
        self.adopt_notes: list[str] = []
        self.saving = False
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
            (self.tr("&Nachname*"), self.family, "family", ("Nachname", "family_name")),
            (self.tr("&Vorname*"), self.given, "given", ("Vorname", "given_name")),
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
        self.certificate_note = QLabel(self)
        self.certificate_note.setObjectName("certificateNote")
        self.certificate_note.setWordWrap(True)
        self.duplicates = QListWidget(self)
        self.duplicates.setObjectName("duplicates")
        self.duplicates.setMaximumHeight(90)
        self.duplicate_label = QLabel(self.tr("Mögliche Dubletten – bitte prüfen:"), self)
        self.same_button = QPushButton(self.tr("Ist &dieselbe Person"), self)
        self.same_button.setObjectName("samePerson")
        self.same_button.setAutoDefault(False)
        self.same_button.clicked.connect(self._use_existing)
        self.force_button = QPushButton(self.tr("&Trotzdem als neue Person anlegen"), self)
        self.force_button.setObjectName("forceNewPerson")
        self.force_button.setAutoDefault(False)  # Enter saves normally and is refused again
        self.force_button.clicked.connect(lambda: self.save(force_duplicate=True))
        self.force_button.hide()
        self.status = QLabel(self)
        self.status.setObjectName("registrationStatus")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("&Speichern"))
        self.buttons.accepted.connect(lambda: self.save())
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.certificate_note)
        layout.addLayout(form)
        for widget in (self.duplicate_label, self.duplicates, self.same_button,
                       self.force_button, self.status, self.buttons):
            layout.addWidget(widget)
        self._show_duplicates([])
        self.dup_timer = QTimer(self)
        self.dup_timer.setSingleShot(True)
        self.dup_timer.setInterval(150)
        self.dup_timer.timeout.connect(self.check_duplicates)
        for edit in (self.family, self.given, self.birth):
            edit.textChanged.connect(lambda _t: self.dup_timer.start())
        self.postcode.textChanged.connect(self._postcode_changed)
        self._fill(prefill, certificate)

    # -- initial values -------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        return {"family": self.family.text(), "given": self.given.text(),
                "birth": self.birth.text(), "sex": self.sex.currentData(),
                "street": self.street.text(), "postcode": self.postcode.text(),
                "city": self.city.text(), "district": self.district.currentData(),
                "phone": self.phone.text(), "target": self.target.currentData(),
                "notes": self.notes.text()}

    def _fill(self, prefill: dict[str, str] | None, certificate: Prefill | None) -> None:
        defaults = person_defaults()  # core decides the defaults (u / sonstige)
        data: dict[str, Any] = {"sex": defaults["sex"], "target": defaults["target_group"]}
        if certificate is not None:
            data.update(family=certificate.family_name, given=certificate.given_name,
                        birth=certificate.birth_date.strftime("%d.%m.%Y")
                        if certificate.birth_date else "")
            self.certificate_note.setText(self.tr(
                "Aus dem Zertifikat übernommen (Namen bitte prüfen). Beim Speichern wird "
                "die Impfung aus dem Zertifikat als Nachtrag gespeichert."))
        self.certificate_note.setVisible(certificate is not None)
        data.update({k: v for k, v in (prefill or {}).items() if v})
        for key in ("family", "given", "birth", "street", "postcode", "city", "phone", "notes"):
            if data.get(key):
                getattr(self, key).setText(str(data[key]))
        for key, box in (("sex", self.sex), ("target", self.target),
                         ("district", self.district)):
            index = box.findData(data.get(key))
            if index >= 0:
                box.setCurrentIndex(index)

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
    def _typed_birth(self) -> date | None:
        try:
            return self.birth.value("Geburtsdatum") if self.birth.text().strip() else None
        except UserError:
            return None

    def check_duplicates(self) -> None:
        with self.write_path.db.session() as session:
            hits = duplicates_of(session, self.family.text(), self.given.text(),
                                 self._typed_birth())
        self._show_duplicates(hits)

    def _show_duplicates(self, hits: list[PersonHit], confirm: bool = False) -> None:
        self.duplicates.clear()
        for hit in hits:
            item = QListWidgetItem(f"{hit.family_name}, {hit.given_name}  "
                                   f"*{hit.birth_date:%d.%m.%Y}  {hit.postcode}  ({hit.score} %)")
            item.setData(HIT_ROLE, hit.id)
            self.duplicates.addItem(item)
        for widget in (self.duplicate_label, self.duplicates, self.same_button):
            widget.setVisible(bool(hits))
        self.force_button.setVisible(bool(hits) and confirm)
        if hits:
            self.duplicates.setCurrentRow(0)

    def _use_existing(self) -> None:
        item = self.duplicates.currentItem()
        if item is None or self.saving:
            return
        person_id = str(item.data(HIT_ROLE))
        if self.certificate is None:
            self.person_id = person_id
            self.accept()
            return
        data, actor, today = self.certificate, self.actor, self.today
        self._submit(lambda s: self._adopt_into(s, actor, data, today, person_id))

    @staticmethod
    def _adopt_into(session: Session, actor: Actor, data: Prefill, today: date,
                    person_id: str) -> Written[tuple[str, int, list[str]]]:
        adopted = adopt_certificate(session, actor, data, today, person_id=person_id)
        value = adopted.value
        return Written((value.person_id, len(value.dose_ids), list(value.skipped)),
                       adopted.changes)

    # -- save ---------------------------------------------------------------------
    def person_input(self) -> PersonInput:
        return PersonInput(
            family_name=self.family.text(), given_name=self.given.text(),
            birth_date=self.birth.value("Geburtsdatum"), sex=self.sex.currentData(),
            street=self.street.text().strip(), postcode=self.postcode.text().strip(),
            city=self.city.text().strip(), district_ags=self.district.currentData(),
            phone=self.phone.text().strip(), target_group=self.target.currentData(),
            notes=self.notes.text().strip())

    def save(self, force_duplicate: bool = False) -> None:
        if self.saving:
            return
        self.errors.clear()
        self.status.clear()
        try:
            data = self.person_input()
        except UserError as exc:
            self._refused(exc)
            return
        actor, today, certificate = self.actor, self.today, self.certificate
        if certificate is not None:  # the names/birth date as the user corrected them
            certificate = replace(certificate, family_name=data.family_name.strip(),
                                  given_name=data.given_name.strip(),
                                  birth_date=data.birth_date)

        def job(session: Session) -> Written[tuple[str, int, list[str]]]:
            written = register_person(session, actor, data, today, force_duplicate)
            person_id = written.value.person_id
            if certificate is None:
                return Written((person_id, 0, []), written.changes)
            adopted = self._adopt_into(session, actor, certificate, today, person_id)
            return Written(adopted.value, written.changes | adopted.changes)

        self._submit(job)

    def _submit(self, job: Any) -> None:
        self.saving = True
        self.save_button.setEnabled(False)
        self.write_path.submit(job, self._saved, self._refused, owner=self,
                               label="register_person",
                               on_queued=self.status.setText)

    def _saved(self, value: tuple[str, int, list[str]]) -> None:
        self.saving = False
        self.person_id, self.adopted_doses, self.adopt_notes = value
        self.accept()

    def _refused(self, exc: UserError) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, DuplicateError):
            self._show_duplicates(exc.hits, confirm=True)
            self.status.setText(exc.message)
        elif not self.errors.show(exc.field, exc.message):
            self.status.setText(exc.message)
        self.adjustSize()

    def reject(self) -> None:
        if not self.saving:
            super().reject()
