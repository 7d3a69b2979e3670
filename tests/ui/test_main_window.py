"""The main window opens on a demo database and shows its visits and search results."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from core.db.engine import Database
from core.db.models import Person
from core.demo.generator import generate_demo
from core.services.context import Actor
from core.services.visits import list_visits
from tests.conftest import TODAY
from tests.ui.conftest import signed_in
from ui.app import create_application, install_translators
from ui.main_window import MainWindow
from ui.models.visits_model import ROW_ROLE


@pytest.fixture
def demo_db(db: Database, actor: Actor) -> Database:
    with db.session() as s:
        generate_demo(s, actor.user, actor.origin, persons=300, seed=2, today=TODAY)
    return db


def open_window(qtbot: QtBot, db: Database) -> MainWindow:
    window = MainWindow(db, signed_in(db))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.today_page.loaded, timeout=5000):
        window.today_page.refresh()
    return window


def test_main_window_lists_todays_and_upcoming_visits(qtbot: QtBot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db)
    with demo_db.session() as s:
        expected = list_visits(s, TODAY, TODAY)
    page = window.today_page
    assert page.today_model.rowCount() == len(expected) > 0
    shown = {page.today_model.row_at(i).site_name for i in range(page.today_model.rowCount())}
    assert shown == {row.site_name for row in expected}
    assert page.upcoming_model.rowCount() > 0
    proxy = page.upcoming_view.model()
    dates = [proxy.data(proxy.index(r, 0), ROW_ROLE).date for r in range(proxy.rowCount())]
    assert dates == sorted(dates) and min(dates) > TODAY
    assert "Impfteam" in window.windowTitle()


def test_person_search_as_you_type(qtbot: QtBot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db)
    with demo_db.session() as s:
        person = s.scalars(select(Person).limit(1)).one()
    window.act_find.trigger()
    page = window.persons_page
    assert window.stack.currentWidget() is page
    with qtbot.waitSignal(page.results_shown, timeout=5000):
        qtbot.keyClicks(page.search, person.family_name[:4])
    names = [page.model.data(page.model.index(r, 0)) for r in range(page.model.rowCount())]
    assert any(n.startswith(person.family_name) for n in names)


def test_no_visit_today_message(qtbot: QtBot, db: Database) -> None:
    window = open_window(qtbot, db)
    assert window.today_page.today_model.rowCount() == 0
    assert "Keine Einsätze" in window.today_page.message.text()


def test_english_translation_loads(qtbot: QtBot, db: Database) -> None:
    app = create_application()
    translators = install_translators(app, "en")
    try:
        window = open_window(qtbot, db)
        assert window.act_quit.text().replace("&", "") == "Quit"
        assert window.today_page.today_label.text() == "Today"
    finally:
        for translator in translators:
            app.removeTranslator(translator)
        install_translators(app, "de")


def test_window_state_is_saved(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    window = open_window(qtbot, db)
    window.resize(1001, 703)
    window.move(37, 41)
    saved_size, saved_pos = window.size(), window.pos()
    window.close()
    again = open_window(qtbot, db)
    # The offscreen screen is 800 px wide, so the width may be clamped; height and
    # position show that the saved geometry (not the 1280x760 default) was applied.
    assert again.height() == saved_size.height() and again.y() == saved_pos.y()


def test_training_database_is_marked_and_roleless_sessions_write_nothing(
        qtbot: QtBot, db: Database) -> None:
    from core.settings import set_setting
    from ui.field_session import FieldSession

    with db.session() as s:
        set_setting(s, "training_data", "ja")
    window = open_window(qtbot, db)
    assert "SCHULUNGSDATEN" in window.windowTitle()
    # a session without a signed-in actor (never from the dialog) gets no roles
    plain = MainWindow(db, FieldSession("", "x", "x", "admin", None))
    qtbot.addWidget(plain)
    assert plain.actor.roles == frozenset()
