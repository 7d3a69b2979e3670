"""``python main.py status`` end to end (design.md CLI contract): JSON out, exit codes,
German one-line errors without a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.core.rules.helpers import person

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = {
    "birth_date": "1985-03-14",
    "vaccinations": [
        {"date": "2021-05-03", "product": "EU/1/20/1528", "disease": "covid19"},
        {"date": "2021-06-01", "product": "EU/1/20/1528", "disease": "covid19"},
    ],
    "infections": [],
    "tests": [],
    "measles_evidence": [{"kind": "immunitaet", "date": "2020-02-01"}],
}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py", "status", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def write(tmp_path: Path, doc: Any, name: str = "person.json") -> str:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return str(path)


def test_design_example_json(tmp_path: Path) -> None:
    proc = run(write(tmp_path, EXAMPLE), "--on", "2021-12-20", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["on"] == "2021-12-20"
    covid = out["covid19"]
    expected = {
        "status": "geimpft",
        "series_complete": True,
        "booster": False,
        "protected_from": "2021-06-16",
        "protected_until": "2021-12-01",
        "test_exempt": False,
        "booster_due_from": "2021-12-01",
        "next_dose_earliest": "2021-12-01",
    }
    assert {k: covid[k] for k in expected} == expected
    assert covid["reasons"] and covid["rules"]
    assert out["measles"] == out["measles"] | {
        "required": True,
        "status": "erfuellt",
        "doses_counted": 0,
    }


def test_stdin_german_date_and_time(tmp_path: Path) -> None:
    doc = person(tests=(("20.12.2021T08:00", "RAT", "negativ"),))
    proc = run("-", "--on", "21.12.2021T07:59", "--json", stdin=json.dumps(doc))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["on"] == "2021-12-21T07:59"
    assert out["covid19"]["status"] == "getestet"


def test_human_readable_output(tmp_path: Path) -> None:
    proc = run(write(tmp_path, EXAMPLE), "--on", "2021-12-20")
    assert proc.returncode == 0, proc.stderr
    assert "COVID-19: geimpft" in proc.stdout
    assert "Masern: erfüllt" in proc.stdout


def test_default_on_is_today(tmp_path: Path) -> None:
    from datetime import date

    proc = run(write(tmp_path, EXAMPLE), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["on"] == date.today().isoformat()


@pytest.mark.parametrize(
    ("doc", "on", "words"),
    [
        (person(doses=(("2021-05-03", "Sputnik V"),)), "2021-12-20", "vaccinations[0].product"),
        (person(birth="31.02.1990"), "2021-12-20", "birth_date"),
        (
            person(birth="1990-05-01", doses=(("1990-04-01", "Comirnaty"),)),
            "2021-12-20",
            "vor dem Geburtsdatum",
        ),
        ('{"birth_date": "1985-03-14",\n  "vaccinations": [}', "2021-12-20", "Zeile 2, Spalte"),
        (EXAMPLE, "2021-02-30", "--on"),
        ("[1, 2]", "2021-12-20", "JSON-Objekt erwartet"),
    ],
)
def test_bad_input_exit_1_german_message(tmp_path: Path, doc: Any, on: str, words: str) -> None:
    proc = run(write(tmp_path, doc), "--on", on, "--json")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith("Fehler: ")
    assert words in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_missing_file_exit_1(tmp_path: Path) -> None:
    proc = run(str(tmp_path / "nope.json"), "--json")
    assert proc.returncode == 1
    assert "nicht gefunden" in proc.stderr and "Traceback" not in proc.stderr
