"""Formula-injection escaping: every dangerous start is neutralised, and reversibly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from core.db.engine import Database
from core.db.models import Person
from core.exchange.sync_export import export_sync
from core.exchange.sync_import import import_sync
from core.exchange.xlsx_safety import escape_text, is_dangerous, unescape_text
from tests.cli_env import full_actor
from tests.core.exchange.helpers import table_rows

NASTY = ["=1+1", "+49 521 1", "-5", "@SUM(A1)", "\tTab", "\rCR", "'=quoted", "''", "'",
         "=HYPERLINK(\"http://x\",\"klick\")", "normal", "", "Müller"]


@pytest.mark.parametrize("text", NASTY)
def test_escape_neutralises_and_round_trips(text: str) -> None:
    escaped = escape_text(text)
    assert not is_dangerous(escaped)
    assert unescape_text(escaped) == text
    if text and text[0] in "=+-@\t\r":
        assert escaped == "'" + text


@given(st.text())
def test_escape_is_reversible_for_any_text(text: str) -> None:
    assert unescape_text(escape_text(text)) == text
    assert not is_dangerous(escape_text(text))


def test_sync_package_round_trips_dangerous_text_exactly(team_a: Database, hub: Database,
                                                         tmp_path: Path) -> None:
    with team_a.session() as s:
        people = s.scalars(select(Person).order_by(Person.id).limit(len(NASTY))).all()
        for person, text in zip(people, NASTY, strict=False):
            person.notes = text
            person.phone = text[:50]
    with team_a.session() as s:
        export_sync(s, full_actor(s, "l"), tmp_path / "p.zip")
    with hub.session() as s:
        import_sync(s, full_actor(s, "iz"), tmp_path / "p.zip")
    assert table_rows(hub, "person") == table_rows(team_a, "person")
