"""Fuzzing the certificate path: HC1 text, COSE/CBOR structures, scanner text, image bytes.

Whatever comes in, ``verify_hc1`` / ``scan_text`` / ``scan_bytes`` return a result with a
known status whose JSON is strict (no NaN), and the wedge repair returns a result; no
exception escapes. A mutated genuine code never verifies with another payload.
"""

from __future__ import annotations

import json
import math
import random
import zlib
from functools import cache
from pathlib import Path
from typing import Any

import base45
import cbor2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.certificates.codec import DecodeError, decode_hc1, encode_hc1
from core.certificates.verify import STATUSES, VerifyResult, verify_hc1
from core.cli import json_safe
from core.scanning.scan import scan_bytes, scan_text
from core.scanning.wedge import repair_scanner_input, us_to_german
from tests.core.certificates.helpers import NOW, VACCINATION, signed, training
from tests.core.fuzz.conftest import TALLY, fuzz_settings

pytestmark = pytest.mark.usefixtures("timed", "memory_cap")

B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
VECTORS = Path(__file__).resolve().parents[2] / "data" / "dcc-testdata"


@cache
def genuine_codes() -> tuple[str, ...]:
    """The public EU test vectors' HC1 texts plus one signed by the training key."""
    codes = [signed(VACCINATION, training())]
    for path in sorted(VECTORS.glob("*/2DCode/raw/*.json")):
        try:
            prefix = json.loads(path.read_text(encoding="utf-8")).get("PREFIX")
        except (ValueError, OSError):
            continue
        if isinstance(prefix, str) and prefix.startswith("HC1:"):
            try:  # some vectors are broken on purpose; the flips start from good ones
                decode_hc1(prefix)
            except DecodeError:
                continue
            codes.append(prefix)
    return tuple(codes)


@cache
def trust() -> Any:
    from core.certificates.trust import TrustList

    return TrustList.of([training().certificate])


def check(result: VerifyResult) -> None:
    assert isinstance(result, VerifyResult)
    assert result.status in STATUSES
    json.dumps(json_safe(result.to_dict()), ensure_ascii=False, default=str, allow_nan=False)


# --- strategies --------------------------------------------------------------------------

KEYS = ["v", "t", "r", "nam", "dob", "fn", "gn", "fnt", "gnt", "dn", "sd", "dt", "mp",
        "tg", "vp", "ma", "co", "is", "ci", "ver", "1.3.0", 1, 4, 6, -260, -7, 28]


def random_cbor(rng: random.Random, depth: int = 0) -> Any:
    """A random CBOR-able value: the leaves hostile (bignums, NaN, odd tags) on purpose.

    Built from a seed Hypothesis draws: generating such trees with Hypothesis' own
    recursive strategies costs ~20 ms per input, this ~0.05 ms.
    """
    roll = rng.random()
    if depth >= 6 or roll < 0.45:
        return rng.choice([
            None, True, False, rng.randint(-300, 300), rng.randint(-(2**70), 2**70),
            rng.choice([math.nan, math.inf, -math.inf, 0.5, 1e308, -0.0]),
            rng.choice(KEYS), "".join(rng.choice("AZaz09-:/ äß\x00") for _ in
                                      range(rng.randint(0, 12))),
            rng.randbytes(rng.randint(0, 12)), rng.choice(["2021-06-01", "9999-12-31",
                                                           "1964", "2021-02-31", ""])])
    width = rng.randint(0, 5)
    if roll < 0.65:
        return [random_cbor(rng, depth + 1) for _ in range(width)]
    if roll < 0.9:
        return {rng.choice(KEYS): random_cbor(rng, depth + 1) for _ in range(width)}
    return cbor2.CBORTag(rng.choice([0, 1, 2, 3, 18, 24, 61, 258, 1004, 28]),
                         random_cbor(rng, depth + 1))


def random_claims(rng: random.Random) -> Any:
    """CWT claims whose DCC looks enough like one to reach schema and holder checks."""
    dcc: dict[Any, Any] = {key: random_cbor(rng, 3) for key in ("ver", "nam", "dob")
                           if rng.random() < 0.8}
    kind = rng.choice(["v", "t", "r", "x"])
    dcc[kind] = [{key: random_cbor(rng, 4) for key in rng.sample(
        ["tg", "vp", "mp", "ma", "dn", "sd", "dt", "co", "is", "ci", "df", "du", "fr", "sc"],
        rng.randint(0, 10))} for _ in range(rng.randint(0, 3))]
    if rng.random() < 0.3:
        dcc["nam"] = {"fn": "Müller", "gn": random_cbor(rng, 5), "fnt": "MUELLER"}
    return {1: random_cbor(rng, 4), 4: random_cbor(rng, 4), 6: random_cbor(rng, 4),
            -260: {1: dcc if rng.random() < 0.9 else random_cbor(rng, 2)}}


def _cose_of(claims: Any, protected: Any, unprotected: Any) -> bytes | None:
    try:
        payload = cbor2.dumps(claims)
        header = cbor2.dumps(protected)
        return bytes(cbor2.dumps(cbor2.CBORTag(18, [header, unprotected, payload, b"x" * 64])))
    except (TypeError, ValueError, OverflowError, cbor2.CBOREncodeError):
        return None


def _flip(data: bytes, positions: list[int], bits: list[int]) -> bytes:
    out = bytearray(data)
    for pos, bit in zip(positions, bits, strict=False):
        if out:
            out[pos % len(out)] ^= 1 << (bit % 8)
    return bytes(out)


