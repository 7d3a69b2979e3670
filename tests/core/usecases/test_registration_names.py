"""Names at the registration desk (issue 11, defect 10): every script the certificate can
transliterate is stored as written; a name in Arabic script is refused at once with the
request to enter the Latin spelling from the ID document (never a consonant skeleton)."""

from __future__ import annotations

from datetime import date

import pytest

from core.db.engine import Database
from core.errors import ValidationError
from core.services.context import Actor
from core.services.persons import PersonInput
from core.usecases.registration import register_person

ON = date(2021, 12, 1)


@pytest.mark.parametrize(("family", "given"), [
    ("Yılmaz", "Ayşe"), ("Wiśniewski", "Jan"), ("Παπαδόπουλος", "Γεώργιος"),
    ("Щербаков", "Юлия"), ("Ünal", "Emre"), ("Al-Hassan", "Mohammed"),
])
def test_names_in_latin_greek_and_cyrillic_are_stored_as_written(
        db: Database, actor: Actor, family: str, given: str) -> None:
    with db.session() as s:
        person_id = register_person(s, actor, PersonInput(family, given, date(1990, 1, 1)),
                                    ON).value.person_id
    from core.usecases.cards import person_card

    with db.session() as s:
        card = person_card(s, person_id, ON).person
    assert (card["family_name"], card["given_name"]) == (family, given)


def test_a_name_in_arabic_script_asks_for_the_latin_spelling(db: Database,
                                                            actor: Actor) -> None:
    with pytest.raises(ValidationError, match="lateinische Schreibweise") as caught, \
            db.session() as s:
        register_person(s, actor, PersonInput("الحسن", "محمد", date(1990, 1, 1)), ON)
    assert caught.value.field == "Nachname"
