"""Signing sync packages: the device's Ed25519 key pair and the signers a database trusts.

Each laptop (and the hub) has one key pair in its data dir's key store
(``<data dir>/keys/sync-signing.key.pem``, 0600, folder 0700), made by ``keys signing
init`` or on the first ``export sync``. The public half leaves the device as a small JSON
file (``keys signing export --out FILE``) that an admin registers where the packages are
read (``keys signer add FILE``, table ``signer``). A package carries ``signature.json``:
the key id and an Ed25519 signature over the *exact bytes* of ``manifest.json``, which
lists the SHA-256 of every other member. A key inside a package is never used: only
registered signers count.

Why Ed25519 and not ECDSA P-256: signatures are deterministic (no random nonce at signing
time whose reuse or bias leaks the key, a real risk on cheap laptops), keys are 32 bytes
(one line in a file or a master-data cell), there is a single parameter set, and
``cryptography`` verifies ~10,000 per second. P-256 would be needed only for keys on
smart cards that lack Ed25519; none are used here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import UserError
from core.security.keyfiles import key_store, write_private

ALGORITHM = "Ed25519"
KEY_FILE = "sync-signing.key.pem"
SIGNER_FORMAT = "impfteam-signer"
SIGNATURE_FORMAT = "impfteam-sync-signature"
SIGNATURE_FILE = "signature.json"
MAX_SIGNER_FILE = 64 * 1024
WHAT = "Synchronisationspaket"


def key_id(public: Ed25519PublicKey) -> str:
    """First 16 bytes (32 hex digits) of SHA-256 over the raw public key."""
    return hashlib.sha256(_raw(public)).hexdigest()[:32]


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True, slots=True)
class PublicSigner:
    """A signer's public key with what its file says about it."""

    key_id: str
    public_key: str  # base64 of the 32 raw bytes
    team_id: str = ""
    device_id: str = ""
    label: str = ""

    def key(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(self.public_key))


# -- the device's own key pair --------------------------------------------------------
def key_path() -> Path:
    return key_store() / KEY_FILE


def load_signing_key() -> Ed25519PrivateKey | None:
    path = key_path()
    if not path.exists():
        return None
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise UserError(f"Signaturschlüssel für Pakete „{path}“ ist beschädigt. Bitte mit "
                        "„keys signing init --force“ neu erzeugen und beim Impfzentrum neu "
                        "eintragen lassen.") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise UserError(f"Signaturschlüssel für Pakete „{path}“ ist kein Ed25519-Schlüssel. "
                        "Bitte mit „keys signing init --force“ neu erzeugen.")
    return key


def init_signing_key(force: bool = False) -> tuple[Ed25519PrivateKey, bool]:
    """The device's key pair, made now when missing (or ``force``); (key, created)."""
    existing = None if force else load_signing_key()
    if existing is not None:
        return existing, False
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    write_private(key_path(), pem)
    return key, True


def own_signer(team_id: str = "", device_id: str = "", label: str = "") -> PublicSigner:
    key, _created = init_signing_key()
    public = key.public_key()
    return PublicSigner(key_id(public), base64.b64encode(_raw(public)).decode("ascii"),
                        team_id, device_id, label)


def signer_document(signer: PublicSigner) -> dict[str, Any]:
    """The public key file for the hub (``keys signing export``)."""
    return {"format": SIGNER_FORMAT, "version": 1, "algorithm": ALGORITHM,
            "key_id": signer.key_id, "public_key": signer.public_key,
            "team_id": signer.team_id, "device_id": signer.device_id, "label": signer.label,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds")}


def sign_manifest(manifest: bytes) -> dict[str, Any]:
    """``signature.json`` for these exact manifest bytes (makes the key when missing)."""
    key, _created = init_signing_key()
    return {"format": SIGNATURE_FORMAT, "version": 1, "algorithm": ALGORITHM,
            "key_id": key_id(key.public_key()),
            "signature": base64.b64encode(key.sign(manifest)).decode("ascii")}


# -- reading a signer file ------------------------------------------------------------
def _text(doc: dict[str, Any], name: str, limit: int) -> str:
    value = doc.get(name, "")
    if not isinstance(value, str) or len(value) > limit:
        raise UserError(f"Schlüsseldatei: „{name}“ ist kein Text bis {limit} Zeichen.")
    return value.strip()


def read_signer_file(path: Path) -> PublicSigner:
    """A signer from the JSON file ``keys signing export`` writes (or a PEM public key)."""
    path = Path(path)
    try:
        if not path.is_file():
            raise UserError(f"Schlüsseldatei „{path}“ gibt es nicht. Bitte den Pfad prüfen.")
        if path.stat().st_size > MAX_SIGNER_FILE:
            raise UserError(f"Schlüsseldatei „{path.name}“ ist zu groß für einen "
                            "öffentlichen Schlüssel. Bitte die Datei aus „keys signing "
                            "export“ nehmen.")
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"Schlüsseldatei „{path}“ ist nicht lesbar ({exc.strerror}).") from None
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            public = serialization.load_pem_public_key(data)
        except ValueError:
            raise UserError(f"Schlüsseldatei „{path.name}“: kein gültiger PEM-Schlüssel.") \
                from None
        if not isinstance(public, Ed25519PublicKey):
            raise UserError(f"Schlüsseldatei „{path.name}“: nur Ed25519-Schlüssel sind "
                            "möglich (keys signing export).")
        return PublicSigner(key_id(public), base64.b64encode(_raw(public)).decode("ascii"))
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise UserError(f"Schlüsseldatei „{path.name}“ ist kein gültiges JSON. Bitte die "
                        "Datei aus „keys signing export“ nehmen.") from None
    if not isinstance(doc, dict) or doc.get("format") != SIGNER_FORMAT:
        raise UserError(f"Schlüsseldatei „{path.name}“ ist keine Impfteam-Schlüsseldatei "
                        "(keys signing export).")
    if doc.get("algorithm") != ALGORITHM:
        raise UserError(f"Schlüsseldatei „{path.name}“: Verfahren muss {ALGORITHM} sein.")
    encoded = _text(doc, "public_key", 100)
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(encoded, validate=True))
    except (ValueError, binascii.Error):
        raise UserError(f"Schlüsseldatei „{path.name}“: der öffentliche Schlüssel ist "
                        "beschädigt.") from None
    kid = key_id(public)
    if _text(doc, "key_id", 64) not in ("", kid):
        raise UserError(f"Schlüsseldatei „{path.name}“: Schlüssel-ID passt nicht zum "
                        "Schlüssel – Datei verändert? Bitte neu exportieren lassen.")
    return PublicSigner(kid, base64.b64encode(_raw(public)).decode("ascii"),
                        _text(doc, "team_id", 100), _text(doc, "device_id", 100),
                        _text(doc, "label", 200))


