"""Person search: prefix, Kölner Phonetik, typos, birth date, merged and voided persons."""

from __future__ import annotations

from datetime import date

import pytest

from core.db.engine import Database
from core.errors import UserError
from core.services.context import Actor
from core.services.persons import PersonInput, create_person, merge_persons, void_person
from core.services.search import search_persons

PEOPLE = [
    ("Müller", "Anna", date(1980, 4, 10)),
    ("Mueller", "Hans", date(1955, 2, 1)),
    ("Meyer", "Karl", date(1966, 6, 6)),
    ("Maier", "Petra", date(1971, 7, 7)),
    ("Schmidt", "Anna", date(1990, 1, 1)),
    ("Schneider", "Lena", date(1980, 4, 10)),
    ("Yılmaz", "Mehmet", date(1985, 3, 3)),
]


@pytest.fixture
def people(db: Database, actor: Actor) -> dict[str, str]:
    ids = {}
    with db.session() as s:
        for family, given, birth in PEOPLE:
            ids[f"{given} {family}"] = create_person(
                s, actor, PersonInput(family, given, birth)).id
    return ids


def names(db: Database, query: str, **kwargs: object) -> list[str]:
    with db.session() as s:
        return [f"{h.given_name} {h.family_name}"
                for h in search_persons(s, query, **kwargs)]  # type: ignore[arg-type]


def test_prefix_as_you_type(db: Database, people: dict[str, str]) -> None:
    assert names(db, "Schm") == ["Anna Schmidt"]
    assert set(names(db, "mü")) >= {"Anna Müller"}


def test_umlaut_spellings_meet(db: Database, people: dict[str, str]) -> None:
    assert set(names(db, "Mueller")[:2]) == {"Anna Müller", "Hans Mueller"}
    assert "Mehmet Yılmaz" in names(db, "yilmaz")


def test_phonetic_match_meyer_maier(db: Database, people: dict[str, str]) -> None:
    found = names(db, "Mayer")
    assert {"Karl Meyer", "Petra Maier"} <= set(found)


def test_typo_tolerance(db: Database, people: dict[str, str]) -> None:
    assert names(db, "Schmitd Anna")[0] == "Anna Schmidt"
    assert names(db, "Schnieder")[0] == "Lena Schneider"


def test_given_name_first_and_comma_order(db: Database, people: dict[str, str]) -> None:
    assert names(db, "Anna Müller")[0] == "Anna Müller"
    assert names(db, "Müller, Anna")[0] == "Anna Müller"


def test_birth_date_in_query_or_option(db: Database, people: dict[str, str]) -> None:
    assert set(names(db, "10.04.1980")) == {"Anna Müller", "Lena Schneider"}
    assert names(db, "Müller 10.04.1980")[0] == "Anna Müller"
    assert names(db, "Mueller", birth=date(1955, 2, 1))[0] == "Hans Mueller"


def test_scores_are_0_to_100_best_first(db: Database, people: dict[str, str]) -> None:
    with db.session() as s:
        hits = search_persons(s, "Müller Anna")
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert hits[0].score == 100 and all(0 <= x <= 100 for x in scores)


def test_merged_and_voided_are_not_listed(db: Database, actor: Actor,
                                          people: dict[str, str]) -> None:
    with db.session() as s:
        merge_persons(s, actor, people["Hans Mueller"], people["Anna Müller"])
        void_person(s, actor, people["Karl Meyer"], "Testeintrag")
    assert "Hans Mueller" not in names(db, "Mueller")
    assert "Karl Meyer" not in names(db, "Meyer")


def test_empty_and_bad_queries(db: Database, people: dict[str, str]) -> None:
    assert names(db, "   ") == []
    with pytest.raises(UserError, match="gibt es nicht"):
        names(db, "Müller 31.02.1980")
    with pytest.raises(UserError, match="limit"):
        names(db, "Müller", limit=0)
