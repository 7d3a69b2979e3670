"""The Qt binding itself: a release with a reference-count bug must not slip in.

PySide6 6.12.0 hands back ``None`` from every void method without taking a reference.
From Python 3.12 on ``None`` is immortal and nothing happens; on Python 3.11 (our
minimum, and the Windows bundle's) its count drops by one per call until the interpreter
aborts with "deallocating None" – after some 10,000 calls, i.e. within a field day.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None ist ab Python 3.12 unsterblich")
def test_void_qt_calls_keep_none_alive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for n in range(2_000):
        label.setText(str(n))
        QCoreApplication.processEvents()
    assert sys.getrefcount(None) >= before - 500  # a leaking binding: 4,000 fewer
