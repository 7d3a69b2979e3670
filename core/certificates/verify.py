"""Full offline verification of an HC1 text, returning the ``verify`` JSON of design.md.

Order of checks, as CovPass Check does them: decode (prefix, Base45, zlib, COSE, CWT),
find the DSC by kid, verify the signature, check ``exp``/``iat`` against the validation
clock, the DSC's own validity and extended key usage, the schema, and finally the
holder's status (``holder.py``, rules evaluator). The first failing technical check sets
the status; every failure adds a German line to ``errors``. Nothing in here raises for
bad input: any text or bytes give a ``VerifyResult`` (the fuzz test holds us to it).
"""

from __future__ import annotations

import base64
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from core.certificates.codec import DecodeError, decode_hc1, has_prefix
from core.certificates.cose import (
    ALG_NAMES,
    CoseSign1,
    parse_claims,
    parse_cose,
    verify_signature,
)
from core.certificates.holder import holder_status
from core.certificates.schema import validate_payload
from core.certificates.trust import TrustedCert, TrustList

log = logging.getLogger(__name__)

STATUSES = ("vollstaendig", "unvollstaendig", "auffrischung", "genesen", "getestet",
            "ungueltig", "abgelaufen", "unbekannter_aussteller", "kein_code")
#: What the scan page shows for each status code (CovPass Check wording).
STATUS_TEXT = {
    "vollstaendig": "Vollständig geimpft",
    "unvollstaendig": "Unvollständiger Impfschutz",
    "auffrischung": "Auffrischimpfung",
    "genesen": "Genesen",
    "getestet": "Negativ getestet",
    "ungueltig": "Zertifikat nicht gültig",
    "abgelaufen": "Zertifikat abgelaufen",
    "unbekannter_aussteller": "Unbekannter Aussteller",
    "kein_code": "Kein Zertifikat erkannt",
}


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


@dataclass(slots=True)
class VerifyResult:
    """The ``verify`` result; ``to_dict()`` is the design.md JSON plus ``reasons``/``notes``.

    ``time_valid``, ``dsc_valid``, ``key_usage_ok`` and ``schema_valid`` are kept for
    callers (tests, GUI) that need the individual verdicts, not only the status.
    """

    decoded: bool = False
    signature: str = "not_checked"
    expired: bool = False
    kid: str | None = None
    issuer: str | None = None
    issued_at: datetime | None = None
    expires_at: datetime | None = None
    certificate_type: str | None = None
    person: dict[str, str] | None = None
    payload: dict[str, Any] | None = None
    status: str = "kein_code"
    errors: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    algorithm: str | None = None
    time_valid: bool | None = None
    key_usage_ok: bool | None = None
    dsc_valid: bool | None = None
    schema_valid: bool | None = None
    dsc_subject: str | None = None

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]

    def to_dict(self) -> dict[str, Any]:
        return {
            "decoded": self.decoded,
            "signature": self.signature,
            "expired": self.expired,
            "kid": self.kid,
            "issuer": self.issuer,
            "issued_at": _iso(self.issued_at),
            "expires_at": _iso(self.expires_at),
            "certificate_type": self.certificate_type,
            "person": self.person,
            "payload": self.payload,
            "status": self.status,
            "errors": list(self.errors),
            "reasons": list(self.reasons),
            "notes": list(self.notes),
        }


def no_code(reason: str) -> VerifyResult:
    """Result for input that holds no certificate at all (image without QR, other text)."""
    return VerifyResult(status="kein_code", errors=[reason])


def certificate_type(payload: dict[str, Any]) -> str | None:
    kinds = [k for k in ("v", "t", "r") if k in payload]
    return kinds[0] if len(kinds) == 1 else None


def _person(payload: dict[str, Any]) -> dict[str, str] | None:
    nam = payload.get("nam")
    if not isinstance(nam, dict):
        return None
    return {
        "family_name": str(nam.get("fn") or nam.get("fnt") or ""),
        "given_name": str(nam.get("gn") or nam.get("gnt") or ""),
        "birth_date": str(payload.get("dob") or ""),
    }


