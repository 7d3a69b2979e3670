"""Issue 11 through the widgets: the field paths on the write path, with fixed 2021 dates.

Returning person, walk-in, a certificate of a known and of an unknown person (its dose
adopted, then 3/3 booster proposed), refusals that keep the dialog's contents, the
duplicate's second confirmation, the defaults, no registration draft in QSettings,
back-entry confirmation, sign-in with "Einsatz beginnen", a planned visit of another
day, the team dialog.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from core.certificates.issue import issue_certificate
from core.certificates.keys import make_training_pki
from core.db.engine import Database
from core.db.models import Person, Vaccination, Visit, VisitMember
from core.services.context import Actor
from core.services.persons import PersonInput, create_person
from core.usecases.checkin import check_in_by_person
from core.usecases.doses import BackEntryRequest, record_backentry
from tests.cli_env import TEST_PASSWORD, full_actor, grant
from tests.conftest import World
from tests.core.usecases.conftest import Day, make_day
from tests.ui.conftest import DAY_2021, signed_in, window_for
from tests.ui.helpers import wait_for, wait_writes, when_modal
from ui.dialogs.back_entry_dialog import BackEntryDialog
from ui.dialogs.dose_dialog import DoseDialog
from ui.dialogs.registration_dialog import RegistrationDialog
from ui.dialogs.signin_dialog import SignInDialog
from ui.dialogs.team_dialog import TeamDialog
from ui.main_window import MainWindow
from ui.write_path import WritePath

HOLDER = ("Papadopoulou", "Eleni", date(1988, 7, 9))


@pytest.fixture
def foreign_hc1(tmp_path: Path, template_db: Path) -> str:
    """A certificate issued by another team (2/2 Comirnaty on 01.06.2021): not in our DB."""
    path = tmp_path / "other-team.sqlite"
    shutil.copy(template_db, path)
    other = Database.open(str(path))
    try:
        with other.session() as s:
            actor = full_actor(s, "andere.team")
            person = create_person(s, actor, PersonInput(*HOLDER), DAY_2021).id
            dose = record_backentry(s, actor, BackEntryRequest(
                person, date(2021, 6, 1), "Comirnaty", "nachtrag_impfpass", "EW1", 2, 2),
                DAY_2021).value
            _csca, identity = make_training_pki()
            return issue_certificate(s, actor, dose.id, identity.key,
                                     identity.certificate).hc1
    finally:
        other.dispose()


def given_doses(db: Database, person_id: str) -> list[tuple[str, int, int, bool]]:
    with db.session() as s:
        rows = s.scalars(select(Vaccination).where(Vaccination.person_id == person_id,
                                                   Vaccination.voided_at.is_(None))
                         .order_by(Vaccination.date))
        return [(v.source, v.dose_number, v.series_total, v.booster) for v in rows]


def persons(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Person)) or 0)


def vaccinate(page: object, person_id: str, check: object = None) -> None:
    """Open the dose dialog for ``person_id``, optionally inspect it, confirm and save."""
    def act(dialog: DoseDialog) -> None:
        if callable(check):
            check(dialog)
        dialog.all_confirmed.click()
        QtBot.keyClick(dialog.product, Qt.Key.Key_Return)
        wait_for(lambda: not dialog.saving)
        assert not dialog.isVisible(), dialog.message.text()

    when_modal(DoseDialog, act)
    page.vaccinate(person_id)  # type: ignore[attr-defined]


def scan(page: object, text: str) -> None:
    page.scan.setText(text)  # type: ignore[attr-defined]
    QtBot.keyClick(page.scan, Qt.Key.Key_Return)  # type: ignore[attr-defined]


# -- the five field paths --------------------------------------------------------------
def test_returning_person_typed_name_checked_in_and_vaccinated(
        window_2021: MainWindow, db: Database, actor: Actor, day: Day) -> None:
    with db.session() as s:
        known = create_person(s, actor, PersonInput("Schulz", "Lena", date(1970, 3, 1)),
                              DAY_2021).id
    page = window_2021.field_page
    assert page is not None
    scan(page, "Schulz Lena")
    wait_writes(window_2021.write_path)
    assert [r.person_id for r in page.queue.rows()] == [known]
    vaccinate(page, known)
    wait_writes(window_2021.write_path)
    assert given_doses(db, known) == [("verabreicht", 1, 2, False)]
    assert page.doses.rowCount() == 1 and page.queue.rows()[0].status == "geimpft"


def test_certificate_of_unknown_person_registers_adopts_and_proposes_booster(
        window_2021: MainWindow, db: Database, day: Day, foreign_hc1: str) -> None:
    page = window_2021.field_page
    assert page is not None

    def register(dialog: RegistrationDialog) -> None:
        assert dialog.certificate is not None and dialog.certificate_note.isVisible()
        assert (dialog.family.text(), dialog.given.text(), dialog.birth.text()) == (
            "Papadopoulou", "Eleni", "09.07.1988")
        assert (dialog.sex.currentData(), dialog.target.currentData()) == ("u", "sonstige")
        dialog.given.setText("Eléni")  # the user corrects the transliterated name
        QtBot.keyClicks(dialog.phone, "0521 555")
        dialog.save()

    when_modal(RegistrationDialog, register)
    scan(page, foreign_hc1)
    wait_for(lambda: page.queue.rowCount() == 1)
    wait_writes(window_2021.write_path)
    with db.session() as s:
        person = s.scalars(select(Person)).one()
        assert (person.given_name, person.phone) == ("Eléni", "0521 555")
    assert given_doses(db, person.id) == [("nachtrag_zertifikat", 2, 2, False)]
    assert "1 Impfung(en) aus dem Zertifikat übernommen" in page.message.text()

    def proposes_booster(dialog: DoseDialog) -> None:
        assert (dialog.dose_number.value(), dialog.series_total.value(),
                dialog.booster.isChecked()) == (3, 3, True)

    vaccinate(page, person.id, proposes_booster)
    wait_writes(window_2021.write_path)
    assert given_doses(db, person.id)[-1] == ("verabreicht", 3, 3, True)


def test_certificate_of_known_person_checks_in_and_adopts_the_dose(
        window_2021: MainWindow, db: Database, actor: Actor, day: Day,
        foreign_hc1: str) -> None:
    with db.session() as s:
        known = create_person(s, actor, PersonInput(*HOLDER), DAY_2021).id
    page = window_2021.field_page
    assert page is not None
    scan(page, foreign_hc1)
    wait_writes(window_2021.write_path)
    assert [r.person_id for r in page.queue.rows()] == [known], page.message.text()
    assert persons(db) == 1
    assert given_doses(db, known) == [("nachtrag_zertifikat", 2, 2, False)]
    assert page.queue_view.hasFocus()


def test_walk_in_registered_with_defaults_and_vaccinated(
        window_2021: MainWindow, db: Database, day: Day) -> None:
    page = window_2021.field_page
    assert page is not None

    def fill(dialog: RegistrationDialog) -> None:
        assert (dialog.sex.currentData(), dialog.target.currentData()) == ("u", "sonstige")
        QtBot.keyClicks(dialog.family, "Neumann")
        QtBot.keyClicks(dialog.given, "Lea")
        QtBot.keyClicks(dialog.birth, "03071995")
        dialog.save()

    when_modal(RegistrationDialog, fill)
    page.new_button.click()
    wait_writes(window_2021.write_path)
    with db.session() as s:
        person = s.scalars(select(Person)).one()
        assert (person.sex, person.target_group) == ("u", "sonstige")
    vaccinate(page, person.id)
    wait_writes(window_2021.write_path)
    assert given_doses(db, person.id) == [("verabreicht", 1, 2, False)]


# -- dose dialog: warnings, refusals, vaccinator ---------------------------------------
def checked_in(db: Database, actor: Actor, day: Day, birth: date = date(1995, 3, 1)) -> str:
    with db.session() as s:
        person = create_person(s, actor, PersonInput("Schulz", "Lena", birth), DAY_2021).id
        check_in_by_person(s, actor, day.visit_id, person, DAY_2021)
        return person


def test_refused_dose_keeps_every_field(qtbot: QtBot, window_2021: MainWindow,
                                        db: Database, actor: Actor, day: Day) -> None:
    person = checked_in(db, actor, day)
    dialog = DoseDialog(window_2021.write_path, actor, window_2021.session, day.visit_id,
                        person, DAY_2021)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.site.setCurrentIndex(dialog.site.findData("oa_rechts"))
    dialog.checks[0].setChecked(True)  # only one item of the checklist
    before = (dialog.product.currentData(), dialog.lot.currentData(),
              dialog.site.currentData(), dialog.vaccinator.currentData(),
              [c.isChecked() for c in dialog.checks],
              {k: b.currentData() for k, b in dialog.answers.items()})
    dialog.save()
    wait_for(lambda: not dialog.saving)
    assert dialog.isVisible() and "nicht vollständig bestätigt" in dialog.message.text()
    after = (dialog.product.currentData(), dialog.lot.currentData(),
             dialog.site.currentData(), dialog.vaccinator.currentData(),
             [c.isChecked() for c in dialog.checks],
             {k: b.currentData() for k, b in dialog.answers.items()})
    assert after == before and dialog.save_button.isEnabled()
    assert given_doses(db, person) == []


def test_warning_needs_override_and_reason(qtbot: QtBot, window_2021: MainWindow,
                                          db: Database, actor: Actor, day: Day) -> None:
    person = checked_in(db, actor, day)  # 26 years old: Spikevax not recommended (< 30)
    dialog = DoseDialog(window_2021.write_path, actor, window_2021.session, day.visit_id,
                        person, DAY_2021)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.product.currentData() == "EU/1/20/1528"  # Comirnaty, no warning
    assert not dialog.override.isVisible() and dialog.warnings.text() == ""
    assert dialog.anamnesis_box.isVisible() and dialog.answers  # Anamnese as combo boxes
    dialog.product.setCurrentIndex(dialog.product.findData("EU/1/20/1507"))
    assert dialog.warnings.text() and dialog.override.isVisible()
    dialog.confirm_all()
    dialog.save()
    wait_for(lambda: not dialog.saving)
    assert dialog.isVisible() and "Trotz Warnung impfen" in dialog.message.text()
    assert dialog.override_reason.hasFocus() or not dialog.isActiveWindow()
    dialog.override.setChecked(True)
    dialog.override_reason.setText("ausdrücklicher Wunsch nach Aufklärung")
    dialog.save()
    wait_for(lambda: not dialog.saving)
    assert not dialog.isVisible()
    with db.session() as s:
        dose = s.scalars(select(Vaccination).where(Vaccination.person_id == person)).one()
        assert (dose.product_key, dose.override_reason) == (
            "EU/1/20/1507", "ausdrücklicher Wunsch nach Aufklärung")


def test_vaccinator_not_on_team_must_choose(qtbot: QtBot, window_2021: MainWindow,
                                            db: Database, actor: Actor, day: Day) -> None:
    from ui.field_session import FieldSession

    person = checked_in(db, actor, day)
    clerk = FieldSession(day.clerk_id, "d.unal", "Deniz Ünal", "verwaltung", day.visit_id)
    dialog = DoseDialog(window_2021.write_path, actor, clerk, day.visit_id, person, DAY_2021)
    qtbot.addWidget(dialog)
    assert dialog.vaccinator.currentData() is None
    assert dialog.vaccinator.currentText() == "– bitte wählen –"
    assert "Deniz Ünal" in dialog.vaccinator_note.text()
    dialog.show()
    dialog.confirm_all()
    dialog.save()
    wait_for(lambda: not dialog.saving)
    assert dialog.isVisible() and dialog.message.text()
    dialog.vaccinator.setCurrentIndex(dialog.vaccinator.findData(day.nurse_id))
    dialog.save()
    wait_for(lambda: not dialog.saving)
    assert given_doses(db, person) == [("verabreicht", 1, 2, False)]


# -- registration ----------------------------------------------------------------------
def test_cancelled_registration_leaves_no_personal_data_in_qsettings(
        qtbot: QtBot, window: MainWindow) -> None:
    QSettings().setValue("test/marker", "da")  # the settings file exists
    dialog = RegistrationDialog(window.write_path, window.actor, window.today, window)
    qtbot.addWidget(dialog)
    dialog.show()
    QtBot.keyClicks(dialog.family, "Kowalczyk")
    QtBot.keyClicks(dialog.given, "Zofia")
    QtBot.keyClicks(dialog.birth, "17.11.1961")
    QtBot.keyClicks(dialog.street, "Lindenallee 23")
    QtBot.keyClicks(dialog.phone, "0176 9988776")
    dialog.reject()
    window.close()  # saves the window geometry: the file is written
    settings = QSettings()
    settings.sync()
    assert not [k for k in settings.allKeys() if k.startswith("drafts")]
    text = Path(settings.fileName()).read_text(encoding="utf-8", errors="replace")
    assert "marker" in text
    for secret in ("Kowalczyk", "Zofia", "17.11.1961", "Lindenallee", "9988776"):
        assert secret not in text
    again = RegistrationDialog(window.write_path, window.actor, window.today, window)
    qtbot.addWidget(again)
    assert again.family.text() == "" and again.phone.text() == ""


def test_a_draft_left_by_an_older_version_is_removed(qtbot: QtBot, db: Database) -> None:
    QSettings().setValue("drafts/registration", '{"family": "Kowalczyk"}')
    window = MainWindow(db, signed_in(db))
    qtbot.addWidget(window)
    assert QSettings().value("drafts/registration") is None


def test_likely_duplicate_needs_a_second_explicit_confirmation(
        qtbot: QtBot, window: MainWindow, db: Database, world: World) -> None:
    dialog = RegistrationDialog(window.write_path, window.actor, window.today, window)
    qtbot.addWidget(dialog)
    dialog.show()
    QtBot.keyClicks(dialog.family, "Mueller")
    QtBot.keyClicks(dialog.given, "Anna")
    QtBot.keyClicks(dialog.birth, "10.04.1980")
    dialog.check_duplicates()
    assert dialog.duplicates.count() == 1  # the live list shows her
    dialog.save()
    wait_for(lambda: not dialog.saving)
    assert dialog.isVisible() and "Wahrscheinlich schon registriert" in dialog.status.text()
    assert dialog.force_button.isVisible() and persons(db) == 1
    QtBot.keyClick(dialog.family, Qt.Key.Key_Return)  # plain Enter: refused again
    wait_for(lambda: not dialog.saving)
    assert dialog.isVisible() and persons(db) == 1
    dialog.force_button.click()
    wait_for(lambda: not dialog.saving)
    assert not dialog.isVisible() and persons(db) == 2
    assert dialog.person_id not in (None, world.person_id)


# -- back-entry ------------------------------------------------------------------------
def test_back_entry_contradicting_the_series_needs_a_reason(
        qtbot: QtBot, window_2021: MainWindow, db: Database, actor: Actor, day: Day) -> None:
    with db.session() as s:
        person = create_person(s, actor, PersonInput("Schulz", "Lena", date(1970, 3, 1)),
                               DAY_2021).id
        record_backentry(s, actor, BackEntryRequest(person, date(2021, 6, 1), "Comirnaty",
                                                    "nachtrag_impfpass", "", 2, 2), DAY_2021)
    dialog = BackEntryDialog(window_2021.write_path, actor, person, DAY_2021)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.reason.isVisible()
    dialog.day.setText("01.07.2021")
    dialog.dose_number.setValue(1)
    dialog.series_total.setValue(2)
    dialog.save()
    wait_for(lambda: not dialog.saving)
    assert dialog.isVisible() and "widerspricht" in dialog.message.text()
    assert dialog.reason.isVisible()
    dialog.reason.setText("Impfpass geprüft: Dosis 1 der zweiten Serie")
    dialog.save()
    wait_for(lambda: not dialog.saving)
    assert not dialog.isVisible()
    with db.session() as s:
        stored = s.scalars(select(Vaccination).where(Vaccination.date == date(2021, 7, 1))
                           ).one()
        assert stored.override_reason == "Impfpass geprüft: Dosis 1 der zweiten Serie"
        assert (stored.dose_number, stored.booster) == (1, False)


# -- sign-in, visits of other days, team -------------------------------------------------
def test_sign_in_starts_a_planned_visit_of_today_with_one_enter(
        qtbot: QtBot, db: Database, actor: Actor) -> None:
    planned = make_day(db, actor, DAY_2021, status="geplant")
    writes = WritePath(db)
    dialog = SignInDialog(writes, DAY_2021)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.visit_box.currentData() == planned.visit_id
    assert dialog.start.isVisible() and dialog.start.isChecked()
    staff = dialog.staff_box.findData(planned.nurse_id)
    dialog.staff_box.setCurrentIndex(staff)
    # t.koch is a vaccinator who also leads the team today (both roles on the account)
    grant(db, "t.koch", roles=("impfend", "leitung"))
    QtBot.keyClicks(dialog.password, "falsch-falsch")
    QtBot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.isVisible() and "Passwort falsch" in dialog.message.text()
    assert dialog.password.text() == "" and dialog.result_session() is None
    QtBot.keyClicks(dialog.password, TEST_PASSWORD)
    QtBot.keyClick(dialog.password, Qt.Key.Key_Return)  # one Enter signs in and starts
    wait_writes(writes)
    assert dialog.result() == dialog.DialogCode.Accepted
    session = dialog.result_session()
    assert session is not None and session.visit_id == planned.visit_id
    assert session.actor is not None and session.roles == {"impfend", "leitung"}
    with db.session() as s:
        visit = s.get(Visit, planned.visit_id)
        assert visit is not None and visit.status == "aktiv"


def test_visit_of_another_day_opens_for_planning_but_blocks_doses(
        qtbot: QtBot, db: Database, actor: Actor) -> None:
    planned = make_day(db, actor, DAY_2021 + timedelta(days=2), status="geplant")
    window = window_for(qtbot, db, planned, today=DAY_2021)
    page = window.field_page
    assert page is not None
    assert page.blocked.isVisible() and "geplant" in page.blocked.text()
    assert not page.start_button.isVisible()  # only on the visit's own day
    person = create_person_now(db, actor)
    dialog = DoseDialog(window.write_path, actor, window.session, planned.visit_id, person,
                        DAY_2021)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled() and dialog.message.text() == page.blocked.text()


def test_planned_visit_of_today_started_from_the_field_page(
        qtbot: QtBot, db: Database, actor: Actor) -> None:
    planned = make_day(db, actor, DAY_2021, status="geplant")
    window = window_for(qtbot, db, planned)
    page = window.field_page
    assert page is not None and page.start_button.isVisible()
    assert "noch nicht begonnen" in page.blocked.text()
    page.start_button.click()
    wait_writes(window.write_path)
    assert not page.start_button.isVisible() and not page.blocked.isVisible()


def create_person_now(db: Database, actor: Actor) -> str:
    with db.session() as s:
        return create_person(s, actor, PersonInput("Schulz", "Lena", date(1970, 3, 1)),
                             DAY_2021).id


def test_team_dialog_adds_and_removes_a_stand_in(window_2021: MainWindow, db: Database,
                                                day: Day) -> None:
    page = window_2021.field_page
    assert page is not None

    def edit(dialog: TeamDialog) -> None:
        dialog.staff.setCurrentIndex(dialog.staff.findData(day.outsider_id))
        dialog.add_button.click()
        wait_writes(window_2021.write_path)
        names = [dialog.members.item(i).text() for i in range(dialog.members.count())]
        assert any("Yılmaz" in n for n in names), dialog.message.text()
        row = next(i for i, n in enumerate(names) if "Yılmaz" in n)
        dialog.members.setCurrentRow(row)
        dialog.remove_button.click()
        wait_writes(window_2021.write_path)
        assert dialog.members.count() == len(names) - 1
        dialog.staff.setCurrentIndex(dialog.staff.findData(day.outsider_id))
        dialog.add_button.click()
        wait_writes(window_2021.write_path)
        dialog.reject()

    when_modal(TeamDialog, edit)
    page.team_button.click()
    with db.session() as s:
        member = s.scalars(select(VisitMember).where(
            VisitMember.visit_id == day.visit_id, VisitMember.staff_id == day.outsider_id)
        ).one()
        assert member.voided_at is None and member.role == "impfend"
    assert "Yılmaz" in page.header.team.text()  # the header reloaded from data_changed
