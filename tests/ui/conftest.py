"""Field-day fixtures: a signed-in session on the world's visit."""

from __future__ import annotations

from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from core.db.engine import Database
from core.services.context import Actor
from tests.conftest import TODAY, World
from tests.core.usecases.conftest import Day, make_day
from ui.field_session import FieldSession
from ui.main_window import MainWindow


def signed_in(db: Database, login: str = "t.tester", staff_id: str = "", name: str = "",
              role: str = "admin", visit_id: str | None = None) -> FieldSession:
    """A signed-in session whose actor holds every role (what the sign-in dialog returns
    for a test user; tests/ui/test_field_paths.py signs in through the dialog itself)."""
    from core.security.permissions import ALL_ROLES

    with db.session() as s:
        actor = Actor.for_session(s, login, ALL_ROLES, staff_id or None)
    return FieldSession(staff_id, login, name or login, role, visit_id, actor)


@pytest.fixture
def field_session(db: Database, world: World) -> FieldSession:
    return signed_in(db, "t.koch", world.vaccinator_id, "Tim Koch", "impfend", world.visit_id)


@pytest.fixture
def window(qtbot: QtBot, db: Database, field_session: FieldSession) -> MainWindow:
    win = MainWindow(db, field_session, TODAY)
    qtbot.addWidget(win)
    win.show()
    return win


#: The field day of the date-dependent tests: the rules of December 2021 apply.
DAY_2021 = date(2021, 12, 20)


@pytest.fixture
def day(db: Database, actor: Actor) -> Day:
    """An active visit on 20.12.2021 (team: doctor, nurse t.koch, clerk; two lots)."""
    return make_day(db, actor, DAY_2021)


def window_for(qtbot: QtBot, db: Database, day: Day, today: date = DAY_2021) -> MainWindow:
    session = signed_in(db, "t.koch", day.nurse_id, "Tim Koch", "impfend", day.visit_id)
    win = MainWindow(db, session, today)
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def window_2021(qtbot: QtBot, db: Database, day: Day) -> MainWindow:
    return window_for(qtbot, db, day)
