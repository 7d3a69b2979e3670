"""Who is signed in and which visit they work on: the one place sign-in lives.

The security issue will add passwords/PINs; everything else asks this object, so
hardening the sign-in does not touch the pages.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldSession:
    staff_id: str
    login: str
    name: str
    role: str
    visit_id: str | None

    def with_visit(self, visit_id: str | None) -> FieldSession:
        return FieldSession(self.staff_id, self.login, self.name, self.role, visit_id)
