"""Screenshots of every page and dialog on a demo database, German and English.

``./impfteam screenshots`` runs this under Xvfb at 1366×768 (a typical field laptop) so
the pictures in docs/ show what a nurse sees, and nobody has to click through by hand.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from core.db.engine import Database
from core.demo.generator import generate_demo
from core.security.permissions import ALL_ROLES
from core.services.context import Actor
from core.services.staff import list_staff
from core.services.visits import list_visits
from ui.app import create_application, install_translators
from ui.field_session import FieldSession

SIZE = (1366, 768)


def grab(widget: QWidget, path: Path) -> None:
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def shoot_dialog(dialog: QDialog, path: Path, prepare: Callable[[], None] | None = None) -> None:
    dialog.show()
    if prepare:
        prepare()
    QApplication.processEvents()
    grab(dialog, path)
    dialog.reject()


def training_certificate(db: Database, actor: Actor, tmp: Path) -> str:
    """Install training keys and issue one certificate, for the scan page picture."""
    from core.certificates.issue import issue_with
    from core.certificates.keys import install_identity, write_training_files
    from core.services.persons import PersonInput, create_person
    from core.services.vaccinations import VaccinationInput, record_vaccination

    write_training_files(tmp / "training")
    identity = install_identity(tmp / "training" / "dsc.key.pem", tmp / "training" / "dsc.pem")
    with db.session() as s:
        person = create_person(s, actor, PersonInput("Mustermann", "Erika", date(1964, 8, 12)))
        dose = record_vaccination(s, actor, VaccinationInput(
            person.id, date(2021, 12, 2), "Comirnaty", 3, 3, booster=True, lot_number="FK77",
            source="nachtrag_impfpass"))
        return issue_with(s, actor, dose.id, identity).hc1


def early_second_dose(db: Database, actor: Actor, today: date) -> str:
    """A person whose first dose was ten days ago: the dose dialog warns (interval)."""
    from datetime import timedelta

    from core.services.persons import PersonInput
    from core.usecases.doses import BackEntryRequest, record_backentry
    from core.usecases.registration import register_person

    with db.session() as s:
        person = register_person(s, actor, PersonInput("Schneider", "Jonas",
                                                       date(1990, 5, 17)), today,
                                 force_duplicate=True).value.person_id
        record_backentry(s, actor, BackEntryRequest(
            person, today - timedelta(days=10), "Comirnaty", "nachtrag_impfpass", "FK11",
            1, 2), today)
        # registered already: typing her again shows the duplicate confirmation
        register_person(s, actor, PersonInput("Müller", "Anna", date(1980, 4, 10), "w",
                                              postcode="34127", city="Kassel"), today,
                        force_duplicate=True)
        return person


def team_packages(tmp: Path, today: date) -> list[Path]:
    """Three teams' packages of one evening; one person got a dose from two of them."""
    from sqlalchemy import select

    from core.db.models import Person, Vaccination
    from core.exchange.sync_export import export_sync
    from core.services.persons import PersonInput, create_person
    from core.settings import set_setting

    packages, twice = [], None
    for n in (1, 2, 3):
        db = Database.open(str(tmp / f"team{n}.sqlite"))
        with db.session() as s:
            set_setting(s, "team_id", f"T{n}")
            set_setting(s, "device_id", f"LAPTOPT{n}")
        with db.session() as s:
            actor = Actor.for_session(s, f"leitung.t{n}", ALL_ROLES)
            generate_demo(s, actor.user, actor.origin, 400, seed=40 + n, today=today)
            if twice is None:
                dose = s.scalars(select(Vaccination).order_by(Vaccination.id)).first()
                assert dose is not None
                person = s.get(Person, dose.person_id)
                assert person is not None
                twice = (person.family_name, person.given_name, person.birth_date, dose)
            elif n == 2:
                again = create_person(s, actor, PersonInput(*twice[:3]))
                dose = twice[3]
                s.add(Vaccination(person_id=again.id, date=dose.date,
                                  product_key=dose.product_key, lot_number=dose.lot_number,
                                  disease=dose.disease, dose_number=dose.dose_number,
                                  series_total=dose.series_total, source="nachtrag_impfpass",
                                  created_by=actor.user, origin=actor.origin))
        with db.session() as s:
            packages.append(export_sync(s, Actor.for_session(s, f"leitung.t{n}", ALL_ROLES),
                                        tmp / f"Paket_T{n}.zip", full=True).path)
        db.dispose()
    return packages


