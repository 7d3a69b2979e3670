"""Trust lists: the Document Signer Certificates (DSCs) a verifier accepts.

Accepted sources (design.md ``verify --trust``): the JSON DSC list
``{"certificates": [{"kid": "<base64>", "rawData": "<base64 DER>", "country": "DE"}]}``
(also the CovPass/ubirch download, whose first line is a signature over the JSON line),
a PEM or DER certificate file, or a directory of such files. The kid is always
recomputed from the DER: a list entry whose stated kid differs from SHA-256(DER)[:8] is
still indexed under its stated kid (that is what issuers put in the COSE header), and
also under the computed one.

Extended key usage: a DSC may restrict the certificate types it signs with the OIDs
1.3.6.1.4.1.1847.2021.1.1/.2/.3 (test/vaccination/recovery) or their 1.3.6.1.4.1.0.1847
aliases used in early test data; a DSC carrying none of them may sign every type.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509

from core.certificates.cose import kid_for

#: EKU OIDs per certificate type; both arcs occur in published DSCs and test data.
TYPE_OIDS: dict[str, tuple[str, ...]] = {
    "t": ("1.3.6.1.4.1.1847.2021.1.1", "1.3.6.1.4.1.0.1847.2021.1.1"),
    "v": ("1.3.6.1.4.1.1847.2021.1.2", "1.3.6.1.4.1.0.1847.2021.1.2"),
    "r": ("1.3.6.1.4.1.1847.2021.1.3", "1.3.6.1.4.1.0.1847.2021.1.3"),
}
_ALL_DCC_OIDS = {oid: kind for kind, oids in TYPE_OIDS.items() for oid in oids}
TYPE_NAMES = {"v": "Impfzertifikate", "t": "Testzertifikate", "r": "Genesenenzertifikate"}
#: Largest trust file read (the full EU list is about 4 MB).
MAX_FILE = 32 * 1024 * 1024


class TrustListError(ValueError):
    """The trust list cannot be read; the message is German."""


@dataclass(frozen=True, slots=True)
class TrustedCert:
    """One DSC with the kid it is listed under and its country (may be empty)."""

    kid: bytes
    certificate: x509.Certificate
    country: str = ""

    @property
    def not_before(self) -> datetime:
        return self.certificate.not_valid_before_utc

    @property
    def not_after(self) -> datetime:
        return self.certificate.not_valid_after_utc

    def validity_problem(self, at: datetime) -> str | None:
        """German reason when the DSC is not valid at ``at`` (aware UTC), else None."""
        if at < self.not_before:
            return f"Signaturzertifikat (DSC) erst ab {self.not_before:%d.%m.%Y} gültig."
        if at > self.not_after:
            return f"Signaturzertifikat (DSC) am {self.not_after:%d.%m.%Y} abgelaufen."
        return None

    def allowed_types(self) -> set[str] | None:
        """Certificate types allowed by the EKU, or None when the DSC does not restrict."""
        try:
            eku = self.certificate.extensions.get_extension_for_class(
                x509.ExtendedKeyUsage).value
        except x509.ExtensionNotFound:
            return None
        except ValueError:  # malformed extension: treat as no DCC restriction
            return None
        kinds = {_ALL_DCC_OIDS[oid.dotted_string] for oid in eku
                 if oid.dotted_string in _ALL_DCC_OIDS}
        return kinds or None

    def usage_problem(self, kind: str) -> str | None:
        allowed = self.allowed_types()
        if allowed is None or kind in allowed:
            return None
        return (f"Signaturzertifikat (DSC) ist nicht für {TYPE_NAMES.get(kind, kind)} "
                "zugelassen (Extended Key Usage).")


@dataclass(slots=True)
class TrustList:
    """DSCs indexed by kid; ``updated_at`` is the newest list timestamp, if known."""

    certificates: list[TrustedCert] = field(default_factory=list)
    updated_at: datetime | None = None
    source: str = ""
    _by_kid: dict[bytes, list[TrustedCert]] = field(default_factory=dict)

    def add(self, entry: TrustedCert) -> None:
        """Add a DSC once (the same DER from a JSON list and a PEM file counts once)."""
        if any(c.certificate == entry.certificate and c.kid == entry.kid
               for c in self._by_kid.get(entry.kid, [])):
            return
        self.certificates.append(entry)
        for kid in {entry.kid, kid_for(entry.certificate)}:
            self._by_kid.setdefault(kid, []).append(entry)

    def candidates(self, kid: bytes | None) -> list[TrustedCert]:
        """Every DSC listed under ``kid`` (the spec says: try them all)."""
        return list(self._by_kid.get(kid, [])) if kid else []

    def __len__(self) -> int:
        return len(self.certificates)

    @classmethod
    def of(cls, certificates: Iterable[x509.Certificate], country: str = "") -> TrustList:
        trust = cls()
        for cert in certificates:
            trust.add(TrustedCert(kid_for(cert), cert, country))
        return trust


def _country(cert: x509.Certificate) -> str:
    attrs = cert.subject.get_attributes_for_oid(x509.NameOID.COUNTRY_NAME)
    value = attrs[0].value if attrs else ""
    return value if isinstance(value, str) else value.decode("ascii", "replace")


def _parse_certs(data: bytes, name: str) -> list[x509.Certificate]:
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise TrustListError(f"Vertrauensliste: „{name}“ ist kein X.509-Zertifikat.") from None


def _timestamp(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_json_list(text: str, name: str = "Liste") -> TrustList:
    """Parse the JSON DSC list (optionally preceded by a signature line, as CovPass ships)."""
    body = text.strip()
    if body and not body.startswith("{") and "\n" in body:
        body = body.split("\n", 1)[1].strip()
    try:
        raw = json.loads(body)
    except json.JSONDecodeError as exc:
        raise TrustListError(
            f"Vertrauensliste „{name}“: ungültiges JSON (Zeile {exc.lineno}).") from None
    entries = raw.get("certificates") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise TrustListError(f"Vertrauensliste „{name}“: Eintrag „certificates“ fehlt.")
    trust = TrustList(source=name)
    for index, entry in enumerate(entries, start=1):
        where = f"Vertrauensliste „{name}“, Eintrag {index}"
        if not isinstance(entry, dict) or not isinstance(entry.get("rawData"), str):
            raise TrustListError(f"{where}: „rawData“ fehlt.")
        try:
            der = base64.b64decode(entry["rawData"], validate=True)
            cert = x509.load_der_x509_certificate(der)
        except (binascii.Error, ValueError):
            raise TrustListError(f"{where}: „rawData“ ist kein Base64-DER-Zertifikat.") from None
        kid = kid_for(cert)
        if isinstance(entry.get("kid"), str):
            try:
                kid = base64.b64decode(entry["kid"], validate=True) or kid
            except binascii.Error:
                raise TrustListError(f"{where}: „kid“ ist kein Base64.") from None
        country = entry.get("country") if isinstance(entry.get("country"), str) else ""
        trust.add(TrustedCert(kid, cert, country or _country(cert)))
        stamp = _timestamp(entry.get("timestamp"))
        if stamp and (trust.updated_at is None or stamp > trust.updated_at):
            trust.updated_at = stamp
    return trust


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE:
            raise TrustListError(f"Vertrauensliste „{path}“ ist zu groß.")
        return path.read_bytes()
    except FileNotFoundError:
        raise TrustListError(f"Vertrauensliste „{path}“ nicht gefunden.") from None
    except OSError as exc:
        raise TrustListError(f"Vertrauensliste „{path}“ nicht lesbar ({exc.strerror}).") from None


def _load_file(path: Path) -> TrustList:
    data = _read(path)
    stripped = data.lstrip()
    if path.suffix.lower() == ".json" or stripped[:1] == b"{":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TrustListError(f"Vertrauensliste „{path}“ ist kein UTF-8-Text.") from None
        return parse_json_list(text, path.name)
    trust = TrustList.of(_parse_certs(data, path.name))
    for entry in trust.certificates:
        object.__setattr__(entry, "country", _country(entry.certificate))
    trust.source = path.name
    trust.updated_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return trust


def load_trust(path: Path | str) -> TrustList:
    """Load a JSON DSC list, a PEM/DER certificate file or a directory of them."""
    path = Path(path)
    if not path.is_dir():
        return _load_file(path)
    merged = TrustList(source=str(path))
    suffixes = {".json", ".pem", ".crt", ".cer", ".der"}
    for child in sorted(p for p in path.iterdir() if p.suffix.lower() in suffixes):
        if b"PRIVATE KEY-----" in _read(child):
            continue  # a key lying next to its DSC (e.g. the training folder)
        part = _load_file(child)
        for entry in part.certificates:
            merged.add(entry)
        if part.updated_at and (merged.updated_at is None or part.updated_at > merged.updated_at):
            merged.updated_at = part.updated_at
    if not merged.certificates:
        raise TrustListError(f"Im Ordner „{path}“ liegt kein Zertifikat (.pem, .crt, .der, .json).")
    return merged


def trust_dir() -> Path:
    """``<data dir>/trust``: the imported trust list lives here as ``trustlist.json``."""
    from core.paths import data_dir

    path = data_dir() / "trust"
    path.mkdir(exist_ok=True)
    return path


def install_trust_list(source: Path | str) -> TrustList:
    """Check a trust list (any accepted form) and store it as the installation's list.

    Stored in the JSON DSC format so later loads need no directory walk; the list's own
    newest timestamp is kept (``updated_at``) for the "older than 7 days" warning.
    """
    from core.certificates.keys import trust_list_json

    trust = load_trust(source)
    text = trust_list_json([c.certificate for c in trust.certificates])
    raw = json.loads(text)
    stamp = (trust.updated_at or datetime.now(UTC)).isoformat(timespec="seconds")
    for entry, cert in zip(raw["certificates"], trust.certificates, strict=True):
        entry["country"] = cert.country or entry["country"]
        entry["kid"] = base64.b64encode(cert.kid).decode("ascii")
        entry["timestamp"] = stamp
    target = trust_dir() / "trustlist.json"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(raw, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(target)
    return load_trust(target)


def default_trust() -> TrustList | None:
    """The installed trust list plus the installation's own DSC (so own prints verify).

    None when neither exists: the verifier then reports ``not_checked``.
    """
    from core.paths import data_dir

    merged = TrustList(source="Installation")
    stored = data_dir() / "trust" / "trustlist.json"
    if stored.exists():
        part = load_trust(stored)
        merged.updated_at = part.updated_at
        for entry in part.certificates:
            merged.add(entry)
    own = data_dir() / "keys" / "dsc.pem"
    if own.exists():
        for entry in load_trust(own).certificates:
            merged.add(entry)
    return merged if merged.certificates else None