# --- tests -------------------------------------------------------------------------------

@fuzz_settings(1200)
@given(st.text(alphabet=B45, max_size=700), st.sampled_from(["HC1:", "HC1", "hc1:", "HC2:",
                                                             "", " HC1:", "HC1:HC1:"]))
def test_base45_text_after_prefix(body: str, prefix: str) -> None:
    TALLY["hc1: prefix + random Base45"] += 1
    check(verify_hc1(prefix + body, None, NOW))


@fuzz_settings(1000)
@given(st.binary(max_size=1500), st.booleans())
def test_zlib_of_random_bytes(blob: bytes, compress: bool) -> None:
    TALLY["hc1: Base45(zlib(random bytes))"] += 1
    data = zlib.compress(blob) if compress else blob
    check(verify_hc1("HC1:" + base45.b45encode(data).decode("ascii"), None, NOW))


@fuzz_settings(1500)
@given(st.integers(0, 2**32), st.booleans())
def test_cose_and_cbor_structures(seed: int, tagged: bool) -> None:
    TALLY["hc1: generated COSE/CWT/CBOR structures"] += 1
    rng = random.Random(seed)
    protected = {1: -7, 4: b"12345678"} if rng.random() < 0.5 else random_cbor(rng, 3)
    cose = _cose_of(random_claims(rng), protected, random_cbor(rng, 4))
    if cose is None or len(cose) > 60_000:
        return
    check(verify_hc1(encode_hc1(cose if tagged else cose[1:]), trust(), NOW))  # 0xd2 = tag 18


@fuzz_settings(1000)
@given(st.data(), st.lists(st.integers(0, 10**6), min_size=1, max_size=6),
       st.lists(st.integers(0, 7), min_size=1, max_size=6),
       st.sampled_from(["text", "cose", "zlib"]))
def test_genuine_codes_with_bit_flips(data: st.DataObject, positions: list[int],
                                      bits: list[int], where: str) -> None:
    TALLY["hc1: genuine codes with bit flips"] += 1
    original = data.draw(st.sampled_from(genuine_codes()))
    compressed = base45.b45decode(original[4:])
    if where == "text":
        chars = list(original)
        for pos, bit in zip(positions, bits, strict=False):
            index = 4 + pos % (len(chars) - 4)
            chars[index] = B45[(B45.find(chars[index]) + bit + 1) % len(B45)]
        text = "".join(chars)
    elif where == "zlib":
        text = "HC1:" + base45.b45encode(_flip(compressed, positions, bits)).decode()
    else:
        cose = _flip(zlib.decompress(compressed), positions, bits)
        text = encode_hc1(cose)
    result = verify_hc1(text, trust(), NOW)
    check(result)
    if result.signature == "valid" and text != original:
        genuine = verify_hc1(original, trust(), NOW)
        assert result.payload == genuine.payload  # a valid signature means unchanged content


@fuzz_settings(1200)
@given(st.one_of(st.text(max_size=600), st.text(alphabet=B45 + "ÖößäÄ-(`´_Yyz\r\n\t\x00",
                                                 max_size=600)))
def test_scanner_text(raw: str) -> None:
    TALLY["scanner: random wedge text"] += 1
    repaired = repair_scanner_input(raw)
    assert repaired.text is None or repaired.text.startswith("HC1:")
    assert isinstance(repaired.message, str) and repaired.message
    check(scan_text(raw, None, NOW))


@fuzz_settings(800)
@given(st.data(), st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(
    ["drop", "dup", "case", "junk", "cut"])), max_size=4), st.booleans())
def test_scanner_layout_mixups_of_genuine_codes(data: st.DataObject,
                                                edits: list[tuple[int, str]],
                                                german: bool) -> None:
    TALLY["scanner: genuine codes typed on the wrong layout"] += 1
    code = data.draw(st.sampled_from(genuine_codes()))
    typed = list(us_to_german(code) if german else code)
    for pos, kind in edits:
        index = pos % len(typed)
        if kind == "drop":
            del typed[index]
        elif kind == "dup":
            typed.insert(index, typed[index])
        elif kind == "case":
            typed[index] = typed[index].swapcase()
        elif kind == "junk":
            typed.insert(index, data.draw(st.characters()))
        else:
            typed = typed[:max(index, 1)]
        if not typed:
            typed = ["H"]
    raw = "".join(typed)
    repaired = repair_scanner_input(raw + "\r\n")
    if repaired.ok:
        assert repaired.text is not None and repaired.text.startswith("HC1:")
    check(scan_text(raw, trust(), NOW))


IMAGE_HEADS = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"BM", b"II*\x00", b"RIFF"]


@fuzz_settings(600)
@given(st.sampled_from([*IMAGE_HEADS, b""]), st.binary(max_size=3000))
def test_scan_bytes_of_unknown_kind(head: bytes, body: bytes) -> None:
    TALLY["scan: random bytes / broken image headers"] += 1
    check(scan_bytes(head + body, None, NOW))


def test_memory_cap_is_enforced(memory_cap: int | None) -> None:
    if memory_cap is None:
        pytest.skip("no /proc/self/status: address-space cap not available")
    with pytest.raises(MemoryError):
        bytearray(600 * 1024 * 1024)  # more than the 512 MB headroom


def test_a_finite_float_survives_json_safe() -> None:
    assert json_safe({"a": [1.5, math.nan]}) == {"a": [1.5, None]}
