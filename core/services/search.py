"""Person search as you type: name prefix, Kölner Phonetik, typo tolerance, birth date.

Candidates come from a handful of indexed range/equality queries (each capped), so the
cost does not grow with the number of persons; rapidfuzz then ranks the few hundred
candidates. The GUI and ``persons search`` call the same function.

Speed (benchmarks/bench_foundation.py, 1M persons): the queries load only the columns
ranking needs, not ORM objects; the "not merged" filter is written so that SQLite cannot
answer it from ``ix_person_merged_into_id`` (see ``_live``); and the family+given query
walks the (given, family) name index (see ``_family_and_given``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Protocol

from rapidfuzz import fuzz
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from core.dates import parse_date
from core.db.models import Person
from core.errors import UserError
from core.services.names import fold, phonetic, prefix_upper_bound

CANDIDATES_PER_QUERY = 200
MIN_SCORE = 60
DUPLICATE_SCORE = 85  # from here on a hit is shown as "probably the same person"
FAMILY_WEIGHT = 0.6  # the family name identifies more than the given name
SWAP_PENALTY = 5  # "Vorname Nachname" is read as well, but typed order wins ties
_DATE_TOKEN = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$|^\d{4}-\d{1,2}-\d{1,2}$")


@dataclass(frozen=True, slots=True)
class PersonHit:
    id: str
    family_name: str
    given_name: str
    birth_date: date
    postcode: str
    score: int

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "family_name": self.family_name, "given_name": self.given_name,
                "birth_date": self.birth_date.isoformat(), "postcode": self.postcode,
                "score": self.score}


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    names: tuple[str, ...]  # folded name tokens, family name first when a comma was used
    birth: date | None
    comma: bool


def parse_query(text: str, birth: date | None = None) -> ParsedQuery:
    """Split a typed query into name tokens and an optional birth date."""
    comma = "," in text
    names: list[str] = []
    for raw in text.replace(",", " ").split():
        if _DATE_TOKEN.match(raw):
            birth = parse_date(raw, "Geburtsdatum")
            continue
        token = fold(raw)
        if token:
            names.append(token)
    return ParsedQuery(tuple(names), birth, comma)


def _orders(q: ParsedQuery) -> list[tuple[str, ...]]:
    """Name orders to try: as typed, and swapped ("Anna Müller") unless a comma fixed it."""
    if not q.names:
        return []
    if q.comma or len(q.names) < 2:
        return [q.names]
    return [q.names, q.names[::-1]]


def _prefix(column: InstrumentedAttribute[str] | ColumnElement[str], prefix: str
            ) -> list[ColumnElement[bool]]:
    return [column >= prefix, column < prefix_upper_bound(prefix)]


class Candidate(Protocol):
    """What ranking reads: a ``Person`` or a row of ``_COLUMNS``."""

    @property
    def id(self) -> str: ...
    @property
    def family_name(self) -> str: ...
    @property
    def given_name(self) -> str: ...
    @property
    def birth_date(self) -> date: ...
    @property
    def postcode(self) -> str: ...
    @property
    def family_norm(self) -> str: ...
    @property
    def given_norm(self) -> str: ...
    @property
    def family_phon(self) -> str: ...


_Query = Select[str, str, str, date, str, str, str, str]  # the columns below
_COLUMNS = (Person.id, Person.family_name, Person.given_name, Person.birth_date,
            Person.postcode, Person.family_norm, Person.given_norm, Person.family_phon)


def _live() -> list[ColumnElement[bool]]:
    """Not voided, not merged into another record.

    ``merged_into_id IS NULL`` holds for nearly every row, but without ANALYZE statistics
    SQLite treats it as a selective equality on ``ix_person_merged_into_id`` and prefers
    that index to the name index - a walk over all persons (0.1-0.35 s at 1M). Wrapped in
    COALESCE the same condition cannot use that index (same result on PostgreSQL).
    """
    return [Person.voided_at.is_(None), func.coalesce(Person.merged_into_id, "") == ""]


def _unindexed(column: InstrumentedAttribute[str]) -> ColumnElement[str]:
    """The same (NOT NULL) value, but no index can serve a condition on it."""
    return func.coalesce(column, "")


def _family_and_given(family: str, given: str) -> list[ColumnElement[bool]]:
    """Conditions for "family starts with ``family``, given with ``given``".

    Walks ix_person_given_family (given_norm, family_norm): the given-name range, with the
    family prefix checked on the index entries, so only real matches are read from the
    table. The family condition is written so that no other index can serve it; without
    statistics SQLite would otherwise walk a whole family-name range.
    """
    return [*_prefix(Person.given_norm, given), *_prefix(_unindexed(Person.family_norm),
                                                          family)]


def _candidate_queries(q: ParsedQuery) -> list[_Query]:
    base = select(*_COLUMNS).where(*_live())
    queries: list[_Query] = []
    if q.birth is not None:
        queries.append(base.where(Person.birth_date == q.birth))
    for order in _orders(q):
        family = order[0]
        given = order[1] if len(order) > 1 else None
        queries.append(base.where(*_prefix(Person.family_norm, family)))
        code = _phonetic(family)
        if code:
            queries.append(base.where(Person.family_phon == code))
        if given is not None and len(family) >= 2:
            # Typo after the first letters of the family name: the given name narrows it.
            queries.append(base.where(*_family_and_given(family[:2], given[:2])))
    return [query.limit(CANDIDATES_PER_QUERY) for query in queries]


@lru_cache(maxsize=1024)
def _phonetic(token: str) -> str:
    """``phonetic`` of a typed token, cached: ranking asks for it once per candidate."""
    return phonetic(token)


def _name_score(person: Candidate, family: str, given: str | None) -> float:
    fam = person.family_norm
    score = 100.0 if fam.startswith(family) else fuzz.ratio(fam, family)
    if person.family_phon and person.family_phon == _phonetic(family):
        score = max(score, 90.0)
    if given is None:
        return score
    giv = person.given_norm
    given_score = 100.0 if giv.startswith(given) else fuzz.ratio(giv, given)
    return FAMILY_WEIGHT * score + (1 - FAMILY_WEIGHT) * given_score


def score_person(person: Candidate, q: ParsedQuery) -> int:
    if q.names:
        best = max(
            _name_score(person, o[0], o[1] if len(o) > 1 else None) - SWAP_PENALTY * swapped
            for swapped, o in enumerate(_orders(q))
        )
    else:
        best = 100.0
    if q.birth is not None and person.birth_date != q.birth:
        best -= 40
    return max(0, min(100, round(best)))


def search_persons(
    session: Session, text: str, birth: date | None = None, limit: int = 20
) -> list[PersonHit]:
    """Best matches first; empty list for an empty query."""
    if limit < 1:
        raise UserError("--limit muss mindestens 1 sein.")
    q = parse_query(text, birth)
    if not q.names and q.birth is None:
        return []
    found: dict[str, Candidate] = {}
    for query in _candidate_queries(q):
        for row in session.execute(query):
            found.setdefault(row.id, row)
    hits = [
        PersonHit(p.id, p.family_name, p.given_name, p.birth_date, p.postcode, score)
        for p in found.values()
        if (score := score_person(p, q)) >= MIN_SCORE
    ]
    hits.sort(key=lambda h: (-h.score, h.family_name, h.given_name, h.birth_date))
    return hits[:limit]


def likely_same(
    session: Session, text: str, birth: date | None = None, limit: int = 5
) -> list[PersonHit]:
    """Hits scoring as probably the same person: the duplicate warnings of registration,
    certificate check-in, the scan page and the person page share this one threshold."""
    return [h for h in search_persons(session, text, birth=birth, limit=limit)
            if h.score >= DUPLICATE_SCORE]
