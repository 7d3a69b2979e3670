"""Issuing a DCC for a stored dose: payload -> schema check -> sign -> HC1 -> stored.

One transaction: the ``Certificate`` row (UVCI, HC1 text, kid) and its audit entry are
written in the caller's session, so a rollback leaves no certificate behind. The payload
is validated against the EU schema *before* signing (a signed invalid certificate could
not be withdrawn), and the finished HC1 is verified once with the DSC it was signed
with, so a broken key/certificate pair can never produce a printed QR code.
"""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.certificates.codec import encode_hc1
from core.certificates.cose import SigningKey, build_claims, kid_for, sign
from core.certificates.keys import SigningIdentity, is_training
from core.certificates.payload import COUNTRY, ISSUER_DE, ISSUER_TRAINING, payload_for
from core.certificates.schema import validate_payload
from core.certificates.trust import TrustList
from core.certificates.uvci import make_uvci
from core.certificates.verify import verify_hc1
from core.db.models import Certificate, Vaccination
from core.errors import ValidationError
from core.services import records
from core.services.context import Actor, audit, stamp_new
from core.settings import get_setting

#: Technical validity (``exp``) of an issued certificate, capped by the DSC's validity.
VALIDITY = timedelta(days=365)


def _unique_uvci(session: Session) -> str:
    issuer = get_setting(session, "impfzentrum_id")
    team = get_setting(session, "team_id")
    for _ in range(5):
        unique = team + "".join(secrets.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")
                                for _ in range(12))
        uvci = make_uvci(issuer, unique[:24])
        if session.scalar(select(Certificate.id).where(Certificate.uvci == uvci)) is None:
            return uvci
    raise RuntimeError("no unique UVCI after 5 tries")  # 2^-60 odds: a bug, not bad luck


def sign_payload(payload: dict[str, Any], key: SigningKey, cert: x509.Certificate,
                 now: datetime | None = None) -> str:
    """Sign a (validated) payload as a CWT and return the ``HC1:`` text."""
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    if now < cert.not_valid_before_utc or now > cert.not_valid_after_utc:
        raise ValidationError("Signaturzertifikat (DSC) ist heute nicht gültig; "
                              "bitte IT um ein neues Zertifikat bitten.")
    expires = min(now + VALIDITY, cert.not_valid_after_utc)
    claims = build_claims(payload, COUNTRY, now, expires)
    return encode_hc1(sign(claims, key, kid_for(cert)))


def issue_certificate(
    session: Session, actor: Actor, vaccination_id: str, key: SigningKey,
    cert: x509.Certificate, now: datetime | None = None,
) -> Certificate:
    """Issue, store and audit a DCC for one COVID-19 dose; German errors on bad input."""
    dose = records.find(session, Vaccination, vaccination_id)
    if dose.is_voided:
        raise ValidationError("Die Impfung ist storniert; dafür wird kein Zertifikat ausgestellt.")
    if dose.disease != "covid19":
        raise ValidationError("EU-Impfzertifikate gibt es nur für COVID-19-Impfungen; für "
                              "Masern bitte den Nachweis nach § 20 Abs. 9 IfSG drucken.")
    training = is_training(cert)
    uvci = _unique_uvci(session)
    payload = payload_for(session, dose, uvci, ISSUER_TRAINING if training else ISSUER_DE)
    checked = validate_payload(payload)
    if not checked.valid:
        raise ValidationError("Zertifikat entspricht nicht dem EU-Schema: "
                              + "; ".join(checked.errors))
    hc1 = sign_payload(payload, key, cert, now)
    self_check = verify_hc1(hc1, TrustList.of([cert]), now)
    if self_check.signature != "valid":
        raise ValidationError("Schlüssel und Zertifikat passen nicht zusammen: die eigene "
                              "Signatur lässt sich nicht prüfen.")
    certificate = Certificate(
        vaccination_id=dose.id, uvci=uvci, hc1=hc1,
        issued_at=(now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None),
        key_id=base64.b64encode(kid_for(cert)).decode("ascii"),
    )
    stamp_new(certificate, actor)
    session.add(certificate)
    audit(session, actor, "create", certificate)
    return certificate


def issue_with(session: Session, actor: Actor, vaccination_id: str,
               identity: SigningIdentity, now: datetime | None = None) -> Certificate:
    """``issue_certificate`` with a ``SigningIdentity`` (what the GUI and CLI hold)."""
    return issue_certificate(session, actor, vaccination_id, identity.key,
                             identity.certificate, now)


def active_certificate(session: Session, vaccination_id: str) -> Certificate | None:
    """The newest non-voided certificate of a dose (for reprints), if any."""
    return session.scalars(
        select(Certificate).where(Certificate.vaccination_id == vaccination_id,
                                  Certificate.voided_at.is_(None))
        .order_by(Certificate.issued_at.desc())).first()
