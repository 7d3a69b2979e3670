"""The permission table: which roles may do what (docs/security.md).

Enforced in core, where each write starts (``core.usecases``, the exchange entry
points, settings, keys, trust lists, signers, users), never by hiding buttons: a widget
may hide what core would refuse (``allowed``), but core decides. A person may hold
several roles (a team lead who is also a physician): an action is allowed when any of
the actor's roles is listed for it.
"""

from __future__ import annotations

from core.db.codes import ROLES
from core.errors import UserError

ARZT, IMPFEND, VERWALTUNG, LEITUNG, ADMIN = "arzt", "impfend", "verwaltung", "leitung", "admin"
ALL_ROLES: frozenset[str] = frozenset(ROLES)
_FIELD = frozenset({ARZT, IMPFEND, VERWALTUNG, LEITUNG})
_VACCINATING = frozenset({ARZT, IMPFEND})

#: action -> roles allowed; the German text names the action in refusals.
PERMISSIONS: dict[str, tuple[frozenset[str], str]] = {
    "person.register": (_FIELD, "Personen registrieren"),
    "person.merge": (frozenset({LEITUNG}), "Personen zusammenführen"),
    "checkin": (_FIELD, "Personen anmelden (Check-in)"),
    "dose.backentry": (_FIELD, "frühere Impfungen nachtragen"),
    "dose.record": (_VACCINATING, "verabreichte Impfungen erfassen"),
    "dose.void_own": (_VACCINATING | {LEITUNG}, "eigene Impfungen stornieren"),
    "dose.void_other": (frozenset({LEITUNG}), "Impfungen anderer stornieren"),
    "certificate.issue": (_VACCINATING, "Impfzertifikate ausstellen"),
    "visit.start": (frozenset({LEITUNG}), "Einsätze beginnen"),
    "visit.close": (frozenset({LEITUNG}), "Einsätze abschließen"),
    "visit.team": (frozenset({LEITUNG}), "das Team eines Einsatzes ändern"),
    "export": (frozenset({LEITUNG}), "Exporte erstellen"),
    "import": (frozenset({ADMIN}), "Pakete und Stammdaten importieren"),
    "settings": (frozenset({ADMIN}), "Einstellungen ändern"),
    "keys": (frozenset({ADMIN}), "Signaturschlüssel verwalten"),
    "trust": (frozenset({ADMIN}), "Vertrauenslisten installieren"),
    "signers": (frozenset({ADMIN}), "Paket-Signierer verwalten"),
    "users": (frozenset({ADMIN}), "Benutzer verwalten"),
    "audit": (frozenset({LEITUNG, ADMIN}), "das Audit-Protokoll einsehen"),
    "backup": (frozenset({LEITUNG, ADMIN}), "Sicherungen erstellen"),
    "restore": (frozenset({ADMIN}), "Sicherungen einspielen"),
}


class PermissionDenied(UserError):
    """The signed-in user's roles do not allow the action (German message)."""

    def __init__(self, message: str, action: str) -> None:
        super().__init__(message, field="permission")
        self.action = action


def roles_for(action: str) -> frozenset[str]:
    return PERMISSIONS[action][0]


def allowed(roles: frozenset[str] | set[str], action: str) -> bool:
    """True when any of ``roles`` may do ``action`` (for the GUI to hide what core refuses)."""
    return bool(roles_for(action) & set(roles))


def role_names(roles: frozenset[str] | set[str]) -> str:
    return ", ".join(ROLES[r] for r in sorted(roles) if r in ROLES) or "keine Rolle"


def require(actor: object, action: str) -> None:
    """Raise ``PermissionDenied`` unless the actor holds a role allowed for ``action``."""
    roles: frozenset[str] = getattr(actor, "roles", frozenset())
    if allowed(roles, action):
        return
    needed, text = PERMISSIONS[action]
    user = getattr(actor, "user", "")
    raise PermissionDenied(
        f"Keine Berechtigung: {text} dürfen nur {role_names(needed)} (angemeldet: {user}, "
        f"Rolle: {role_names(roles)}).", action)
