"""Probable duplicate doses across teams: same person, same vaccine, same day.

Two teams can register the same person independently (different UUIDs) and both record
a dose on the same day, e.g. when a person visits two sites. The merge keeps both
records – deleting one is a medical decision – but flags the pair for review in the
conflict log. "Same person" means: the same record after following person merges
(``merged_into_id``), or the same folded family and given name plus birth date.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from core.db.base import new_id, utcnow
from core.db.models import DuplicateDoseFlag, Person, Vaccination

CHUNK = 500


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


def flag_duplicate_doses(session: Session, user: str, package_id: str,
                         vaccination_ids: list[str]) -> int:
    """Flag new pairs among ``vaccination_ids`` and the doses already here; returns count."""
    if not vaccination_ids:
        return 0
    mine: list[Any] = []
    for start in range(0, len(vaccination_ids), CHUNK):
        part = vaccination_ids[start:start + CHUNK]
        mine += session.execute(select(Vaccination.id, Vaccination.date,
                                       Vaccination.product_key)
                                .where(Vaccination.id.in_(part),
                                       Vaccination.voided_at.is_(None))).all()
    if not mine:
        return 0
    wanted_ids = {row.id for row in mine}
    dates = sorted({row.date for row in mine})
    products = sorted({row.product_key for row in mine})
    same_day: list[Any] = []
    for start in range(0, len(dates), CHUNK):
        same_day += session.execute(
            select(Vaccination.id, Vaccination.date, Vaccination.product_key,
                   Vaccination.origin, Vaccination.person_id, Person.merged_into_id,
                   Person.family_norm, Person.given_norm, Person.birth_date)
            .join(Person, Person.id == Vaccination.person_id)
            .where(Vaccination.voided_at.is_(None),
                   Vaccination.date.in_(dates[start:start + CHUNK]),
                   Vaccination.product_key.in_(products))).all()
    groups: dict[tuple[Any, str], list[Any]] = defaultdict(list)
    for row in same_day:
        groups[(row.date, row.product_key)].append(row)
    resolve = resolve_persons(session, {row.person_id: row.merged_into_id for row in same_day})
    pairs: dict[tuple[str, str], tuple[Any, Any, int]] = {}
    for rows in groups.values():
        if len(rows) < 2 or not any(r.id in wanted_ids for r in rows):
            continue
        clusters: dict[Any, list[Any]] = defaultdict(list)
        for row in rows:
            clusters[resolve[row.person_id]].append(row)
            if row.family_norm and row.given_norm:
                name_key = ("name", row.family_norm, row.given_norm, row.birth_date)
                if resolve[row.person_id] != name_key:
                    clusters[name_key].append(row)
        for members in clusters.values():
            unique = {m.id: m for m in members}
            for a in unique.values():
                if a.id not in wanted_ids:
                    continue
                for b in unique.values():
                    if b.id != a.id and b.origin != a.origin:
                        first, second = sorted((a, b), key=lambda r: r.id)
                        pairs[(first.id, second.id)] = (first, second, len(unique))
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
