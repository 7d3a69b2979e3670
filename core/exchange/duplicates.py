"""Probable duplicate doses across teams: same person, same vaccine, same day.

Two teams can register the same person independently (different UUIDs) and both record
a dose on the same day, e.g. when a person visits two sites. The merge keeps both
records – deleting one is a medical decision – but flags the pair for review in the
conflict log. "Same person" means: the same record after following person merges
(``merged_into_id``), or the same folded family and given name plus birth date.

The merge hands over what it has just written (``Written``): those doses and persons are
taken as they are instead of being read back, and the doses of a person created by this
package are all among them, so only persons known before are looked up.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Connection, insert, or_, select, tuple_
from sqlalchemy.orm import Session

from core.db.base import new_id, utcnow
from core.db.models import DuplicateDoseFlag, Person
from core.exchange.bulk import select_in

CHUNK = 1_000


def _date(value: Any) -> date:
    return value if value.__class__ is date else date.fromisoformat(str(value))


Day = date  # the field ``Dose.date`` hides the class name inside the class body


class Dose(NamedTuple):
    """What the check needs of a dose and its person."""

    id: str
    date: Day
    product_key: str
    origin: str
    person_id: str
    merged_into_id: str | None
    family_norm: str | None
    given_norm: str | None
    birth_date: Day | None


@dataclass
class Written:
    """Rows the merge created or updated, by id: the ``DOSE_FIELDS`` of each dose and the
    ``PERSON_FIELDS`` of each person (dates as stored: text on SQLite, else ``date``)."""

    doses: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    persons: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    new_persons: set[str] = field(default_factory=set)  # created by this package


DOSE_FIELDS: tuple[str, ...] = ("date", "product_key", "origin", "person_id", "voided_at")
PERSON_FIELDS: tuple[str, ...] = ("merged_into_id", "family_norm", "given_norm", "birth_date")


def resolve_persons(session: Session, merged: dict[str, str | None]) -> dict[str, str]:
    """Map every known person id to the surviving person (follows chains of merges)."""
    pending = {t for t in merged.values() if t and t not in merged}
    while pending:
        batch = sorted(pending)[:CHUNK]
        rows = session.execute(select(Person.id, Person.merged_into_id)
                               .where(Person.id.in_(batch))).all()
        merged.update({pid: target for pid, target in rows})
        merged.update({pid: None for pid in batch if pid not in merged})
        pending = {t for t in merged.values() if t and t not in merged}
    resolved: dict[str, str] = {}
    for pid in merged:
        seen, current = {pid}, pid
        while (nxt := merged.get(current)) and nxt not in seen:
            seen.add(nxt)
            current = nxt
        resolved[pid] = current
    return resolved


_DOSE = ("SELECT v.id, v.date, v.product_key, v.origin, v.person_id, "
         "p.merged_into_id, p.family_norm, p.given_norm, p.birth_date "
         "FROM vaccination v JOIN person p ON p.id = v.person_id WHERE ")
_PERSON = ("SELECT id, merged_into_id, family_norm, given_norm, birth_date FROM person "
           "WHERE id IN ({})")


def _stored(rows: Iterable[Any]) -> list[Dose]:
    return [Dose(r[0], _date(r[1]), r[2], r[3], r[4], r[5], r[6], r[7],
                 None if r[8] is None else _date(r[8])) for r in rows]


def _same_name_persons(conn: Connection, pairs: list[tuple[Any, Any]]) -> set[str]:
    """Ids of persons with one of the (folded family name, birth date) ``pairs``."""
    found: set[str] = set()
    for first in range(0, len(pairs), CHUNK):
        part = pairs[first:first + CHUNK]
        if conn.dialect.name == "sqlite":
            # SQLite scans the table for a row-value IN; joined with the pairs as a
            # VALUES list it probes ix_person_family_norm_birth once per pair
            sql = ("WITH k(f, b) AS (VALUES " + ", ".join(["(?, ?)"] * len(part)) + ") "
                   "SELECT p.id FROM k JOIN person p ON p.family_norm = k.f "
                   "AND p.birth_date = k.b")
            found.update(row[0] for row in conn.exec_driver_sql(
                sql, tuple(value.isoformat() if isinstance(value, date) else value
                           for pair in part for value in pair)).fetchall())
        else:
            found.update(conn.scalars(select(Person.id).where(
                tuple_(Person.family_norm, Person.birth_date).in_(part))))
    return found


def _package_doses(conn: Connection, ids: list[str], written: Written
                   ) -> tuple[list[Dose], list[Dose], set[str]]:
    """The package's live doses, other stored doses of their persons, and the persons
    whose every dose is among these two lists."""
    persons = written.persons
    doses = [(i, written.doses[i]) for i in ids if i in written.doses]
    doses = [(i, v) for i, v in doses if v[4] is None]  # not voided
    missing = {v[3] for _i, v in doses} - persons.keys()
    if missing:
        stored = select_in(conn, _PERSON, missing)
        persons = {**persons, **{row[0]: tuple(row[1:]) for row in stored}}
    mine = []
    for dose_id, (day, product, origin, person_id, _void) in doses:
        merged, family, given, birth = persons[person_id]
        mine.append(Dose(dose_id, day if day.__class__ is date else date.fromisoformat(day),
                         product, origin, person_id, merged, family, given,
                         birth if birth is None or birth.__class__ is date
                         else date.fromisoformat(birth)))
    # doses not written now (unchanged, or a conflict we won): as stored, with all other
    # doses of their persons (ix_vaccination_person_date)
    rest = [i for i in ids if i not in written.doses]
    fetched = _stored(select_in(
        conn, _DOSE + "v.person_id IN (SELECT person_id FROM vaccination WHERE id IN ({})) "
        "AND v.voided_at IS NULL", rest)) if rest else []
    chosen = set(rest)
    mine += [d for d in fetched if d.id in chosen]
    return mine, fetched, {d.person_id for d in fetched} | written.new_persons


def flag_duplicate_doses(session: Session, user: str, package_id: str,
                         vaccination_ids: list[str], written: Written | None = None) -> int:
    """Flag new pairs among ``vaccination_ids`` and the doses already here; returns count."""
    if not vaccination_ids:
        return 0
    conn = session.connection()
    mine, fetched, complete = _package_doses(conn, vaccination_ids, written or Written())
    if not mine:
        return 0
    wanted_ids = {d.id for d in mine}
    same_day: dict[str, Dose] = {d.id: d for d in mine}
    # Other doses that can match: of a person with the same folded name and birth date
    # (ix_person_family_norm_birth), of a merged person, or of these persons.
    merged_people = {row[0] for row in conn.exec_driver_sql(
        "SELECT id FROM person WHERE merged_into_id IS NOT NULL").fetchall()}
    persons = {d.person_id for d in mine} | {
        d.merged_into_id for d in mine if d.merged_into_id} | merged_people
    pairs_wanted = {(d.family_norm, d.birth_date) for d in mine
                    if d.family_norm and d.birth_date is not None}
    if pairs_wanted:
        persons.update(_same_name_persons(conn, sorted(pairs_wanted)))
    dates = {d.date for d in mine}
    products = {d.product_key for d in mine}
    # person_id alone uses ix_vaccination_person_date; day and vaccine are checked here
    # (a date filter in SQL lets SQLite pick the date index and scan the day)
    rest = persons - complete
    for d in [*fetched, *(_stored(select_in(conn, _DOSE + "v.person_id IN ({}) "
                                            "AND v.voided_at IS NULL", rest))
                          if rest else [])]:
        if d.person_id in persons and d.date in dates and d.product_key in products:
            same_day.setdefault(d.id, d)
    return _flag_pairs(session, user, package_id, wanted_ids, same_day)


def _flag_pairs(session: Session, user: str, package_id: str, wanted_ids: set[str],
                same_day: dict[str, Dose]) -> int:
    resolve = resolve_persons(session, {d.person_id: d.merged_into_id
                                        for d in same_day.values()})

    def match_keys(row: Dose) -> list[tuple[Any, ...]]:
        found: list[tuple[Any, ...]] = [(row.date, row.product_key, resolve[row.person_id])]
        if row.family_norm and row.given_norm:
            found.append((row.date, row.product_key, row.family_norm, row.given_norm,
                          row.birth_date))
        return found

    # A pair has two origins, so at least one dose not of the most common origin: only
    # those doses and the ones sharing a person or name with them can be in a pair's group
    # (and every member of such a group is among them, so the group sizes are the same).
    rows = list(same_day.values())
    common = Counter(row.origin for row in rows).most_common(1)[0][0]
    others = [row for row in rows if row.origin != common]
    if not others:
        return 0
    their_persons = {resolve[row.person_id] for row in others}
    their_names = {(row.family_norm, row.given_norm, row.birth_date) for row in others
                   if row.family_norm and row.given_norm}
    relevant = others + [
        row for row in rows if row.origin == common and (
            resolve[row.person_id] in their_persons
            or (row.family_norm, row.given_norm, row.birth_date) in their_names)]
    by_key: dict[tuple[Any, ...], list[Dose]] = defaultdict(list)
    for row in relevant:
        for key in match_keys(row):
            by_key[key].append(row)
    relevant_ids = {row.id for row in relevant}
    pairs: dict[tuple[str, str], tuple[Dose, Dose, int]] = {}
    for wanted in wanted_ids:
        if wanted not in relevant_ids:
            continue
        row = same_day[wanted]
        for key in match_keys(row):
            group = by_key[key]
            if len(group) < 2:
                continue
            size = len({m.id for m in group})
            for other in group:
                if other.id != row.id and other.origin != row.origin:
                    first, second = sorted((row, other), key=lambda r: r.id)
                    pairs[(first.id, second.id)] = (first, second, size)
    if not pairs:
        return 0
    known: set[tuple[str, str]] = set()
    keys = sorted({k[0] for k in pairs} | {k[1] for k in pairs})
    for start in range(0, len(keys), CHUNK):
        part = keys[start:start + CHUNK]
        known.update((first, second) for first, second in session.execute(
            select(DuplicateDoseFlag.vaccination_id, DuplicateDoseFlag.other_vaccination_id)
            .where(or_(DuplicateDoseFlag.vaccination_id.in_(part),
                       DuplicateDoseFlag.other_vaccination_id.in_(part)))))
    now = utcnow()
    rows_out = [{"id": new_id(), "at": now, "user": user, "package_id": package_id,
                 "vaccination_id": a.id, "other_vaccination_id": b.id,
                 "person_id": a.person_id, "other_person_id": b.person_id, "date": a.date,
                 "product_key": a.product_key, "origin": a.origin, "other_origin": b.origin,
                 "status": "offen", "dose_count": size}
                for key, (a, b, size) in sorted(pairs.items()) if key not in known]
    if rows_out:
        session.execute(insert(DuplicateDoseFlag), rows_out)
    return len(rows_out)
