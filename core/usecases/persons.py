"""Merging two records of the same person (the person page's "ist dieselbe Person").

Additive use case for the GUI's one write path: the service ``merge_persons`` wrapped so
the caller gets the ``Changes`` of both records.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.security.permissions import require
from core.services.context import Actor
from core.services.persons import merge_persons as merge
from core.usecases.changes import Changes, Written


def merge_persons(session: Session, actor: Actor, duplicate_id: str,
                  survivor_id: str) -> Written[str]:
    """Mark ``duplicate_id`` as ``survivor_id``; the value is the surviving person's id."""
    require(actor, "person.merge")
    survivor = merge(session, actor, duplicate_id, survivor_id)
    return Written(survivor.id, Changes(persons=True, doses=True, checkins=True,
                                        person_ids=frozenset({survivor.id, duplicate_id})))