def hub_import(app: QApplication, out: Path, tmp: Path, lang: str, today: date) -> None:
    """The Impfzentrum's evening: all teams' packages chosen at once, one batch."""
    from ui.pages.exchange_page import ExchangePage

    (tmp / f"hub_{lang}").mkdir()
    packages = team_packages(tmp / f"hub_{lang}", today)
    hub = Database.open(str(tmp / f"hub_{lang}" / "impfzentrum.sqlite"))
    with hub.session() as s:
        actor = Actor.for_session(s, "iz.leitung", ALL_ROLES)
    page = ExchangePage(hub, actor, today)
    page.resize(*SIZE)
    page.show()
    page.import_sync([str(p) for p in packages])
    while page.running:
        app.processEvents()
    grab(page, out / f"exchange_hub_{lang}.png")
    page.close()
    hub.dispose()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    os.environ["IMPFTEAM_HOME"] = str(tmp)
    app = create_application()
    QSettings().clear()
    db = Database.open(str(tmp / "demo.sqlite"))
    today = date.today()
    with db.session() as s:
        actor = Actor.for_session(s, "demo", ALL_ROLES)
        generate_demo(s, actor.user, actor.origin, 3000, seed=7, today=today)
        visit = list_visits(s, today, today)[0]
        nurse = next(p for p in list_staff(s) if p.role == "impfend")
    session = FieldSession(nurse.id, nurse.login, nurse.display_name, nurse.role, visit.id,
                           actor)
    hc1 = training_certificate(db, actor, tmp)
    early_id = early_second_dose(db, actor, today)
    from ui.dialogs.close_visit_dialog import CloseVisitDialog
    from ui.dialogs.dose_dialog import DoseDialog
    from ui.dialogs.registration_dialog import RegistrationDialog
    from ui.dialogs.signin_dialog import SignInDialog
    from ui.main_window import (
        PAGE_ADMIN,
        PAGE_EXCHANGE,
        PAGE_PERSONS,
        PAGE_SCAN,
        PAGE_VISITS,
        MainWindow,
    )

    for lang in ("de", "en"):
        translators = install_translators(app, lang)
        window = MainWindow(db, session, today)
        window.resize(*SIZE)
        window.show()
        field = window.field_page
        assert field is not None
        queue = field.queue
        from core.services.search import search_persons

        with db.session() as s:
            for hit in search_persons(s, "Schmidt", limit=3):
                field.check_in(hit.id)
        field.scan.setText("Müller An")
        field.run_search()
        QTimer.singleShot(400, app.quit)
        app.exec()
        grab(window, out / f"field_{lang}.png")
        window.nav.setCurrentRow(PAGE_VISITS)
        QTimer.singleShot(400, app.quit)
        app.exec()
        grab(window, out / f"visits_{lang}.png")
        window.nav.setCurrentRow(PAGE_PERSONS)
        window.persons_page.search.setText("Schmitd Anna")
        window.persons_page.run_search()
        QTimer.singleShot(400, app.quit)
        app.exec()
        grab(window, out / f"persons_{lang}.png")
        person_id = queue.rows()[0].person_id
        window.open_person(person_id)
        grab(window, out / f"person_{lang}.png")
        shoot_dialog(SignInDialog(window.write_path, today, window), out / f"signin_{lang}.png")
        registration = RegistrationDialog(window.write_path, actor, today, window)

        def half_typed(r: RegistrationDialog = registration) -> None:
            r.family.setText("Müller")
            r.given.setText("Anna")
            r.birth.setText("10.04.1980")
            r.postcode.setText("34127")
            r.check_duplicates()
            if r.duplicates.count():  # core asks for the second confirmation
                r.save()
                while r.saving:
                    app.processEvents()

        shoot_dialog(registration, out / f"registration_{lang}.png", half_typed)
        dose = DoseDialog(window.write_path, actor, session, visit.id, early_id, today, window)

        def with_warning(d: DoseDialog = dose) -> None:
            covid = d.product.findData("EU/1/20/1528")  # Comirnaty: interval too short
            if covid >= 0:
                d.product.setCurrentIndex(covid)
            d.confirm_all()
            d.override.setChecked(True)
            d.override_reason.setText("Reise ins Ausland, ärztlich freigegeben")

        shoot_dialog(dose, out / f"dose_{lang}.png", with_warning)
        shoot_dialog(CloseVisitDialog(window.write_path, actor, visit.id, window),
                     out / f"close_{lang}.png")
        window.nav.setCurrentRow(PAGE_SCAN)
        window.scan_page.check_text(hc1)
        QTimer.singleShot(600, app.quit)
        app.exec()
        grab(window, out / f"scan_{lang}.png")
        window.nav.setCurrentRow(PAGE_ADMIN)
        grab(window, out / f"admin_{lang}.png")
        window.nav.setCurrentRow(PAGE_EXCHANGE)
        window.exchange_page.export_daily(str(tmp / f"tagesbericht_{lang}.xlsx"))
        while window.exchange_page.running:
            app.processEvents()
        grab(window, out / f"exchange_{lang}.png")
        window.close()
        hub_import(app, out, tmp, lang, today)
        for translator in translators:
            app.removeTranslator(translator)
    db.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
