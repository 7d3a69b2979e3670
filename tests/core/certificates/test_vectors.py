"""Every vector of the public EU DCC test data against its EXPECTEDRESULTS.

Each (file, expectation) pair is one test, so a failure names both. Known-bad vectors
are listed in docs/certificates.md ("Test vectors").
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import cbor2
import pytest
from PIL import Image

from core.certificates import codec
from core.certificates.codec import DecodeError
from core.certificates.schema import validate_payload
from core.certificates.trust import TrustList
from core.certificates.verify import verify_hc1
from core.scanning.decode import decode_image
from tests.core.certificates.helpers import (
    VECTORS,
    load_vector,
    need_vectors,
    vector_cert,
    vector_clock,
    vector_files,
    vector_id,
)

CASES = [(path, key) for path in vector_files()
         for key in load_vector(path)["EXPECTEDRESULTS"]]


def _ok(step: Any) -> bool:
    try:
        return bool(step())
    except DecodeError:
        return False


def _verify(data: dict[str, Any]) -> Any:
    cert = vector_cert(data)
    trust = TrustList.of([cert]) if cert is not None else None
    return verify_hc1(data["PREFIX"], trust, vector_clock(data))


def _plain(value: Any) -> Any:
    """CBOR -> JSON-comparable (maps to dicts, tuples to lists)."""
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _check(key: str, data: dict[str, Any]) -> bool:
    if key == "EXPECTEDUNPREFIX":
        return _ok(lambda: codec.unprefix(data["PREFIX"]) == data["BASE45"])
    if key == "EXPECTEDB45DECODE":
        return _ok(lambda: codec.b45decode(data["BASE45"]) == bytes.fromhex(data["COMPRESSED"]))
    if key == "EXPECTEDCOMPRESSION":
        return _ok(lambda: codec.inflate(bytes.fromhex(data["COMPRESSED"]))
                   == bytes.fromhex(data["COSE"]))
    if key == "EXPECTEDDECODE":
        result = verify_hc1(data["PREFIX"], None)
        try:
            expected = _plain(cbor2.loads(bytes.fromhex(data["CBOR"])))
        except cbor2.CBORDecodeError:
            return False  # CBO1: the reference CBOR itself is broken
        if "-260" in expected:  # DE vectors give the whole CWT claims map
            expected = expected["-260"]["1"]
        return result.decoded and result.payload == expected
    if key == "EXPECTEDVERIFY":
        return bool(_verify(data).signature == "valid")
    if key == "EXPECTEDVALIDJSON":
        return bool(verify_hc1(data["PREFIX"], None).payload == data["JSON"])
    if key == "EXPECTEDPICTUREDECODE":
        try:
            image = Image.open(io.BytesIO(base64.b64decode(data["2DCODE"])))
        except (OSError, ValueError):
            return False  # Q1: the picture itself is unreadable
        return data["PREFIX"] in decode_image(image)
    if key == "EXPECTEDEXPIRATIONCHECK":
        result = _verify(data)
        return bool(result.time_valid and result.dsc_valid is not False)
    if key == "EXPECTEDKEYUSAGE":
        return bool(_verify(data).key_usage_ok)
    if key == "EXPECTEDSCHEMAVALIDATION":
        payload = data.get("JSON")
        if payload is None:
            payload = _plain(cbor2.loads(bytes.fromhex(data["CBOR"])))
        return validate_payload(payload).valid
    if key in ("EXPECTEDVALIDOBJECT", "EXPECTEDENCODE"):
        # Generation-side checks: JSON valid / CBOR re-encodes to the same map.
        payload = data["JSON"]
        if key == "EXPECTEDVALIDOBJECT":
            return validate_payload(payload).valid
        return _plain(cbor2.loads(cbor2.dumps(payload))) == _plain(
            cbor2.loads(bytes.fromhex(data["CBOR"])))
    raise AssertionError(f"unknown expectation {key}")


#: Input fields each expectation needs (README "Code Validation" table).
NEEDS = {
    "EXPECTEDUNPREFIX": ("PREFIX", "BASE45"), "EXPECTEDB45DECODE": ("BASE45", "COMPRESSED"),
    "EXPECTEDCOMPRESSION": ("COMPRESSED", "COSE"), "EXPECTEDDECODE": ("PREFIX", "CBOR"),
    "EXPECTEDVALIDJSON": ("PREFIX", "JSON"), "EXPECTEDPICTUREDECODE": ("2DCODE", "PREFIX"),
    "EXPECTEDVALIDOBJECT": ("JSON",), "EXPECTEDENCODE": ("JSON", "CBOR"),
}


@pytest.mark.parametrize(("path", "key"), CASES,
                         ids=[f"{vector_id(p)}-{k[8:]}" for p, k in CASES])
def test_vector(path: Path, key: str) -> None:
    data = load_vector(path)
    missing = [f for f in NEEDS.get(key, ()) if f not in data]
    if missing:
        # The README: expectations whose input is absent cannot be run (B1 has no 2DCODE).
        pytest.skip(f"{vector_id(path)} lacks {', '.join(missing)} for {key}")
    assert _check(key, data) is data["EXPECTEDRESULTS"][key]


def test_vectors_present() -> None:
    need_vectors()
    assert len(CASES) > 200


PNGS = sorted(VECTORS.glob("*/png/*.png")) + sorted(VECTORS.glob("*/2DCode/png/*.png"))


@pytest.mark.parametrize("png", PNGS, ids=[f"{p.parts[-3]}-{p.name}" for p in PNGS])
def test_png_files_decode_to_the_raw_prefix(png: Path) -> None:
    """The separate PNG files (AT, BE, DE, IT) decode to a verifiable HC1 text."""
    texts = decode_image(Image.open(png))
    assert len(texts) == 1 and texts[0].startswith("HC1:")
    country = png.parts[-3] if png.parts[-2] == "png" and png.parts[-3] != "2DCode" else \
        png.parts[-4]
    raw = VECTORS / country / "2DCode" / "raw" / f"{png.stem}.json"
    result = verify_hc1(texts[0], None)
    assert result.decoded
    if raw.exists():
        data = load_vector(raw)
        assert texts[0] == data["PREFIX"]
        assert result.payload == data["JSON"]


def test_all_valid_vectors_verify_at_their_clock() -> None:
    need_vectors()
    for path in vector_files():
        data = load_vector(path)
        expected = data["EXPECTEDRESULTS"]
        if expected.get("EXPECTEDVERIFY") and expected.get("EXPECTEDEXPIRATIONCHECK"):
            result = _verify(data)
            assert result.signature == "valid" and not result.expired, vector_id(path)
            assert result.status not in ("ungueltig", "abgelaufen", "unbekannter_aussteller") \
                or result.certificate_type != "v", vector_id(path)
