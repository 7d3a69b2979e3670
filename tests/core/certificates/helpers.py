"""Shared helpers: the public test vectors and quick signing with a training PKI."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from core.certificates.codec import encode_hc1
from core.certificates.cose import build_claims, kid_for, sign
from core.certificates.keys import SigningIdentity, make_training_pki

REPO = Path(__file__).resolve().parents[3]
#: The public EU test vectors (Apache-2.0, see its LICENSE/NOTICE/SOURCE.md), shipped with
#: the tests so they run in any clone; shared/ beside the repo is the fallback.
VECTORS = next((p for p in (REPO / "tests" / "data" / "dcc-testdata",
                            REPO.parent / "shared" / "dcc-testdata") if p.is_dir()),
               REPO / "tests" / "data" / "dcc-testdata")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

VACCINATION: dict[str, Any] = {
    "ver": "1.3.0",
    "nam": {"fn": "Müller", "fnt": "MUELLER", "gn": "Anna", "gnt": "ANNA"},
    "dob": "1980-04-10",
    "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528",
           "ma": "ORG-100030215", "dn": 2, "sd": 2, "dt": "2026-09-01", "co": "DE",
           "is": "Robert Koch-Institut", "ci": "URN:UVCI:01DE/IZ/T1ABC#A"}],
}


def need_vectors() -> None:
    if not VECTORS.is_dir():
        pytest.skip(f"public DCC test data not found at {VECTORS}")


@cache
def vector_files() -> list[Path]:
    if not VECTORS.is_dir():
        return []
    return sorted(VECTORS.glob("*/2DCode/raw/*.json"))


def load_vector(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def vector_id(path: Path) -> str:
    return f"{path.parts[-4]}/{path.stem}"


def vector_cert(data: dict[str, Any]) -> x509.Certificate | None:
    raw = data.get("TESTCTX", {}).get("CERTIFICATE")
    return x509.load_der_x509_certificate(base64.b64decode(raw)) if raw else None


def vector_clock(data: dict[str, Any]) -> datetime | None:
    text = data.get("TESTCTX", {}).get("VALIDATIONCLOCK")
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


@cache
def training(algorithm: str = "ES256", types: tuple[str, ...] = ("v", "t", "r"),
             days: int = 730) -> SigningIdentity:
    """A cached training DSC valid from a day before ``NOW``."""
    return make_training_pki(algorithm, valid_days=days, now=NOW, types=types)[1]


def signed(payload: dict[str, Any], identity: SigningIdentity, *, issued: datetime = NOW,
           expires: datetime | None = None, kid: bytes | None = None) -> str:
    claims = build_claims(payload, "DE", issued, expires or issued + timedelta(days=365))
    return encode_hc1(sign(claims, identity.key, kid or kid_for(identity.certificate)))
