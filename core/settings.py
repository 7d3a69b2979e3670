"""Installation settings, declared once (key, check, default).

Stored in the ``setting`` table so they travel with a backup. Missing keys are created at
start-up; unknown keys are rejected, so a typo cannot silently create a new setting.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import Setting
from core.errors import ValidationError

_ID_PATTERN = re.compile(r"^[0-9A-Z]+$")
#: values of ``export_protection``: files unprotected, or encrypted with a password
EXPORT_PROTECTION_CHOICES = ("aus", "passwort")
#: values of ``lock_minutes``: minutes without input before the GUI locks, "0" = never
LOCK_MINUTES_CHOICES = ("0", "1", "2", "5", "10", "15", "30")
#: values of ``backup_minutes``: minutes between automatic backups, "0" switches them off
BACKUP_MINUTES_CHOICES = ("0", "5", "10", "15", "30", "60")


@dataclass(frozen=True, slots=True)
class SettingSpec:
    key: str
    label: str
    default: Callable[[], str]
    pattern: re.Pattern[str] | None = None
    #: allowed values for a switch-like setting (checked instead of ``pattern``)
    choices: tuple[str, ...] | None = None


SPECS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec("impfzentrum_id", "Impfzentrum-ID", lambda: "IZ", _ID_PATTERN),
        SettingSpec("team_id", "Team-ID", lambda: "T1", _ID_PATTERN),
        SettingSpec("device_id", "Geräte-ID", lambda: uuid.uuid4().hex[:12].upper(), _ID_PATTERN),
        # Exports with personal data: "passwort" makes a password mandatory for
        # export daily|dim|sync (core/exchange/protect.py). The password itself is never
        # stored here – a backup of the database must not carry the key to its exports.
        SettingSpec("export_protection", "Exportschutz", lambda: "aus",
                    choices=EXPORT_PROTECTION_CHOICES),
        # Minutes without input after which the GUI locks the screen (re-login with the
        # PIN or the password, core.security.users); "0" = never.
        SettingSpec("lock_minutes", "Automatische Sperre (Minuten)", lambda: "5",
                    choices=LOCK_MINUTES_CHOICES),
        # "ja" marks a database filled by ``demo`` (training data, never real records);
        # the GUI shows it in the title and the status line.
        SettingSpec("training_data", "Schulungsdaten", lambda: "nein",
                    choices=("nein", "ja")),
        # Minutes between the GUI's automatic backups (core.db.backup.backup_due); "0" = off.
        SettingSpec("backup_minutes", "Automatische Sicherung (Minuten)", lambda: "15",
                    choices=BACKUP_MINUTES_CHOICES),
    )
}


def ensure_defaults(session: Session) -> None:
    """Create missing settings with their defaults (device id is made once, at install)."""
    present = set(session.scalars(select(Setting.key)))
    for key, spec in SPECS.items():
        if key not in present:
            session.add(Setting(key=key, value=spec.default()))


def get_setting(session: Session, key: str) -> str:
    if key not in SPECS:
        raise KeyError(f"unknown setting {key!r}")
    row = session.get(Setting, key)
    return row.value if row is not None else SPECS[key].default()


def set_setting(session: Session, key: str, value: str) -> None:
    spec = SPECS.get(key)
    if spec is None:
        raise ValidationError(f"Unbekannte Einstellung „{key}“.")
    value = value.strip()
    if spec.choices is not None and value not in spec.choices:
        raise ValidationError(
            f"{spec.label}: erlaubt sind nur {' oder '.join(f'„{c}“' for c in spec.choices)} "
            f"(war „{value}“).",
            field=key,
        )
    if spec.pattern is not None and not spec.pattern.match(value):
        raise ValidationError(
            f"{spec.label}: nur Großbuchstaben A–Z und Ziffern erlaubt (war „{value}“).",
            field=key,
        )
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
