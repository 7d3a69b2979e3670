"""Field-day fixtures: a signed-in session on the world's visit."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from core.db.engine import Database
from tests.conftest import TODAY, World
from ui.field_session import FieldSession
from ui.main_window import MainWindow


@pytest.fixture
def field_session(world: World) -> FieldSession:
    return FieldSession(world.vaccinator_id, "t.koch", "Tim Koch", "impfend", world.visit_id)


@pytest.fixture
def window(qtbot: QtBot, db: Database, field_session: FieldSession) -> MainWindow:
    win = MainWindow(db, field_session, TODAY)
    qtbot.addWidget(win)
    win.show()
    return win
