"""An uncaught error in the GUI: a German message box, the traceback only in the log."""

from __future__ import annotations

import sys

import pytest
from pytestqt.qtbot import QtBot

import ui.app as app_module
from core.logging_setup import current_log_path, shutdown_logging


def test_uncaught_error_shows_german_message_and_logs_traceback(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setattr(app_module.QMessageBox, "critical",
                        lambda _parent, _title, text: shown.append(text))
    app_module.setup_logging()
    request_cleanup = shutdown_logging
    try:
        raise RuntimeError("geheimer Wert 4711")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    qtbot.waitUntil(lambda: bool(shown), timeout=3000)
    assert "Unerwarteter Fehler" in shown[0] and "4711" not in shown[0]
    log = current_log_path()
    assert log is not None and "RuntimeError" in log.read_text(encoding="utf-8")
    request_cleanup()
