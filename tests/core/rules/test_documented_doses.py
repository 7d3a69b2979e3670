"""Back-entered doses with documented dn/sd (issue 11, defect 1).

A DCC carries only the last dose. When a person is registered from a scanned
certificate the lone stored dose says "2 of 2": the rules must count the undated first
dose and judge the series complete from that dose on (protected from the 15th day).
Dates are explicit because the verdicts depend on the rules in force on them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from core.catalog.products import get_catalog
from core.errors import UserError
from core.rules import PersonDocument, Vaccination, evaluate_person, parse_person_document
from tests.core.rules.helpers import ADULT, status

CATALOG = get_catalog()
ROOT = Path(__file__).resolve().parents[3]


def doc(*doses: tuple[str, str, int, int] | tuple[str, str], **extra: Any) -> dict[str, Any]:
    """Person document; a 4-tuple dose carries dose_number and series_total."""
    entries = []
    for dose in doses:
        entry: dict[str, Any] = {"date": dose[0], "product": dose[1]}
        if len(dose) == 4:
            entry |= {"dose_number": dose[2], "series_total": dose[3]}
        entries.append(entry)
    return {"birth_date": ADULT, "vaccinations": entries, **extra}


def test_lone_2_of_2_is_geimpft_from_the_15th_day() -> None:
    person = doc(("2021-06-01", "Comirnaty", 2, 2))
    before = status(person, "2021-06-15")["covid19"]
    assert before["status"] == "unvollstaendig"
    assert before["series_complete"] is True and before["protected_from"] == "2021-06-16"
    after = status(person, "2021-06-16")["covid19"]
    assert after["status"] == "geimpft" and after["protected_from"] == "2021-06-16"
    assert after["booster"] is False
    assert any("laut Nachweis Dosis 2 von 2" in r and "1 frühere Dosis ohne Datum" in r
               for r in after["reasons"]), after["reasons"]
    # the booster recommendation counts from the documented dose, like a typed series
    assert status(person, "2021-12-01")["covid19"]["booster_due_from"] == "2021-12-01"


def test_same_dose_without_numbers_stays_incomplete() -> None:
    covid = status(doc(("2021-06-01", "Comirnaty")), "2021-06-16")["covid19"]
    assert covid["status"] == "unvollstaendig" and covid["series_complete"] is False


def test_lone_3_of_3_means_complete_series_and_booster() -> None:
    covid = status(doc(("2021-12-01", "Comirnaty", 3, 3)), "2021-12-20")["covid19"]
    assert covid["series_complete"] is True and covid["booster"] is True
    assert covid["status"] == "geimpft" and covid["protected_from"] == "2021-12-16"
    assert covid["booster_due_from"] is None
    assert any("Auffrischimpfung" in r and "ohne Datum" in r for r in covid["reasons"])
    # no warning about a booster "too early": the series date is unknown
    assert covid["warnings"] == []


def test_lone_2_of_1_booster_after_one_dose_base() -> None:
    covid = status(doc(("2021-12-01", "Comirnaty", 2, 1)), "2021-12-20")["covid19"]
    assert covid["series_complete"] is True and covid["booster"] is True


def test_lone_1_of_2_is_incomplete() -> None:
    covid = status(doc(("2021-06-01", "Comirnaty", 1, 2)), "2021-07-01")["covid19"]
    assert covid["status"] == "unvollstaendig" and covid["series_complete"] is False
    assert any("1 von 2 Dosen" in r and "laut Nachweis Dosis 1 von 2" in r
               for r in covid["reasons"])


def test_janssen_1_of_1_follows_the_series_rule_of_the_date() -> None:
    person = doc(("2021-06-01", "Janssen", 1, 1))
    covid = status(person, "2021-06-16")["covid19"]
    assert covid["status"] == "geimpft" and covid["protected_from"] == "2021-06-16"
    # from 15.01.2022 Janssen needs a second dose; a documented 1/1 does not change that
    assert status(person, "2022-02-01")["covid19"]["series_complete"] is False


def test_1_of_1_of_a_two_dose_product_is_the_dose_after_recovery() -> None:
    covid = status(doc(("2021-06-01", "Comirnaty", 1, 1)), "2021-06-16")["covid19"]
    assert covid["status"] == "geimpft" and covid["booster"] is False
    assert any("Impfung nach Genesung" in r for r in covid["reasons"])


def test_later_administered_dose_after_documented_2_of_2_is_a_booster() -> None:
    person = doc(("2021-06-01", "Comirnaty", 2, 2), ("2021-12-10", "Comirnaty"))
    covid = status(person, "2021-12-20")["covid19"]
    assert covid["booster"] is True and covid["warnings"] == []


def test_no_interval_warning_across_undated_doses() -> None:
    # 1/3 then 3/3 ten days later: dose 2 lies between, undated; no interval is known
    person = doc(("2021-08-01", "Comirnaty", 1, 2), ("2021-08-11", "Comirnaty", 3, 3))
    covid = status(person, "2021-09-01")["covid19"]
    assert not [w for w in covid["warnings"] if "Abstand" in w["message"]]


def test_dataclass_default_keeps_old_callers_working() -> None:
    dose = Vaccination(date(2021, 6, 1), CATALOG.require("Comirnaty"))
    assert dose.documented is None
    person = PersonDocument(date(1985, 3, 14), (dose,))
    assert evaluate_person(person, date(2021, 6, 16)).covid19.status == "unvollstaendig"


def test_document_parses_dose_numbers() -> None:
    parsed = parse_person_document(doc(("2021-06-01", "Comirnaty", 2, 2)))
    assert parsed.vaccinations[0].documented == (2, 2)
    assert parse_person_document(doc(("2021-06-01", "Comirnaty"))).vaccinations[0].documented \
        is None


@pytest.mark.parametrize(("entry", "field", "fragment"), [
    ({"dose_number": 0, "series_total": 2}, "vaccinations[0].dose_number", "zwischen 1 und 10"),
    ({"dose_number": 2, "series_total": 11}, "vaccinations[0].series_total", "zwischen 1 und 10"),
    ({"dose_number": "2", "series_total": 2}, "vaccinations[0].dose_number", "Ganze Zahl"),
    ({"dose_number": 2.5, "series_total": 2}, "vaccinations[0].dose_number", "Ganze Zahl"),
    ({"dose_number": True, "series_total": 2}, "vaccinations[0].dose_number", "Ganze Zahl"),
    ({"dose_number": 2}, "vaccinations[0].series_total", "nur zusammen"),
])
def test_document_rejects_bad_dose_numbers(entry: dict[str, Any], field: str,
                                           fragment: str) -> None:
    data = {"birth_date": ADULT,
            "vaccinations": [{"date": "2021-06-01", "product": "Comirnaty"} | entry]}
    with pytest.raises(UserError) as caught:
        parse_person_document(data)
    assert caught.value.field == field and fragment in str(caught.value)
    assert str(caught.value).startswith(field)


def test_status_cli_accepts_dose_numbers(tmp_path: Path) -> None:
    path = tmp_path / "person.json"
    path.write_text(json.dumps(doc(("2021-06-01", "Comirnaty", 2, 2))), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "main.py", "status", str(path), "--on", "2021-06-16", "--json"],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    covid = json.loads(proc.stdout)["covid19"]
    assert covid["status"] == "geimpft" and covid["protected_from"] == "2021-06-16"


def test_status_cli_names_the_bad_field(tmp_path: Path) -> None:
    path = tmp_path / "person.json"
    path.write_text(json.dumps(doc(("2021-06-01", "Comirnaty", 0, 2))), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "main.py", "status", str(path), "--on", "2021-06-16", "--json"],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "vaccinations[0].dose_number" in proc.stderr
