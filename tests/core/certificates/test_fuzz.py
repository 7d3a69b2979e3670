"""Bad input never crashes: 10,000+ mutated HC1 texts and random byte strings.

Every result must be a ``VerifyResult`` with a known status; a mutation that changes
the signed content must never come out with a valid signature.
"""

from __future__ import annotations

import random
import zlib

import base45
import cbor2

from core.certificates import codec
from core.certificates.cose import parse_claims, parse_cose
from core.certificates.trust import TrustList
from core.certificates.verify import STATUSES, verify_hc1
from core.scanning.wedge import repair_scanner_input
from tests.core.certificates.helpers import NOW, VACCINATION, signed, training

B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def _mutate(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(5)
        pos = rng.randrange(4, len(chars)) if len(chars) > 4 else 0
        if kind == 0:
            chars[pos] = rng.choice(B45)
        elif kind == 1:
            del chars[pos]
        elif kind == 2:
            chars.insert(pos, rng.choice(B45 + "äß\\x00~"))
        elif kind == 3:
            chars = chars[:pos]
        else:
            chars[pos:pos] = chars[pos:pos + rng.randint(1, 30)]
    return "".join(chars)


def test_ten_thousand_mutations_never_crash() -> None:
    identity = training()
    trust = TrustList.of([identity.certificate])
    original = signed(VACCINATION, identity)
    rng = random.Random(20261123)
    valid_after_mutation = 0
    for _ in range(10_000):
        text = _mutate(rng, original)
        result = verify_hc1(text, trust, NOW)
        assert result.status in STATUSES
        if result.signature == "valid":
            valid_after_mutation += text != original
            assert result.payload == VACCINATION  # a valid signature means unchanged content
        repair_scanner_input(text)
    assert valid_after_mutation < 50


def test_random_bytes_and_structures() -> None:
    rng = random.Random(7)
    for _ in range(3_000):
        blob = rng.randbytes(rng.randint(0, 400))
        # raw bytes as Base45 inside a valid zlib frame: reaches the COSE/CBOR parser
        text = "HC1:" + base45.b45encode(zlib.compress(blob)).decode()
        assert verify_hc1(text, None, NOW).status in ("ungueltig", "kein_code")
        assert verify_hc1(blob.decode("latin-1"), None, NOW).status in STATUSES
    hostile = [
        cbor2.dumps(cbor2.CBORTag(18, [b"", {}, b"", b""])),
        cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps([1]), {}, cbor2.dumps({-260: 5}), b""])),
        cbor2.dumps(cbor2.CBORTag(61, cbor2.CBORTag(18, [b"\xa0", {4: 5}, b"\xa1\x01\x02", b""]))),
        cbor2.dumps([b"\xa1\x04\x41", {}, cbor2.dumps({-260: {1: {"v": 1}}, 4: "x"}), b"x"]),
        cbor2.dumps({1: 2}),
        b"\x9f" * 50,
    ]
    for cose in hostile:
        result = verify_hc1(codec.encode_hc1(cose), None, NOW)
        assert result.status in STATUSES


def test_zip_bomb_is_refused() -> None:
    bomb = "HC1:" + base45.b45encode(zlib.compress(b"\0" * 5_000_000, 9)).decode()
    result = verify_hc1(bomb, None, NOW)
    assert not result.decoded and "zu groß" in result.errors[0]


def test_claims_with_odd_types() -> None:
    payload = cbor2.dumps({1: 5, 4: "morgen", 6: 1.5e300, -260: {1: {"ver": "1.3.0"}}})
    claims = parse_claims(payload)
    assert claims.issuer is None and claims.expires_at is None and claims.issued_at is None
    message = parse_cose(cbor2.dumps([cbor2.dumps({1: -7, 4: b"123456789"}), {}, payload, b""]))
    assert message.kid == b"12345678"
