"""Signing keys: training key generation and the installed key store.

Real signing keys and Document Signer Certificates come from IT (PEM files) and are
stored by ``keys install`` under ``<data dir>/keys/`` (folder 0700, key file 0600). The
key is read only to sign; it is never printed, logged or exported, and no function here
returns it in text form. Training keys (``keys training``) are a complete throw-away PKI
(CSCA -> DSC) for demos and tests, marked TRAINING/MUSTER in every subject so that
``is_training`` - and with it the printed "MUSTER / Training" mark - can never be lost.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from core.certificates.cose import SigningKey, algorithm_for, kid_for
from core.certificates.trust import TYPE_OIDS, TrustedCert
from core.errors import UserError
from core.paths import data_dir

TRAINING_MARK = "TRAINING MUSTER"
KEY_FILE = "dsc.key.pem"
CERT_FILE = "dsc.pem"
_TRAINING_BANNER = (
    "# TRAINING / MUSTER - nur für Schulung und Tests, niemals für echte Zertifikate.\n"
)


@dataclass(frozen=True, slots=True)
class SigningIdentity:
    """A private key with its DSC. ``repr`` never shows the key."""

    key: SigningKey
    certificate: x509.Certificate

    def __repr__(self) -> str:
        return f"SigningIdentity(kid={self.kid_b64}, training={self.training})"

    @property
    def kid(self) -> bytes:
        return kid_for(self.certificate)

    @property
    def kid_b64(self) -> str:
        return base64.b64encode(self.kid).decode("ascii")

    @property
    def training(self) -> bool:
        return is_training(self.certificate)


def is_training(certificate: x509.Certificate) -> bool:
    """True for certificates whose subject or issuer carries the training mark."""
    text = (certificate.subject.rfc4514_string() + certificate.issuer.rfc4514_string()).upper()
    return "TRAINING" in text or "MUSTER" in text


def _name(common: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"Impfteam {TRAINING_MARK}"),
        x509.NameAttribute(NameOID.COMMON_NAME, common),
    ])


def _new_key(algorithm: str) -> SigningKey:
    if algorithm == "PS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"unknown algorithm {algorithm!r}")


def _usage(cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=cert_sign,
        crl_sign=cert_sign, encipher_only=False, decipher_only=False)


def make_training_pki(
    algorithm: str = "ES256", valid_days: int = 730, now: datetime | None = None,
    types: tuple[str, ...] = ("v", "t", "r"), not_before: datetime | None = None,
) -> tuple[x509.Certificate, SigningIdentity]:
    """A training CSCA and a DSC signed by it (for tests also with other EKUs/validity)."""
    now = now or datetime.now(UTC)
    start = not_before or now - timedelta(days=1)
    csca_key = ec.generate_private_key(ec.SECP256R1())
    csca_name = _name("Impfteam TRAINING CSCA (MUSTER)")
    csca = (x509.CertificateBuilder().subject_name(csca_name).issuer_name(csca_name)
            .public_key(csca_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + timedelta(days=valid_days * 2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(cert_sign=True), critical=True)
            .sign(csca_key, hashes.SHA256()))
    dsc_key = _new_key(algorithm)
    usages = [x509.ObjectIdentifier(TYPE_OIDS[t][0]) for t in types]
    dsc = (x509.CertificateBuilder().subject_name(_name("Impfteam TRAINING DSC (MUSTER)"))
           .issuer_name(csca_name).public_key(dsc_key.public_key())
           .serial_number(x509.random_serial_number())
           .not_valid_before(start).not_valid_after(start + timedelta(days=valid_days))
           .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
           .add_extension(_usage(cert_sign=False), critical=True)
           .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
           .sign(csca_key, hashes.SHA256()))
    return csca, SigningIdentity(dsc_key, dsc)


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: SigningKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _write_private(path: Path, data: bytes) -> None:
    """Write a key file readable by the owner only (0600), replacing any old one."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def trust_list_json(certificates: list[x509.Certificate], country: str = "DE") -> str:
    """The JSON DSC list of design.md for ``certificates``."""
    entries = [{
        "certificateType": "DSC",
        "country": country,
        "kid": base64.b64encode(kid_for(c)).decode("ascii"),
        "rawData": base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode("ascii"),
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
    } for c in certificates]
    return json.dumps({"certificates": entries}, indent=2, ensure_ascii=False) + "\n"


