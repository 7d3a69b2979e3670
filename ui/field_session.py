"""Who is signed in and which visit they work on: the one place sign-in lives.

``actor`` is the authenticated ``Actor`` (login, device, roles) from
``core.security.users.authenticate``; every write of the GUI is stamped with it and core
checks its roles. A session without one (never from the sign-in dialog) may only read.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.services.context import Actor


@dataclass(frozen=True, slots=True)
class FieldSession:
    staff_id: str
    login: str
    name: str
    role: str
    visit_id: str | None
    actor: Actor | None = None

    def with_visit(self, visit_id: str | None) -> FieldSession:
        return FieldSession(self.staff_id, self.login, self.name, self.role, visit_id,
                            self.actor)

    @property
    def roles(self) -> frozenset[str]:
        return self.actor.roles if self.actor is not None else frozenset()
