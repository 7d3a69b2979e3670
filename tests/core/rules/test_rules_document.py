"""Bad input to the person-document parser: German UserError naming the field (issue 4)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from core.errors import UserError
from core.rules import parse_person_document
from tests.core.rules.helpers import person


def _fails(doc: Any, field: str, words: str) -> None:
    with pytest.raises(UserError) as info:
        parse_person_document(doc)
    message = info.value.message
    assert message.startswith(field), message
    assert words in message, message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("doc", "field", "words"),
    [
        (
            person(doses=(("2021-05-03", "Sputnik V"),)),
            "vaccinations[0].product",
            "Unbekannter Impfstoff",
        ),
        (person(birth="31.02.1990"), "birth_date", "gibt es nicht"),
        (person(doses=(("2021-02-31", "Comirnaty"),)), "vaccinations[0].date", "gibt es nicht"),
        (
            person(birth="1990-05-01", doses=(("1990-04-30", "Priorix"),)),
            "vaccinations[0].date",
            "vor dem Geburtsdatum",
        ),
        (person(infections=(("1980-01-01", "PCR"),)), "infections[0].date", "vor dem Geburtsdatum"),
        (person(infections=(("2021-09-01", "Blut"),)), "infections[0].test", "Unbekannte Testart"),
        (person(tests=(("2021-12-20T25:00", "RAT", "negativ"),)), "tests[0].at", "Uhrzeit"),
        (
            person(tests=(("2021-12-20T08:00", "RAT", "unklar"),)),
            "tests[0].result",
            "kein Testergebnis",
        ),
        (
            person(evidence=(("titer", "2020-01-01"),)),
            "measles_evidence[0].kind",
            "Unbekannte Nachweisart",
        ),
        (
            person(evidence=(("immunitaet", "1980-01-01"),)),
            "measles_evidence[0].date",
            "vor dem Geburtsdatum",
        ),
        ({"vaccinations": []}, "birth_date", "fehlt"),
        ({"birth_date": 19850314}, "birth_date", "Text erwartet"),
        (
            {"birth_date": "1985-03-14", "vaccinations": {"date": "x"}},
            "vaccinations",
            "Liste erwartet",
        ),
        (
            {"birth_date": "1985-03-14", "vaccinations": ["Comirnaty"]},
            "vaccinations[0]",
            "Objekt erwartet",
        ),
        (
            {"birth_date": "1985-03-14", "vaccinations": [{"product": "Comirnaty"}]},
            "vaccinations[0].date",
            "fehlt",
        ),
        (
            {"birth_date": "1985-03-14", "vaccinations": [{"date": "2021-05-03"}]},
            "vaccinations[0].product",
            "fehlt",
        ),
        (
            {
                "birth_date": "1985-03-14",
                "vaccinations": [
                    {"date": "2021-05-03", "product": "Priorix", "disease": "covid19"}
                ],
            },
            "vaccinations[0].disease",
            "passt nicht",
        ),
        (["birth_date"], "Personendokument", "JSON-Objekt erwartet"),
    ],
)
def test_bad_input_names_field(doc: Any, field: str, words: str) -> None:
    _fails(doc, field, words)


def test_user_error_carries_field() -> None:
    with pytest.raises(UserError) as info:
        parse_person_document(person(doses=(("2021-05-03", "Sputnik V"),)))
    assert info.value.field == "vaccinations[0].product"


def test_accepts_german_dates_names_and_aliases() -> None:
    doc = person(
        birth="14.03.1985",
        doses=(("03.05.2021", "biontech"), ("01.06.2021", "EU/1/20/1528")),
        infections=(("01.09.2021", "pcr"),),
        tests=(("20.12.2021T08:00", "rat", "Negativ"), ("2021-12-19", "PCR", "positiv")),
        evidence=(("Immunität", "01.02.2020"),),
    )
    parsed = parse_person_document(doc)
    assert parsed.birth_date == date(1985, 3, 14)
    assert [v.product.key for v in parsed.vaccinations] == ["EU/1/20/1528"] * 2
    assert parsed.infections[0].test == "PCR"
    assert parsed.tests[0].at == datetime(2021, 12, 20, 8, 0)
    assert parsed.tests[0].time_known and parsed.tests[0].negative
    assert not parsed.tests[1].time_known and not parsed.tests[1].negative
    assert parsed.measles_evidence[0].kind == "immunitaet"


def test_missing_lists_mean_empty_and_extra_keys_ignored() -> None:
    parsed = parse_person_document({"birth_date": "1985-03-14", "name": "Anna", "tests": None})
    assert parsed.vaccinations == () and parsed.tests == () and parsed.measles_evidence == ()
