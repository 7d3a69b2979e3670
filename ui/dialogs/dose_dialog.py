"""Consent + dose entry in one dialog, prefilled so a routine dose is two keystrokes.

Product and lot default to the visit's open lot (expired or exhausted lots are not
offered); dose number and booster come from the rules engine with its reasons; interval
or age warnings need an explicit override with a reason; the Aufklärung checklist of the
form version in force must be confirmed before saving.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.catalog.forms import form_for
from core.catalog.products import get_catalog
from core.db.engine import Database
from core.db.models import Person
from core.errors import UserError
from core.services import records
from core.services.context import Actor
from core.services.field_day import LotOnHand, TeamMember, lots_on_hand, save_dose, team
from core.services.person_status import (
    DoseSuggestion,
    person_status,
    stored_doses,
    suggest_dose,
)
from core.services.vaccinations import VaccinationInput
from ui.app import current_language
from ui.field_session import FieldSession
from ui.labels import COVID_STATUSES, INDICATIONS, INJECTION_SITES, MEASLES_STATUSES, label


class DoseDialog(QDialog):
    def __init__(self, db: Database, actor: Actor, session: FieldSession, visit_id: str,
                 person_id: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("doseDialog")
        self.setWindowTitle(self.tr("Impfung dokumentieren"))
        self.setMinimumWidth(900)
        self.db, self.actor, self.session = db, actor, session
        self.visit_id, self.person_id, self.today = visit_id, person_id, today
        self.saved_dose_id: str | None = None
        self.form_version = ""  # set with the checklist of the chosen product's disease
        with db.session() as s:
            person = records.find(s, Person, person_id)
            self.person_label = (f"{person.family_name}, {person.given_name}  "
                                 f"*{person.birth_date:%d.%m.%Y}")
            self.target_group = person.target_group
            status = person_status(s, person_id, today)
            self.lots = [lot for lot in lots_on_hand(s, visit_id, today) if lot.usable]
            self.team: list[TeamMember] = team(s, visit_id)
            history = stored_doses(s, person_id)
        self.suggestion: DoseSuggestion | None = None
        self._build(status.covid19.status, status.measles.status)
        previous = [d.product_key for d in history if d.disease == "covid19"]
        if previous and self.product.findData(previous[-1]) >= 0:
            self.product.setCurrentIndex(self.product.findData(previous[-1]))
        self._product_changed()

    # -- layout -----------------------------------------------------------------
    def _build(self, covid: str, measles: str) -> None:
        header = QLabel(f"<b>{self.person_label}</b>", self)
        header.setObjectName("doseHeader")
        self.status_line = QLabel(self.tr("COVID-19: %1 · Masern: %2")
                                  .replace("%1", label(COVID_STATUSES, covid))
                                  .replace("%2", label(MEASLES_STATUSES, measles)), self)
        self.product = QComboBox(self)
        self.product.setObjectName("product")
        catalog = get_catalog()
        for key in dict.fromkeys(lot.usage.product_key for lot in self.lots):
            item = catalog.resolve(key)
            self.product.addItem(item.name if item else key, key)
        self.lot = QComboBox(self)
        self.lot.setObjectName("lot")
        self.dose_number = QSpinBox(self)
        self.dose_number.setRange(1, 10)
        self.series_total = QSpinBox(self)
        self.series_total.setRange(1, 10)
        self.booster = QCheckBox(self.tr("Auffrischimpfung"), self)
        dose_row = QHBoxLayout()
        for widget in (self.dose_number, QLabel(self.tr("von"), self), self.series_total,
                       self.booster):
            dose_row.addWidget(widget)
        self.reasons = QLabel(self)
        self.reasons.setWordWrap(True)
        self.reasons.setObjectName("reasons")
        self.reasons.setStyleSheet("color: #37474f;")
        self.warnings = QLabel(self)
        self.warnings.setObjectName("warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #b00020;")
        self.override = QCheckBox(self.tr("Trotz Warnung impfen, Begründung:"), self)
        self.override.setObjectName("override")
        self.override_reason = QLineEdit(self)
        self.override_reason.setObjectName("overrideReason")
        self.indication = self._codes(INDICATIONS,
                                      "beruf" if self.target_group == "jobcenter_personal"
                                      else "alter")
        self.site = self._codes(INJECTION_SITES, "oa_links")
        self.physician = self._staff_box(("arzt",), None)
        self.vaccinator = self._staff_box(("impfend", "arzt"), self.session.staff_id)
        self.informed_by = self._staff_box(("arzt", "impfend"), None)
        form = QFormLayout()
        form.addRow(self.tr("&Impfstoff"), self.product)
        form.addRow(self.tr("&Charge"), self.lot)
        form.addRow(self.tr("Dosis"), dose_row)
        form.addRow(self.tr("Indikation"), self.indication)
        form.addRow(self.tr("Injektionsstelle"), self.site)
        form.addRow(self.tr("Verantwortl. Ärztin/Arzt"), self.physician)
        form.addRow(self.tr("Impfende/r"), self.vaccinator)
        self.consent_box = QGroupBox(self)
        self.consent_layout = QGridLayout(self.consent_box)
        self.consent_layout.setVerticalSpacing(2)
        self.checks: list[QCheckBox] = []
        self.all_confirmed = QPushButton(self.tr("&Alle bestätigt"), self)
        self.all_confirmed.setObjectName("allConfirmed")
        self.all_confirmed.setToolTip(self.tr("Alle Punkte der Aufklärung bestätigen (Alt+A)"))
        self.all_confirmed.clicked.connect(self.confirm_all)
        informed_row = QFormLayout()
        informed_row.addRow(self.tr("Aufklärung durch"), self.informed_by)
        self.message = QLabel(self)
        self.message.setObjectName("doseMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(self.tr("&Speichern (Strg+S)"))
        save.setObjectName("saveDose")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)
        layout = QVBoxLayout(self)
        for widget in (header, self.status_line):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.reasons)
        layout.addWidget(self.warnings)
        override_row = QHBoxLayout()
        override_row.addWidget(self.override)
        override_row.addWidget(self.override_reason, 1)
        layout.addLayout(override_row)
        layout.addWidget(self.consent_box)
        layout.addWidget(self.all_confirmed)
        layout.addLayout(informed_row)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.product.currentIndexChanged.connect(lambda _i: self._product_changed())
        if not self.lots:
            self.message.setText(self.tr("Keine verwendbare Charge für diesen Einsatz "
                                         "(abgelaufen oder aufgebraucht)."))
            save.setEnabled(False)

    def _codes(self, table: dict[str, object], default: str) -> QComboBox:
        box = QComboBox(self)
        for code in table:
            box.addItem(label(table, code), code)
        box.setCurrentIndex(max(box.findData(default), 0))
        return box

    def _staff_box(self, roles: tuple[str, ...], default: str | None) -> QComboBox:
        box = QComboBox(self)
        for member in self.team:
            if member.role in roles:
                box.addItem(member.name, member.staff_id)
        if default is not None and box.findData(default) >= 0:
            box.setCurrentIndex(box.findData(default))
        return box

    # -- behaviour ------------------------------------------------------------------
    def lots_for(self, product_key: str) -> list[LotOnHand]:
        lots = [lot for lot in self.lots if lot.usage.product_key == product_key]
        return sorted(lots, key=lambda lot: lot.usage.expiry_date)

    def _product_changed(self) -> None:
        key = self.product.currentData()
        self.lot.clear()
        if key is None:
            return
        for lot in self.lots_for(key):
            u = lot.usage
            self.lot.addItem(self.tr("%1 · verwendbar bis %2 · %3 übrig")
                             .replace("%1", u.lot_number)
                             .replace("%2", u.expiry_date.strftime("%d.%m.%Y"))
                             .replace("%3", str(u.left)), u.lot_id)
        with self.db.session() as s:
            self.suggestion = suggest_dose(s, self.person_id, key, self.today)
        self.dose_number.setValue(self.suggestion.dose_number)
        self.series_total.setValue(self.suggestion.series_total)
        self.booster.setChecked(self.suggestion.booster)
        self.reasons.setText("\n".join(self.suggestion.reasons[:4]))
        self.warnings.setText("\n".join(self.suggestion.warnings))
        has_warnings = bool(self.suggestion.warnings)
        self.override.setVisible(has_warnings)
        self.override_reason.setVisible(has_warnings)
        product = get_catalog().require(key)
        form = form_for(product.disease, self.today)
        if self.form_version == form.label:
            return  # same checklist: keep what was already ticked
        self.form_version = form.label
        english = current_language() == "en"
        self.consent_box.setTitle(form.title_en if english else form.title)
        for check in self.checks:
            self.consent_layout.removeWidget(check)
            check.hide()
            check.deleteLater()
        self.checks = []
        for number, item in enumerate(form.items):
            check = QCheckBox(item.text_en if english else item.text, self.consent_box)
            check.setObjectName(f"consent_{item.key}")
            check.setToolTip(item.text)  # the German wording of the form, always
            self.consent_layout.addWidget(check, number // 2, number % 2)
            self.checks.append(check)

    def confirm_all(self) -> None:
        for check in self.checks:
            check.setChecked(True)

    def save(self) -> None:
        self.message.clear()
        if self.product.currentData() is None or self.lot.currentData() is None:
            self.message.setText(self.tr("Keine verwendbare Charge für diesen Einsatz "
                                         "(abgelaufen oder aufgebraucht)."))
            return
        if not all(check.isChecked() for check in self.checks):
            self.message.setText(self.tr("Bitte Aufklärung und Anamnese vollständig "
                                         "bestätigen (Alt+A: alle bestätigt)."))
            return
        override = ""
        if self.suggestion is not None and self.suggestion.warnings:
            override = self.override_reason.text().strip()
            if not self.override.isChecked() or not override:
                self.message.setText(self.tr("Warnung: bitte „Trotz Warnung impfen“ ankreuzen "
                                             "und eine Begründung angeben."))
                self.override_reason.setFocus()
                return
        data = VaccinationInput(
            person_id=self.person_id, date=self.today, product=self.product.currentData(),
            dose_number=self.dose_number.value(), series_total=self.series_total.value(),
            visit_id=self.visit_id, lot_id=self.lot.currentData(),
            booster=self.booster.isChecked(), indication=self.indication.currentData(),
            injection_site=self.site.currentData(), physician_id=self.physician.currentData(),
            vaccinator_id=self.vaccinator.currentData(),
            informed_by_id=self.informed_by.currentData(), consent_recorded=True,
            anamnesis_recorded=True, form_version=self.form_version, override_reason=override)
        try:
            with self.db.session() as s:
                self.saved_dose_id = save_dose(s, self.actor, data, self.today).id
        except UserError as exc:
            self.message.setText(exc.message)
            return
        self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter saves (after the checks) instead of closing the dialog half-done."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save()
            return
        super().keyPressEvent(event)