# -- trusted signers in the database --------------------------------------------------
def trusted_signers(session: Session) -> dict[str, str]:
    """``{key_id: base64 public key}`` of the registered, not revoked signers."""
    from core.db.models import Signer

    rows = session.execute(select(Signer.key_id, Signer.public_key)
                           .where(Signer.revoked_at.is_(None)))
    return {str(k): str(p) for k, p in rows}


def verify_signature(manifest: bytes, signature: dict[str, Any] | None,
                     trusted: dict[str, str]) -> str:
    """Check ``signature.json`` against the trusted signers; returns the key id.

    Every refusal is a German ``UserError``: unsigned, unknown signer, bad signature."""
    if signature is None:
        raise UserError(f"{WHAT}: Das Paket ist nicht signiert ({SIGNATURE_FILE} fehlt) – "
                        "nichts übernommen. Bitte mit der aktuellen Version neu exportieren.")
    kid = signature.get("key_id")
    value = signature.get("signature")
    if (signature.get("format") != SIGNATURE_FORMAT or signature.get("algorithm") != ALGORITHM
            or not isinstance(kid, str) or not isinstance(value, str)
            or len(kid) > 64 or len(value) > 200):
        raise UserError(f"{WHAT}: {SIGNATURE_FILE} ist unvollständig oder hat ein unbekanntes "
                        "Format – nichts übernommen.")
    public = trusted.get(kid)
    if public is None:
        raise UserError(f"{WHAT}: Unbekannter Unterzeichner (Schlüssel-ID {kid}) – nichts "
                        "übernommen. Den Schlüssel des Geräts mit „keys signer add DATEI“ "
                        "eintragen (Datei aus „keys signing export“ auf dem Gerät).")
    try:
        raw = base64.b64decode(value, validate=True)
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public)).verify(raw, manifest)
    except (InvalidSignature, ValueError, binascii.Error):
        raise UserError(f"{WHAT}: Die Signatur passt nicht zum Manifest – das Paket wurde "
                        "verändert, nichts übernommen. Bitte beim Team neu exportieren "
                        "lassen.") from None
    return kid


def register_signer(session: Session, user: str, origin: str, signer: PublicSigner
                    ) -> tuple[Any, bool]:
    """Trust ``signer`` here (``keys signer add``); (row, newly added). A revoked key is
    trusted again only when registered anew; an audit entry records who did it."""
    from core.db.base import utcnow
    from core.db.models import AuditEntry, Signer

    row = session.get(Signer, signer.key_id)
    if row is not None and row.revoked_at is None:
        return row, False
    before = None
    if row is None:
        row = Signer(key_id=signer.key_id, algorithm=ALGORITHM, public_key=signer.public_key,
                     label=signer.label, team_id=signer.team_id, device_id=signer.device_id,
                     added_at=utcnow(), added_by=user)
        session.add(row)
    else:
        before = {"revoked_at": row.revoked_at.isoformat() if row.revoked_at else None}
        row.revoked_at = None
        row.added_by, row.added_at = user, utcnow()
    session.flush()
    session.add(AuditEntry(user=user, origin=origin, action="signer.add", entity="signer",
                           entity_id=signer.key_id, before=before,
                           after={"key_id": signer.key_id, "team_id": signer.team_id,
                                  "device_id": signer.device_id, "label": signer.label}))
    return row, True


def list_signers(session: Session) -> list[dict[str, Any]]:
    from core.db.models import Signer

    return [{"key_id": s.key_id, "algorithm": s.algorithm, "team_id": s.team_id,
             "device_id": s.device_id, "label": s.label,
             "added_at": s.added_at.isoformat(timespec="seconds"), "added_by": s.added_by,
             "revoked": s.revoked_at is not None}
            for s in session.scalars(select(Signer).order_by(Signer.added_at, Signer.key_id))]