def _trim(value: Any) -> Any:
    """Strings trimmed (CovPass does so before deserialising); CBOR-only types made JSON-safe."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, Mapping):
        return {str(k): _trim(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_trim(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, float) and not math.isfinite(value):
        return None  # NaN and Infinity have no JSON form
    if value is None or isinstance(value, bool | int | float):
        return value
    try:
        return str(value)
    except ValueError:  # e.g. a Fraction of integers too long to print
        return None


def _check_signature(result: VerifyResult, message: CoseSign1,
                     trust: TrustList | None) -> TrustedCert | None:
    if trust is None:
        result.signature = "not_checked"
        result.errors.append("Keine Vertrauensliste geladen: Signatur nicht geprüft.")
        return None
    candidates = trust.candidates(message.kid)
    if not candidates:
        result.signature = "unknown_kid"
        result.errors.append("Unbekannter Aussteller: kein Signaturzertifikat mit dieser "
                             "Kennung (kid) in der Vertrauensliste.")
        return None
    for candidate in candidates:
        if verify_signature(message, candidate.certificate.public_key()):
            result.signature = "valid"
            result.dsc_subject = candidate.certificate.subject.rfc4514_string()
            return candidate
    result.signature = "invalid"
    result.errors.append("Ungültige Signatur: das Zertifikat wurde verändert oder falsch "
                         "signiert.")
    return None


def _check_time(result: VerifyResult, at: datetime) -> None:
    result.time_valid = True
    if result.expires_at is None:
        result.time_valid = False
        result.errors.append("Ablaufdatum (exp) fehlt im Zertifikat.")
    elif at > result.expires_at:
        result.expired = True
        result.time_valid = False
        result.errors.append(f"Zertifikat am {result.expires_at:%d.%m.%Y} abgelaufen.")
    if result.issued_at is not None and at < result.issued_at:
        result.time_valid = False
        result.errors.append(
            f"Zertifikat erst am {result.issued_at:%d.%m.%Y} ausgestellt (nach dem Prüfzeitpunkt).")


def verify_hc1(text: str, trust: TrustList | None, at: datetime | None = None) -> VerifyResult:
    """Verify one scanned text at ``at`` (aware; default now) against ``trust``.

    ``trust`` None means no trust list is available: the signature is ``not_checked``
    and the status at best ``unbekannter_aussteller``, never a green result.
    """
    at = (at or datetime.now(UTC)).astimezone(UTC)
    if not isinstance(text, str) or not text.strip():
        return no_code("Kein Zertifikat: leere Eingabe.")
    if not has_prefix(text):
        try:
            decode_hc1(text)
        except DecodeError as exc:
            return no_code(exc.message)
    result = VerifyResult(status="ungueltig")
    try:
        message = parse_cose(decode_hc1(text))
        claims = parse_claims(message.payload)
    except DecodeError as exc:
        result.errors.append(exc.message)
        return result
    except Exception:  # never let a malformed code crash the scan page
        result.errors.append("QR-Code nicht lesbar: unerwartete Datenstruktur.")
        return result
    try:
        result.decoded = True
        result.kid = base64.b64encode(message.kid).decode("ascii") if message.kid else None
        result.algorithm = ALG_NAMES.get(message.alg or 0)
        result.issuer = claims.issuer
        result.issued_at, result.expires_at = claims.issued_at, claims.expires_at
        payload = _trim(claims.hcert)
        result.payload = payload
        result.certificate_type = certificate_type(payload)
        result.person = _person(payload)
        _judge(result, message, trust, at)
    except Exception as exc:  # the last net: a decoded but absurd code is "ungültig"
        # type only: the message of an exception may quote certificate content (a name)
        log.warning("verify: unexpected %s while judging a decoded code", type(exc).__name__)
        result = VerifyResult(status="ungueltig", errors=[
            "QR-Code nicht lesbar: unerwartete Datenstruktur."])
    return result


def _judge(result: VerifyResult, message: CoseSign1, trust: TrustList | None,
           at: datetime) -> None:
    payload = result.payload or {}
    dsc = _check_signature(result, message, trust)
    _check_time(result, at)
    if dsc is not None:
        problem = dsc.validity_problem(at)
        result.dsc_valid = problem is None
        if problem:
            result.errors.append(problem)
        usage = dsc.usage_problem(result.certificate_type) if result.certificate_type else None
        result.key_usage_ok = usage is None
        if usage:
            result.errors.append(usage)
    schema = validate_payload(payload)
    result.schema_valid = schema.valid
    result.errors.extend(f"Schema: {e}" for e in schema.errors)
    if schema.note:
        result.notes.append(schema.note)
    if result.signature == "invalid":
        result.status = "ungueltig"
    elif result.expired:
        result.status = "abgelaufen"
    elif result.signature in ("unknown_kid", "not_checked"):
        result.status = "unbekannter_aussteller"
    elif result.errors:
        result.status = "ungueltig"
    if result.signature != "valid" or result.errors:
        return
    holder = holder_status(payload, at.astimezone(tz=None).replace(tzinfo=None))
    result.status = holder.status
    result.reasons = holder.reasons
