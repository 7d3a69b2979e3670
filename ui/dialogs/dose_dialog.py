"""Consent + dose entry in one dialog, prefilled so a routine dose is two keystrokes.

The dialog shows core's read model ``dose_form`` (the rules are evaluated once, when it
opens) and sends the user's choices as a ``DoseRequest`` to ``record_dose`` through the
write path; core decides and refuses (message at the field, every field kept). Product,
lot, dose numbers and booster are preselected by the read model; the chosen product's
warnings need "Trotz Warnung impfen" and a reason; the Aufklärung checklist and the
Anamnese questions are those of the form in force for the product's disease.
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

from core.catalog.forms import AnamnesisQuestion, ConsentForm
from core.errors import UserError
from core.services.context import Actor
from core.services.dose_checks import PHYSICIAN_ROLES, VACCINATOR_ROLES
from core.usecases.dose_form import DoseForm, ProductChoice, dose_form
from core.usecases.doses import DoseRequest, record_dose
from ui.app import current_language
from ui.field_session import FieldSession
from ui.labels import COVID_STATUSES, INDICATIONS, INJECTION_SITES, MEASLES_STATUSES, label
from ui.write_path import WritePath

RED, GREY = "color: #b00020;", "color: #37474f;"


class DoseDialog(QDialog):
    def __init__(self, write_path: WritePath, actor: Actor, session: FieldSession,
                 visit_id: str, person_id: str, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("doseDialog")
        self.setWindowTitle(self.tr("Impfung dokumentieren"))
        self.setMinimumWidth(900)
        self.write_path, self.actor, self.session = write_path, actor, session
        self.visit_id, self.person_id, self.today = visit_id, person_id, today
        self.saved_dose_id: str | None = None
        self.saving = False
        self.consent: ConsentForm | None = None
        self.answers: dict[str, QComboBox] = {}
        with write_path.db.session() as s:
            self.form: DoseForm = dose_form(s, person_id, visit_id, today, session.staff_id)
        self._build()
        suggested = self.product.findData(self.form.suggested_product)
        self.product.setCurrentIndex(max(suggested, 0))
        self._product_changed()
        if self.form.blocked:
            self.show_message(self.form.blocked)
            self.save_button.setEnabled(False)

    # -- layout -----------------------------------------------------------------
    def _build(self) -> None:
        f = self.form
        header = QLabel(f"<b>{f.family_name}, {f.given_name}  *{f.birth_date:%d.%m.%Y}</b>",
                        self)
        header.setObjectName("doseHeader")
        self.status_line = QLabel(self.tr("COVID-19: %1 · Masern: %2")
                                  .replace("%1", label(COVID_STATUSES, f.status.covid19.status))
                                  .replace("%2", label(MEASLES_STATUSES, f.status.measles.status)),
                                  self)
        self.product = QComboBox(self)
        self.product.setObjectName("product")
        for choice in f.products:
            self.product.addItem(choice.name, choice.key)
        self.lot = QComboBox(self)
        self.lot.setObjectName("lot")
        self.dose_number = QSpinBox(self)
        self.dose_number.setObjectName("doseNumber")
        self.dose_number.setRange(1, 10)
        self.series_total = QSpinBox(self)
        self.series_total.setObjectName("seriesTotal")
        self.series_total.setRange(1, 10)
        self.booster = QCheckBox(self.tr("Auffrischimpfung"), self)
        self.booster.setObjectName("booster")
        self.booster.setEnabled(False)  # core decides from number/series (docs/rules.md)
        self.booster.setToolTip(self.tr("Ergibt sich aus Dosis-Nr. und Serienlänge"))
        dose_row = QHBoxLayout()
        for widget in (self.dose_number, QLabel(self.tr("von"), self), self.series_total,
                       self.booster):
            dose_row.addWidget(widget)
        self.reasons = QLabel("\n".join(f.reasons[:4]), self)
        self.reasons.setWordWrap(True)
        self.reasons.setObjectName("reasons")
        self.reasons.setStyleSheet(GREY)
        self.warnings = QLabel(self)
        self.warnings.setObjectName("warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(RED)
        self.override = QCheckBox(self.tr("Trotz Warnung impfen, Begründung:"), self)
        self.override.setObjectName("override")
        self.override_reason = QLineEdit(self)
        self.override_reason.setObjectName("overrideReason")
        d = f.defaults
        self.indication = self._codes(INDICATIONS, d.indication)
        self.site = self._codes(INJECTION_SITES, d.injection_site)
        self.physician = self._staff_box(PHYSICIAN_ROLES, d.physician_id, "physician")
        self.vaccinator = self._staff_box(VACCINATOR_ROLES, d.vaccinator_id, "vaccinator",
                                          choose=f.vaccinator_must_choose)
        self.informed_by = self._staff_box(tuple(dict.fromkeys(PHYSICIAN_ROLES
                                                               + VACCINATOR_ROLES)),
                                           d.informed_by_id, "informedBy")
        self.vaccinator_note = QLabel(self)
        self.vaccinator_note.setObjectName("vaccinatorNote")
        self.vaccinator_note.setWordWrap(True)
        self.vaccinator_note.setStyleSheet(RED)
        if f.vaccinator_must_choose:
            self.vaccinator_note.setText(self.tr(
                "%1 ist in diesem Einsatz nicht als Impfende/r im Team: bitte die impfende "
                "Person wählen (oder über „Team…“ als Vertretung aufnehmen).")
                .replace("%1", self.session.name or self.session.login))
        self.vaccinator_note.setVisible(f.vaccinator_must_choose)
        form = QFormLayout()
        form.addRow(self.tr("&Impfstoff"), self.product)
        form.addRow(self.tr("&Charge"), self.lot)
        form.addRow(self.tr("Dosis"), dose_row)
        form.addRow(self.tr("Indikation"), self.indication)
        form.addRow(self.tr("Injektionsstelle"), self.site)
        form.addRow(self.tr("Verantwortl. Ärztin/Arzt"), self.physician)
        form.addRow(self.tr("Impfende/r"), self.vaccinator)
        form.addRow("", self.vaccinator_note)
        self.consent_box = QGroupBox(self)
        self.consent_layout = QGridLayout(self.consent_box)
        self.consent_layout.setVerticalSpacing(2)
        self.checks: list[QCheckBox] = []
        self.anamnesis_box = QGroupBox(self.tr("Anamnese"), self)
        self.anamnesis_layout = QFormLayout(self.anamnesis_box)
        self.all_confirmed = QPushButton(self.tr("&Alle bestätigt"), self)
        self.all_confirmed.setObjectName("allConfirmed")
        self.all_confirmed.setToolTip(self.tr("Alle Punkte der Aufklärung bestätigen (Alt+A)"))
        self.all_confirmed.setAutoDefault(False)
        self.all_confirmed.clicked.connect(self.confirm_all)
        informed_row = QFormLayout()
        informed_row.addRow(self.tr("Aufklärung durch"), self.informed_by)
        self.message = QLabel(self)
        self.message.setObjectName("doseMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(RED)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("&Speichern (Strg+S)"))
        self.save_button.setObjectName("saveDose")
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
        layout.addWidget(self.anamnesis_box)
        layout.addWidget(self.all_confirmed)
        layout.addLayout(informed_row)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.product.currentIndexChanged.connect(lambda _i: self._product_changed())

    def _codes(self, table: dict[str, object], default: str) -> QComboBox:
        box = QComboBox(self)
        for code in table:
            box.addItem(label(table, code), code)
        box.setCurrentIndex(max(box.findData(default), 0))
        return box

    def _staff_box(self, roles: tuple[str, ...], default: str | None, name: str,
                   choose: bool = False) -> QComboBox:
        box = QComboBox(self)
        box.setObjectName(name)
        if choose or default is None:
            box.addItem(self.tr("– bitte wählen –"), None)
        for member in self.form.members(roles):
            box.addItem(member.name, member.staff_id)
        box.setCurrentIndex(max(box.findData(default), 0) if default is not None else 0)
        return box

    # -- behaviour ------------------------------------------------------------------
    def choice(self) -> ProductChoice | None:
        return self.form.product(self.product.currentData())

    def _product_changed(self) -> None:
        choice = self.choice()
        self.lot.clear()
        if choice is None:
            self._show_warnings()
            return
        for lot in choice.lots:
            u = lot.usage
            self.lot.addItem(self.tr("%1 · verwendbar bis %2 · %3 übrig")
                             .replace("%1", u.lot_number)
                             .replace("%2", u.expiry_date.strftime("%d.%m.%Y"))
                             .replace("%3", str(u.left)), u.lot_id)
        self.dose_number.setValue(choice.dose_number)
        self.series_total.setValue(choice.series_total)
        self.booster.setChecked(choice.booster)
        consent = self.form.consent_form(choice.key)
        if consent is not None and (self.consent is None or self.consent.label != consent.label):
            self._show_consent(consent)
        self._show_warnings()

    def _show_consent(self, consent: ConsentForm) -> None:
        """The checklist and Anamnese of ``consent``; same form: keep what was ticked."""
        self.consent = consent
        english = current_language() == "en"
        self.consent_box.setTitle(consent.title_en if english else consent.title)
        for check in self.checks:
            self.consent_layout.removeWidget(check)
            check.hide()
            check.deleteLater()
        self.checks = []
        for number, item in enumerate(consent.items):
            check = QCheckBox(item.text_en if english else item.text, self.consent_box)
            check.setObjectName(f"consent_{item.key}")
            check.setProperty("item_key", item.key)
            check.setToolTip(item.text)  # the German wording of the form, always
            self.consent_layout.addWidget(check, number // 2, number % 2)
            self.checks.append(check)
        while self.anamnesis_layout.rowCount():
            self.anamnesis_layout.removeRow(0)
        self.answers = {}
        defaults = self.form.defaults.anamnesis
        for question in consent.anamnesis:
            box = QComboBox(self.anamnesis_box)
            box.setObjectName(f"anamnesis_{question.key}")
            for answer in question.answers:
                box.addItem(answer, answer)
            box.setCurrentIndex(max(box.findData(defaults.get(question.key,
                                                              question.default)), 0))
            box.currentIndexChanged.connect(lambda _i: self._show_warnings())
            self.anamnesis_layout.addRow(question.text_en if english else question.text, box)
            self.answers[question.key] = box
        self.anamnesis_box.setVisible(bool(consent.anamnesis))

    def _answer_warnings(self) -> list[str]:
        """The form's own warning texts for the answers chosen (core re-checks them)."""
        if self.consent is None:
            return []
        english = current_language() == "en"
        questions: dict[str, AnamnesisQuestion] = {q.key: q for q in self.consent.anamnesis}
        return [(q.warning_en if english else q.warning) for key, box in self.answers.items()
                if (q := questions[key]) and box.currentData() in q.warn_if]

    def _show_warnings(self) -> None:
        choice = self.choice()
        warnings = (list(choice.warnings) if choice else []) + self._answer_warnings()
        self.warnings.setText("\n".join(warnings))
        self.override.setVisible(bool(warnings))
        self.override_reason.setVisible(bool(warnings))

    def confirm_all(self) -> None:
        for check in self.checks:
            check.setChecked(True)

    def request(self) -> DoseRequest:
        """The user's choices; numbers only when changed from the read model's suggestion."""
        choice = self.choice()
        number, total = self.dose_number.value(), self.series_total.value()
        changed = choice is None or (number, total) != (choice.dose_number,
                                                        choice.series_total)
        override = self.override_reason.text().strip() if self.override.isChecked() else ""
        return DoseRequest(
            person_id=self.person_id, visit_id=self.visit_id,
            product=self.product.currentData() or "", lot_id=self.lot.currentData() or "",
            vaccinator_id=self.vaccinator.currentData(),
            physician_id=self.physician.currentData(),
            form=self.consent.label if self.consent else "",
            confirmed=tuple(str(c.property("item_key")) for c in self.checks if c.isChecked()),
            anamnesis={key: box.currentData() for key, box in self.answers.items()},
            informed_by_id=self.informed_by.currentData(),
            indication=self.indication.currentData(), injection_site=self.site.currentData(),
            dose_number=number if changed else None, series_total=total if changed else None,
            override_reason=override)

    def show_message(self, text: str, error: bool = True) -> None:
        self.message.setStyleSheet(RED if error else GREY)
        self.message.setText(text)

    def save(self) -> None:
        if self.saving or not self.save_button.isEnabled():
            return
        if self.product.currentData() is None or self.lot.currentData() is None:
            self.show_message(self.form.blocked or self.tr(
                "Keine verwendbare Charge für diesen Einsatz (abgelaufen oder aufgebraucht)."))
            return
        request, actor, today = self.request(), self.actor, self.today
        self.saving = True
        self.save_button.setEnabled(False)
        self.show_message(self.tr("Wird gespeichert …"), error=False)
        self.write_path.submit(lambda s: record_dose(s, actor, request, today),
                               self._saved, self._refused, owner=self,
                               label=f"record_dose person={request.person_id}",
                               on_queued=lambda text: self.show_message(text, error=False))

    def _saved(self, dose: object) -> None:
        self.saving = False
        self.saved_dose_id = str(getattr(dose, "id", "")) or None
        self.accept()

    def _refused(self, exc: UserError) -> None:
        """Core said no: the message at its field; every choice stays as it was."""
        self.saving = False
        self.save_button.setEnabled(not self.form.blocked)
        self.show_message(exc.message)
        focus = {"override": self.override_reason, "consent": self.all_confirmed,
                 "anamnesis": self.anamnesis_box, "Impfende/r": self.vaccinator,
                 "vaccinator": self.vaccinator, "dose": self.dose_number}
        widget = focus.get(exc.field or "")
        if widget is not None:
            widget.setFocus()

    def reject(self) -> None:
        if self.saving:
            return  # the save is on its way; its answer closes or keeps the dialog
        super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter saves (after the checks) instead of closing the dialog half-done."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.save()
            return
        super().keyPressEvent(event)
