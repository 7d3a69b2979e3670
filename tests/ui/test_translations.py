"""Every text the UI shows through tr() has an English translation in the glossary."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ui.i18n_fill import GLOSSARY, TS, fill

ROOT = Path(__file__).resolve().parents[2]


def test_all_ui_texts_are_translated(tmp_path: Path) -> None:
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    if not lupdate.exists():
        pytest.skip("pyside6-lupdate not installed next to the interpreter")
    ts = tmp_path / "impfteam_en.ts"
    shutil.copy(TS, ts)
    sources = sorted(str(p) for p in (ROOT / "ui").rglob("*.py"))
    subprocess.run([str(lupdate), *sources, "-ts", str(ts), "-no-obsolete"], check=True,
                   capture_output=True)
    assert fill(ts, GLOSSARY) == []
    unfinished = [m.findtext("source") for m in ET.parse(ts).iter("message")
                  if m.find("translation").get("type") == "unfinished"]  # type: ignore[union-attr]
    assert unfinished == []


def test_shipped_qm_is_built_from_the_ts(tmp_path: Path) -> None:
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    if not lrelease.exists():
        pytest.skip("pyside6-lrelease not installed next to the interpreter")
    qm = tmp_path / "check.qm"
    subprocess.run([str(lrelease), str(TS), "-qm", str(qm)], check=True, capture_output=True)
    assert qm.read_bytes() == TS.with_suffix(".qm").read_bytes()
