"""Sign-in accounts for demo data: every demo staff member and the literal ``admin``.

Only ``demo`` on an empty database calls this (the accounts are created together with
the staff they belong to); the database is marked as training data (setting
``training_data`` = ``ja``, which the GUI shows). The password is ``IMPFTEAM_PASSWORD``
or ``training``: demo data is never real, and a trainer hands it out.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import UserAccount
from core.errors import UserError
from core.security.passwords import check_password, hash_secret
from core.security.users import has_accounts
from core.settings import set_setting

DEMO_ADMIN = "admin"
DEFAULT_PASSWORD = "training"
PASSWORD_ENV = "IMPFTEAM_PASSWORD"


def demo_password() -> str:
    return os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD


def require_no_accounts(session: Session) -> None:
    if has_accounts(session):
        raise UserError("Die Datenbank hat schon Benutzerkonten – Beispieldaten werden nur "
                        "in eine leere Datenbank geschrieben. Bitte mit --db eine neue Datei "
                        "angeben.")


def add_demo_accounts(session: Session, report: Any, password: str) -> dict[str, Any]:
    """Accounts for ``report.staff_rows`` and ``admin``; returns the ``--json`` extras."""
    check_password(password)
    now = utcnow()
    staff = [{"id": row["id"], "login": row["login"], "roles": [row["role"]]}
             for row in report.staff_rows]
    accounts = [(s["login"], s["id"], s["roles"]) for s in staff]
    accounts.append((DEMO_ADMIN, None, ["admin"]))
    for login, staff_id, roles in accounts:
        session.add(UserAccount(login=login, staff_id=staff_id, roles=",".join(roles),
                                password_hash=hash_secret(password), must_change=False,
                                failed_attempts=0, disabled=False, created_at=now,
                                updated_at=now, created_by="demo"))
    set_setting(session, "training_data", "ja")
    return {"visits_today": report.visits_today, "staff": staff,
            "admin_login": DEMO_ADMIN, "training": True}
