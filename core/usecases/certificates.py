"""Issue (or reprint) the certificate of a dose as a PDF: a write (the certificate row).

Additive use case for the GUI's one write path around ``certificate_pdf``.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from core.security.permissions import require
from core.services.certificate_print import certificate_pdf
from core.services.context import Actor
from core.usecases.changes import Changes, Written


def print_certificate(session: Session, actor: Actor, dose_id: str,
                      out_dir: Path | None = None) -> Written[Path]:
    require(actor, "certificate.issue")
    return Written(certificate_pdf(session, actor, dose_id, out_dir), Changes())