def write_training_files(out: Path, algorithm: str = "ES256") -> dict[str, Path]:
    """Write csca.pem, dsc.pem, dsc.key.pem and trustlist.json (design.md) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    csca, identity = make_training_pki(algorithm)
    files = {name: out / name for name in ("csca.pem", CERT_FILE, KEY_FILE, "trustlist.json")}
    files["csca.pem"].write_bytes(_TRAINING_BANNER.encode() + _pem(csca))
    files[CERT_FILE].write_bytes(_TRAINING_BANNER.encode() + _pem(identity.certificate))
    _write_private(files[KEY_FILE], _TRAINING_BANNER.encode() + _key_pem(identity.key))
    files["trustlist.json"].write_text(trust_list_json([identity.certificate]), encoding="utf-8")
    return files


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{what}: Datei „{path}“ nicht gefunden.") from None
    except OSError as exc:
        raise UserError(f"{what}: Datei „{path}“ nicht lesbar ({exc.strerror}).") from None


def _spki(public_key: object) -> bytes:
    if not isinstance(public_key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        return b""
    return public_key.public_bytes(serialization.Encoding.DER,
                                   serialization.PublicFormat.SubjectPublicKeyInfo)


def load_identity(key_path: Path, cert_path: Path, at: datetime | None = None) -> SigningIdentity:
    """Load and check a key + DSC pair; every problem is a German ``UserError``."""
    try:
        key = serialization.load_pem_private_key(_read(key_path, "Schlüssel"), password=None)
    except TypeError:
        raise UserError("Schlüssel: Datei ist passwortgeschützt; bitte IT um eine "
                        "unverschlüsselte PEM-Datei für den Schlüsselspeicher bitten.") from None
    except ValueError:
        raise UserError(f"Schlüssel: „{key_path}“ ist kein PEM-Privatschlüssel.") from None
    try:
        cert = x509.load_pem_x509_certificate(_read(cert_path, "Zertifikat"))
    except ValueError:
        raise UserError(f"Zertifikat: „{cert_path}“ ist kein PEM-Zertifikat.") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise UserError("Schlüssel: nur EC P-256 (ES256) oder RSA ≥ 2048 Bit (PS256) möglich.")
    try:
        algorithm_for(key)
    except ValueError:
        raise UserError("Schlüssel: nur EC P-256 (ES256) oder RSA ≥ 2048 Bit (PS256) möglich.") \
            from None
    if _spki(key.public_key()) != _spki(cert.public_key()):
        raise UserError("Schlüssel und Zertifikat gehören nicht zusammen.")
    at = at or datetime.now(UTC)
    if at > cert.not_valid_after_utc:
        raise UserError(f"Zertifikat ist seit {cert.not_valid_after_utc:%d.%m.%Y} abgelaufen.")
    if at < cert.not_valid_before_utc:
        raise UserError(f"Zertifikat gilt erst ab {cert.not_valid_before_utc:%d.%m.%Y}.")
    if TrustedCert(kid_for(cert), cert).usage_problem("v"):
        raise UserError("Zertifikat ist laut Extended Key Usage nicht für Impfzertifikate "
                        "zugelassen; bitte IT um ein DSC für Impfzertifikate bitten.")
    return SigningIdentity(key, cert)


def key_store() -> Path:
    """``<data dir>/keys`` (0700), where the GUI and CLI find the installed DSC."""
    path = data_dir() / "keys"
    path.mkdir(mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def install_identity(key_path: Path, cert_path: Path) -> SigningIdentity:
    """Check IT's key + DSC and copy them into the key store (key file 0600)."""
    identity = load_identity(key_path, cert_path)
    store = key_store()
    _write_private(store / KEY_FILE, _key_pem(identity.key))
    (store / CERT_FILE).write_bytes(_pem(identity.certificate))
    return identity


def installed_identity() -> SigningIdentity | None:
    """The installed key + DSC, or None when ``keys install`` was never run."""
    store = data_dir() / "keys"
    if not (store / KEY_FILE).exists() or not (store / CERT_FILE).exists():
        return None
    return load_identity(store / KEY_FILE, store / CERT_FILE)


def require_identity(key_path: str | None = None, cert_path: str | None = None) -> SigningIdentity:
    """``--key/--cert`` when given (both), else the installed pair; German error otherwise."""
    if key_path or cert_path:
        if not (key_path and cert_path):
            raise UserError("Bitte --key und --cert zusammen angeben.")
        return load_identity(Path(key_path), Path(cert_path))
    identity = installed_identity()
    if identity is None:
        raise UserError("Kein Signaturschlüssel installiert. IT: python main.py keys install "
                        "--key SCHLUESSEL.pem --cert DSC.pem (zum Üben: keys training).")
    return identity
