"""Driving modal dialogs in pytest-qt: act on the dialog once it is the modal widget."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


class Actions:
    """Counts user actions (a scan, a key, a click) so tests can assert the budget."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, fn: Callable[[], Any]) -> Any:
        self.count += 1
        return fn()


def when_modal(cls: type, act: Callable[[Any], None], tries: int = 200) -> None:
    """Run ``act(dialog)`` as soon as a modal ``cls`` is showing (dialog.exec() blocks)."""

    def attempt(left: int) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, cls):
            act(widget)
        elif left > 0:
            QTimer.singleShot(10, lambda: attempt(left - 1))

    QTimer.singleShot(0, lambda: attempt(tries))


def wait_for(condition: Callable[[], Any], timeout_ms: int = 5000) -> None:
    """Process events until ``condition()`` holds (usable inside a modal's nested loop)."""
    import time

    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        QApplication.processEvents()
        time.sleep(0.002)


def wait_writes(write_path: Any, timeout_ms: int = 5000) -> None:
    """Until every write submitted to ``write_path`` has been answered on the GUI thread."""
    wait_for(lambda: write_path.pending == 0, timeout_ms)
