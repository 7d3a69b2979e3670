"""What a write changed: the value the GUI's one application-wide signal carries.

Pages look at the flags (and the ids) to decide whether they must reload; a write
that touched nothing a page shows costs that page nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Changes:
    persons: bool = False
    doses: bool = False
    checkins: bool = False
    visits: bool = False
    lots: bool = False
    staff: bool = False
    sites: bool = False
    #: Ids of the persons and visits concerned (empty: any may have changed, e.g. imports).
    person_ids: frozenset[str] = field(default_factory=frozenset)
    visit_ids: frozenset[str] = field(default_factory=frozenset)

    def __or__(self, other: Changes) -> Changes:
        values = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            values[f.name] = mine | theirs
        return Changes(**values)

    @property
    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self)
                   if isinstance(getattr(self, f.name), bool))

    def touches_visit(self, visit_id: str) -> bool:
        """True when a page showing ``visit_id`` must reload."""
        return self.any and (not self.visit_ids or visit_id in self.visit_ids)

    def touches_person(self, person_id: str) -> bool:
        return (self.persons or self.doses) and (
            not self.person_ids or person_id in self.person_ids)

    @classmethod
    def everything(cls) -> Changes:
        """After an import or a restore: every page reloads."""
        return cls(True, True, True, True, True, True, True)


@dataclass(frozen=True, slots=True)
class Written(Generic[T]):
    """A use case's result: what was stored, and what that changed."""

    value: T
    changes: Changes
