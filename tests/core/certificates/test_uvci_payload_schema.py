"""UVCI checksums, ICAO transliteration, German dn/sd numbering and schema rejection."""

from __future__ import annotations

import copy
import re
from datetime import date

import pytest

from core.catalog.products import get_catalog
from core.certificates.payload import DoseEvent, german_dose_numbers, person_name, transliterate
from core.certificates.schema import validate_payload
from core.certificates.uvci import check_character, is_valid, issuing_entity, make_uvci
from core.errors import ValidationError
from tests.core.certificates.helpers import VACCINATION


@pytest.mark.parametrize("uvci", [
    # AT test vectors (their checksums follow the EU reference implementation)
    "URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B",
    "URN:UVCI:01:AT:71EE2559DE38C6BF7304FB65A1A451EC#3",
    "URN:UVCI:01:AT:858CC18CFCF5965EF82F60E493349AA5#K",
    "URN:UVCI:01:AT:B5921A35D6A0D696421B3E2462178297#I",
])
def test_known_valid_uvcis(uvci: str) -> None:
    assert is_valid(uvci)


def test_reference_implementation_example() -> None:
    # resources/dcc-schema/examples/Luhn-Mod-N/usage.py prints Z for this input
    assert check_character("URN:UVCI:01:NL:187/37512422923") == "Z"
    assert is_valid("URN:UVCI:01:NL:187/37512422923#Z")
    assert not is_valid("URN:UVCI:01:NL:187/37512422923#Y")
    assert check_character("URN:UVCI:01DE/IZ12345A/5CWLU12RNOB9RXSEOP6FG8") == "D"


def test_german_test_vector_uvci_has_a_wrong_check_character() -> None:
    """DE/1-4 carry #W, but Luhn mod N over the string gives D (listed in the docs)."""
    assert not is_valid("URN:UVCI:01DE/IZ12345A/5CWLU12RNOB9RXSEOP6FG8#W")
    assert is_valid("URN:UVCI:01DE/IZ12345A/5CWLU12RNOB9RXSEOP6FG8#D")


def test_make_uvci_format_and_single_errors_detected() -> None:
    uvci = make_uvci("IZ", "T1ABC123DEF456")
    assert re.fullmatch(r"URN:UVCI:01DE/IZ/T1ABC123DEF456#[A-Z0-9/:]", uvci)
    assert is_valid(uvci) and issuing_entity(uvci) == "IZ"
    body = uvci[:-2]
    for index in range(9, len(body)):
        if body[index] in "/:":
            continue
        wrong = "7" if body[index] != "7" else "8"
        assert not is_valid(body[:index] + wrong + body[index + 1:] + uvci[-2:]), index
    random_one = make_uvci("IZ")
    assert is_valid(random_one) and 27 <= len(random_one) <= 50
    with pytest.raises(ValueError):
        make_uvci("iz-1")


@pytest.mark.parametrize(("name", "expected"), [
    ("Müller", "MUELLER"), ("Ørsted", "OERSTED"), ("Groß", "GROSS"), ("Straße", "STRASSE"),
    ("Smith-Jones", "SMITH<JONES"), ("Anna Maria", "ANNA<MARIA"), ("Anna  - Maria", "ANNA<MARIA"),
    ("O'Brien", "OBRIEN"), ("Åberg", "AABERG"), ("Çelik", "CELIK"), ("Dvořák", "DVORAK"),
    ("Łukasz", "LUKASZ"), ("Иванов", "IVANOV"), ("Jürgen-Ögünç", "JUERGEN<OEGUENC"),
    ("  Zoë ", "ZOE"), ("Æsir", "AESIR"),
])
def test_transliteration(name: str, expected: str) -> None:
    assert transliterate(name) == expected
    assert re.fullmatch(r"[A-Z<]*", expected)


def test_person_name_without_given_name() -> None:
    assert person_name("Müller", "") == {"fn": "Müller", "fnt": "MUELLER"}
    with pytest.raises(ValidationError):
        person_name("王", "")


def _ev(day: str, product: str) -> DoseEvent:
    return DoseEvent(date.fromisoformat(day), get_catalog().require(product))


@pytest.mark.parametrize(("history", "dose", "infections", "expected"), [
    ([], ("2021-05-01", "Comirnaty"), [], (1, 2)),
    ([("2021-05-01", "Comirnaty")], ("2021-06-01", "Comirnaty"), [], (2, 2)),
    ([("2021-05-01", "Comirnaty"), ("2021-06-01", "Comirnaty")],
     ("2021-12-01", "Spikevax"), [], (3, 3)),                      # booster after 2/2
    ([("2021-05-01", "Comirnaty"), ("2021-06-01", "Comirnaty"), ("2021-12-01", "Spikevax")],
     ("2022-06-01", "Comirnaty"), [], (4, 4)),
    ([], ("2021-05-01", "Janssen"), [], (1, 1)),
    ([("2021-05-01", "Janssen")], ("2021-07-01", "Comirnaty"), [], (2, 1)),
    ([("2021-05-01", "Janssen"), ("2021-07-01", "Comirnaty")],
     ("2022-01-01", "Comirnaty"), [], (3, 1)),
    ([], ("2021-05-01", "Comirnaty"), ["2021-02-01"], (1, 1)),     # after recovery
    ([("2021-05-01", "Comirnaty")], ("2021-11-01", "Comirnaty"), ["2021-02-01"], (2, 1)),
    ([("2021-05-01", "Vaxzevria")], ("2021-06-15", "Comirnaty"), [], (2, 2)),  # cross
    ([("2021-05-01", "Comirnaty")], ("2021-06-01", "Comirnaty"), ["2021-05-20"], (2, 2)),
])
def test_german_dose_numbers(history: list[tuple[str, str]], dose: tuple[str, str],
                             infections: list[str], expected: tuple[int, int]) -> None:
    events = [_ev(*h) for h in history]
    days = [date.fromisoformat(d) for d in infections]
    assert german_dose_numbers(events, _ev(*dose), days) == expected


def test_recorded_number_covers_missing_back_entries() -> None:
    assert german_dose_numbers([], _ev("2022-01-01", "Comirnaty"), [], 3) == (3, 3)


def test_schema_accepts_the_example() -> None:
    result = validate_payload(VACCINATION)
    assert result.valid and result.errors == [] and result.note is None


@pytest.mark.parametrize(("change", "fragment"), [
    (lambda p: p["nam"].pop("fnt") and p["nam"].pop("gnt"), "nam"),
    (lambda p: p.update(dob="10.04.1980"), "dob"),
    (lambda p: p["v"].append(dict(p["v"][0])), "v"),
    (lambda p: p["v"][0].pop("ci"), "ci"),
    (lambda p: p["v"][0].update(dn=0), "v/0/dn"),
    (lambda p: p.update(t=p["v"]), "Gruppe"),
    (lambda p: p["nam"].update(fnt="Müller"), "fnt"),
    (lambda p: p.update(ver="1.3"), "ver"),
])
def test_schema_rejects(change: object, fragment: str) -> None:
    payload = copy.deepcopy(VACCINATION)
    change(payload)  # type: ignore[operator]
    result = validate_payload(payload)
    assert not result.valid
    assert any(fragment in error for error in result.errors), result.errors


def test_schema_version_note_for_old_payloads() -> None:
    payload = copy.deepcopy(VACCINATION) | {"ver": "1.0.0"}
    result = validate_payload(payload)
    assert result.valid and result.note and "1.0.0" in result.note
