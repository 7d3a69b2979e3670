"""COSE_Sign1 (RFC 8152) for the DCC: ES256 and PS256 signing and verification, CWT claims.

No COSE library is needed: the structure is a four-element CBOR array
``[protected: bstr, unprotected: map, payload: bstr, signature: bstr]`` and the signed
bytes are the ``Sig_structure`` ``["Signature1", protected, b"", payload]``. Doing it with
cbor2 + cryptography keeps the dependency list short and lets us accept what real
issuers produce (tag 18, untagged, or CWT tag 61 around tag 18; kid in either header).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.x509 import Certificate

from core.certificates.codec import DecodeError

ES256 = -7
PS256 = -37
ALG_NAMES = {ES256: "ES256", PS256: "PS256"}
HDR_ALG = 1
HDR_KID = 4
TAG_SIGN1 = 18
TAG_CWT = 61

CLAIM_ISS = 1
CLAIM_EXP = 4
CLAIM_IAT = 6
CLAIM_HCERT = -260

SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
PublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey


def kid_for(certificate: Certificate) -> bytes:
    """The DCC key id: first 8 bytes of SHA-256 over the DSC's DER encoding."""
    der = certificate.public_bytes(serialization.Encoding.DER)
    return hashlib.sha256(der).digest()[:8]


@dataclass(frozen=True, slots=True)
class CoseSign1:
    """A parsed COSE_Sign1 message; ``protected_raw`` is kept byte-exact for verifying."""

    protected_raw: bytes
    protected: dict[Any, Any]
    unprotected: dict[Any, Any]
    payload: bytes
    signature: bytes

    @property
    def kid(self) -> bytes | None:
        """The kid from the protected header, else the unprotected one (hcert spec)."""
        for header in (self.protected, self.unprotected):
            value = header.get(HDR_KID)
            if isinstance(value, bytes) and value:
                return value[:8] if len(value) > 8 else value
        return None

    @property
    def alg(self) -> int | None:
        value = self.protected.get(HDR_ALG, self.unprotected.get(HDR_ALG))
        return value if isinstance(value, int) else None

    def to_be_signed(self) -> bytes:
        return _sig_structure(self.protected_raw, self.payload)


def _sig_structure(protected_raw: bytes, payload: bytes) -> bytes:
    return bytes(cbor2.dumps(["Signature1", protected_raw, b"", payload]))


#: Bounds for a decoded CBOR structure (a real DCC is 5 levels deep with ~60 items).
#: cbor2 resolves shared values (tags 28/29), so one byte can make a cycle or a DAG
#: that expands exponentially; every value is counted as often as it is reached.
MAX_DEPTH = 24
MAX_ITEMS = 20_000
#: CBOR's native integers are 64 bits; a bignum (tags 2/3) beyond that is not a DCC
#: value, and Python cannot print integers over 4,300 digits.
MAX_INT = 2**64


def check_structure(obj: Any, stage: str, what: str) -> None:
    """Refuse cycles, deep nesting, too many items and huge integers (``DecodeError``)."""
    bad = DecodeError(stage, f"QR-Code nicht lesbar: {what} hat eine unzulässige Struktur "
                             "(zu tief verschachtelt, zu groß oder zirkulär).")
    stack: list[tuple[Any, int]] = [(obj, 0)]
    items = 0
    while stack:
        value, depth = stack.pop()
        items += 1
        if items > MAX_ITEMS or depth > MAX_DEPTH:
            raise bad
        if isinstance(value, bool) or value is None or isinstance(value, str | bytes | float):
            continue
        if isinstance(value, int):
            if not -MAX_INT <= value < MAX_INT:
                raise bad
        elif isinstance(value, Mapping):
            for key, item in value.items():
                stack.append((key, depth + 1))
                stack.append((item, depth + 1))
        elif isinstance(value, list | tuple | set | frozenset):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, cbor2.CBORTag):
            stack.append((value.value, depth + 1))
        elif isinstance(value, Fraction):
            stack.extend(((value.numerator, depth + 1), (value.denominator, depth + 1)))


def _loads(data: bytes, stage: str, what: str) -> Any:
    try:
        obj = cbor2.loads(data)
    except Exception:  # cbor2 raises several error types on hostile input
        raise DecodeError(stage, f"QR-Code nicht lesbar: {what} ist kein gültiges CBOR.") from None
    check_structure(obj, stage, what)
    return obj


