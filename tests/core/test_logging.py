"""Issue 12 §8, logging: a rotating log in the data dir with ids, never names or birth
dates; unexpected errors go to the log with their traceback, the user gets one German line.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from core.db.engine import Database
from core.logging_setup import (
    install_excepthook,
    log_path,
    log_unexpected,
    setup_logging,
    shutdown_logging,
)
from core.services.context import Actor

FAMILY, GIVEN, BIRTH = "Wiśniewski", "Zofia", date(1961, 3, 7)
DAY = date(2021, 12, 1)
SECRETS = (FAMILY, "Wisniewski", "WISNIEWSKI", GIVEN, "1961-03-07", "07.03.1961", "1961, 3, 7")


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    shutdown_logging()
    path = setup_logging(logging.DEBUG, tmp_path / "logs" / "impfteam.log")
    assert path is not None
    yield path
    shutdown_logging()


def test_log_goes_to_the_data_dir_and_rotates(tmp_path: Path) -> None:
    shutdown_logging()
    try:
        path = setup_logging()
        assert path == log_path() == Path(tmp_path / "home" / "logs" / "impfteam.log")
        handler = logging.getLogger().handlers[-1]
        assert isinstance(handler, logging.handlers.RotatingFileHandler)
        assert handler.maxBytes > 0 and handler.backupCount >= 3
        assert setup_logging() == path  # idempotent
        assert sum(isinstance(h, logging.handlers.RotatingFileHandler)
                   for h in logging.getLogger().handlers) == 1
    finally:
        shutdown_logging()


def test_a_field_day_at_debug_logs_no_name_and_no_birth_date(
        db: Database, actor: Actor, debug_log: Path) -> None:
    from core.catalog.forms import form_for
    from core.rules import evaluate_person, parse_person_document
    from core.services.persons import PersonInput
    from core.usecases.cards import person_card, visit_card
    from core.usecases.checkin import check_in_by_person
    from core.usecases.dose_form import dose_form
    from core.usecases.doses import DoseRequest, record_dose
    from core.usecases.registration import register_person
    from core.usecases.visit_rules import close_visit, start_visit
    from tests.core.usecases.conftest import make_day

    day = make_day(db, actor, DAY, status="geplant")
    form = form_for("covid19", DAY)
    with db.session() as s:
        start_visit(s, actor, day.visit_id, DAY)
    with db.session() as s:
        person_id = register_person(s, actor, PersonInput(
            FAMILY, GIVEN, BIRTH, "w", postcode="33602", city="Bielefeld"), DAY).value.person_id
    with db.session() as s:
        check_in_by_person(s, actor, day.visit_id, person_id, DAY)
    with db.session() as s:
        suggestion = dose_form(s, person_id, day.visit_id, DAY)
        assert not suggestion.blocked
    with db.session() as s:
        record_dose(s, actor, DoseRequest(
            person_id=person_id, visit_id=day.visit_id, product="Comirnaty",
            lot_id=day.comirnaty_lot, vaccinator_id=day.nurse_id,
            physician_id=day.doctor_id, form=form.label,
            confirmed=tuple(item.key for item in form.items)), DAY)
    with db.session() as s:
        card = person_card(s, person_id, DAY)
        assert card is not None
        visit_card(s, day.visit_id, DAY)
    with db.session() as s:
        close_visit(s, actor, day.visit_id, [])
    evaluate_person(parse_person_document({"birth_date": BIRTH.isoformat(), "vaccinations": [
        {"date": DAY.isoformat(), "product": "Comirnaty"}]}), DAY)
    # an unexpected database error with the name in its bound parameters
    from sqlalchemy.exc import IntegrityError

    error = IntegrityError("INSERT INTO person (family_name) VALUES (?)", (FAMILY, str(BIRTH)),
                           sqlite3.IntegrityError("UNIQUE constraint failed"))
    try:
        raise error
    except IntegrityError as exc:
        log_unexpected(exc, "test")
    logging.getLogger("core.test").debug("person %s registered", person_id)  # ids are fine
    for handler in logging.getLogger().handlers:
        handler.flush()
    logged = debug_log.read_text(encoding="utf-8")
    assert person_id in logged and "IntegrityError" in logged
    assert "[parameters: weggelassen]" in logged
    for secret in SECRETS:
        assert secret not in logged, secret


def test_sqlalchemy_never_logs_statements_at_debug(db: Database, debug_log: Path) -> None:
    from sqlalchemy import text

    with db.engine.connect() as conn:
        conn.execute(text("SELECT :name"), {"name": FAMILY})
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert not debug_log.exists() or FAMILY not in debug_log.read_text(encoding="utf-8")


def test_excepthook_logs_and_shows_a_german_line(debug_log: Path) -> None:
    import sys

    shown: list[str] = []
    old_hook, old_thread_hook = sys.excepthook, threading.excepthook
    install_excepthook(shown.append)
    try:
        try:
            raise ZeroDivisionError("division by zero")
        except ZeroDivisionError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
        worker = threading.Thread(target=lambda: 1 / 0, name="worker")
        worker.start()
        worker.join()
    finally:
        sys.excepthook, threading.excepthook = old_hook, old_thread_hook
    assert shown == [f"Unerwarteter Fehler – Details im Protokoll: {debug_log}"] * 2
    logged = debug_log.read_text(encoding="utf-8")
    assert logged.count("Traceback (most recent call last)") == 2
    assert "ZeroDivisionError" in logged


def test_excepthook_survives_a_failing_message_box(debug_log: Path) -> None:
    import sys

    def broken(_: str) -> None:
        raise RuntimeError("no display")

    old_hook = sys.excepthook
    install_excepthook(broken)
    try:
        try:
            raise KeyError("x")
        except KeyError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)  # must not raise
    finally:
        sys.excepthook = old_hook
    assert "showing the error message failed" in debug_log.read_text(encoding="utf-8")


def test_no_log_when_the_data_dir_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "datei"
    blocker.write_text("x")
    shutdown_logging()
    try:
        assert setup_logging(path=blocker / "logs" / "impfteam.log") is None
        try:
            raise ValueError("x")
        except ValueError as exc:
            assert log_unexpected(exc, "test") == ("Unerwarteter Fehler – es konnte kein "
                                                   "Protokoll geschrieben werden.")
    finally:
        shutdown_logging()


def test_the_log_folder_is_private(tmp_path: Path) -> None:
    from core.logging_setup import setup_logging, shutdown_logging

    target = tmp_path / "data" / "logs" / "impfteam.log"
    try:
        setup_logging(path=target)
        assert (target.parent.stat().st_mode & 0o777) == 0o700
    finally:
        shutdown_logging()
