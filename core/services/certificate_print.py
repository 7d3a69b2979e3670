"""Issue (or reprint) the certificate of a dose into a PDF in the data directory.

The field page offers this right after saving a dose; a reprint reuses the stored HC1
text, so the same dose never gets two different certificates by accident.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from core.certificates.issue import active_certificate, issue_with
from core.certificates.keys import installed_identity
from core.certificates.printing import write_certificate
from core.errors import UserError
from core.paths import data_dir
from core.services.context import Actor


def certificate_pdf(session: Session, actor: Actor, vaccination_id: str,
                    out_dir: Path | None = None) -> Path:
    """Path of the written PDF; German UserError when no signing key is installed."""
    certificate = active_certificate(session, vaccination_id)
    if certificate is None:
        identity = installed_identity()
        if identity is None:
            raise UserError("Kein Signaturschlüssel installiert: bitte IT (keys install). "
                            "Die Impfung ist gespeichert; das Zertifikat kann später "
                            "gedruckt werden.")
        certificate = issue_with(session, actor, vaccination_id, identity)
    folder = out_dir or data_dir() / "zertifikate"
    folder.mkdir(parents=True, exist_ok=True)
    safe = certificate.uvci.replace("/", "_").replace(":", "_").replace("#", "_")
    return write_certificate(session, certificate, folder / f"{safe}.pdf")