def parse_cose(data: bytes) -> CoseSign1:
    """Parse COSE_Sign1 bytes (tag 18, untagged or CWT tag 61 around it)."""
    obj = _loads(data, "cose", "COSE-Struktur")
    for _ in range(2):
        if isinstance(obj, cbor2.CBORTag) and obj.tag in (TAG_CWT, TAG_SIGN1):
            obj = obj.value
    bad = DecodeError("cose", "QR-Code nicht lesbar: keine COSE_Sign1-Signaturstruktur.")
    if not isinstance(obj, list | tuple) or len(obj) != 4:
        raise bad
    protected_raw, unprotected, payload, signature = obj
    if not (isinstance(protected_raw, bytes) and isinstance(payload, bytes)
            and isinstance(signature, bytes) and isinstance(unprotected, Mapping)):
        raise bad
    protected: Any = _loads(protected_raw, "cose", "Der geschützte Header") if protected_raw else {}
    if not isinstance(protected, Mapping):
        raise bad
    return CoseSign1(protected_raw, dict(protected), dict(unprotected), payload, signature)


@dataclass(frozen=True, slots=True)
class CwtClaims:
    """The CWT claims of a DCC; times are aware UTC datetimes or None when absent."""

    issuer: str | None
    issued_at: datetime | None
    expires_at: datetime | None
    hcert: dict[str, Any]


def _time(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def parse_claims(payload: bytes) -> CwtClaims:
    """CWT claims map -> ``CwtClaims``; the DCC is ``-260`` -> ``1`` (eu_dcc_v1)."""
    claims = _loads(payload, "cwt", "Der Zertifikatsinhalt")
    if not isinstance(claims, Mapping):
        raise DecodeError("cwt", "QR-Code nicht lesbar: Inhalt ist keine CWT-Claims-Tabelle.")
    hcert = claims.get(CLAIM_HCERT)
    dcc = hcert.get(1) if isinstance(hcert, Mapping) else None
    if not isinstance(dcc, Mapping):
        raise DecodeError("cwt", "Kein EU-Impfzertifikat: der Eintrag hcert (-260) fehlt.")
    issuer = claims.get(CLAIM_ISS)
    return CwtClaims(
        issuer=issuer if isinstance(issuer, str) else None,
        issued_at=_time(claims.get(CLAIM_IAT)),
        expires_at=_time(claims.get(CLAIM_EXP)),
        hcert=dict(dcc),
    )


def build_claims(dcc: dict[str, Any], issuer: str, issued_at: datetime,
                 expires_at: datetime) -> bytes:
    """CBOR CWT claims for ``dcc`` (iss, iat, exp as NumericDate seconds, -260)."""
    return bytes(cbor2.dumps({
        CLAIM_ISS: issuer,
        CLAIM_IAT: int(issued_at.timestamp()),
        CLAIM_EXP: int(expires_at.timestamp()),
        CLAIM_HCERT: {1: dcc},
    }))


def algorithm_for(key: SigningKey) -> int:
    """ES256 for P-256 keys, PS256 for RSA keys; anything else is refused."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise ValueError("ES256 needs a P-256 key")
        return ES256
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < 2048:
            raise ValueError("PS256 needs an RSA key of at least 2048 bits")
        return PS256
    raise ValueError("unsupported key type; use EC P-256 or RSA")


def _pss(salt: Any) -> padding.PSS:
    return padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt)


def sign(payload: bytes, key: SigningKey, kid: bytes) -> bytes:
    """COSE_Sign1 (tag 18) over ``payload`` with alg and kid in the protected header."""
    alg = algorithm_for(key)
    protected_raw = bytes(cbor2.dumps({HDR_ALG: alg, HDR_KID: kid}))
    tbs = _sig_structure(protected_raw, payload)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(key.sign(tbs, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    else:
        signature = key.sign(tbs, _pss(32), hashes.SHA256())
    message = [protected_raw, {}, payload, signature]
    return bytes(cbor2.dumps(cbor2.CBORTag(TAG_SIGN1, message)))


def verify_signature(message: CoseSign1, public_key: Any) -> bool:
    """True when the signature verifies with ``public_key`` under the message's alg.

    The algorithm must match the key type (ES256 <-> EC, PS256 <-> RSA), so a message
    cannot ask for a weaker check than the DSC's key allows.
    """
    tbs = message.to_be_signed()
    alg = message.alg
    try:
        if isinstance(public_key, ec.EllipticCurvePublicKey):
            if alg != ES256 or len(message.signature) != 64:
                return False
            r = int.from_bytes(message.signature[:32], "big")
            s = int.from_bytes(message.signature[32:], "big")
            public_key.verify(encode_dss_signature(r, s), tbs, ec.ECDSA(hashes.SHA256()))
            return True
        if isinstance(public_key, rsa.RSAPublicKey):
            if alg != PS256:
                return False
            public_key.verify(message.signature, tbs, _pss(padding.PSS.AUTO), hashes.SHA256())
            return True
    except (InvalidSignature, ValueError):
        return False
    return False
