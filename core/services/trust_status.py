"""What the admin page shows about certificate trust: the list's age and our own key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core.certificates.keys import installed_identity
from core.certificates.trust import TrustListError, default_trust, install_trust_list
from core.errors import UserError

STALE_AFTER = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class TrustStatus:
    certificates: int
    updated_at: datetime | None
    stale: bool
    key_id: str | None
    key_training: bool
    key_valid_until: datetime | None


def trust_status(now: datetime | None = None) -> TrustStatus:
    now = now or datetime.now(UTC)
    trust = default_trust()
    try:
        identity = installed_identity()
    except UserError:
        identity = None
    updated = trust.updated_at if trust else None
    return TrustStatus(
        len(trust) if trust else 0, updated,
        updated is None or now - updated > STALE_AFTER,
        identity.kid_b64 if identity else None,
        identity.training if identity else False,
        identity.certificate.not_valid_after_utc if identity else None)


def import_trust_list(path: str) -> TrustStatus:
    """Install a trust list file; German UserError when it cannot be used."""
    try:
        install_trust_list(path)
    except TrustListError as exc:
        raise UserError(f"Vertrauensliste nicht übernommen: {exc}") from exc
    return trust_status()
