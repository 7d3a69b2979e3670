"""Transport encoding of a DCC: COSE bytes <-> zlib <-> Base45 <-> ``HC1:`` text.

The hcert spec makes zlib compression mandatory and the ``HC1:`` context prefix the only
one in use, so both directions are strict: a missing or different prefix, broken Base45,
uncompressed data or broken zlib is rejected with a German reason (``DecodeError``) the
verifier shows as is. Sizes are capped so a hostile or garbled scan cannot make the
decoder allocate much (a QR code holds at most 4,296 alphanumeric characters).
"""

from __future__ import annotations

import zlib

import base45

PREFIX = "HC1:"
#: Longest text accepted (QR version 40-L alphanumeric holds 4,296 characters).
MAX_TEXT = 8_000
#: Largest inflated COSE accepted; real certificates are well under 2 KB.
MAX_INFLATED = 64 * 1024

_B45_ALPHABET = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


class DecodeError(ValueError):
    """The text is not a readable HC1 code; ``stage`` names the failing step."""

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(message)
        self.stage = stage
        self.message = message


def encode_hc1(cose: bytes) -> str:
    """COSE_Sign1 bytes -> ``HC1:`` text (zlib level 9, Base45)."""
    return PREFIX + base45.b45encode(zlib.compress(cose, 9)).decode("ascii")


def has_prefix(text: str) -> bool:
    return text.strip().startswith(PREFIX)


def unprefix(text: str) -> str:
    """The Base45 part of an ``HC1:`` text; ``DecodeError`` for any other context."""
    value = text.strip()
    if len(value) > MAX_TEXT:
        raise DecodeError("prefix", f"Eingabe zu lang ({len(value)} Zeichen) für einen QR-Code.")
    if not value.startswith(PREFIX):
        head = value[:4]
        if len(head) == 4 and head[:2].isalpha() and head[3] == ":":
            raise DecodeError("prefix", f"Kein EU-Impfzertifikat: Kennung „{head}“ statt „HC1:“.")
        raise DecodeError("prefix", "Kein EU-Impfzertifikat: die Kennung „HC1:“ fehlt.")
    return value[len(PREFIX):]


def b45decode(text: str) -> bytes:
    """Strict Base45 (RFC 9285) with a German reason on failure."""
    bad = sorted({ch for ch in text if ch not in _B45_ALPHABET})
    if bad:
        shown = " ".join(repr(ch) for ch in bad[:5])
        raise DecodeError("base45", f"QR-Code nicht lesbar: ungültige Base45-Zeichen {shown}.")
    try:
        return bytes(base45.b45decode(text))
    except (ValueError, KeyError, IndexError):
        raise DecodeError("base45", "QR-Code nicht lesbar: Base45-Daten sind beschädigt.") from None


def inflate(data: bytes) -> bytes:
    """zlib (RFC 1950) inflate; uncompressed COSE is rejected as the spec requires."""
    if len(data) < 2 or data[0] & 0x0F != 8 or ((data[0] << 8) | data[1]) % 31:
        raise DecodeError("zlib", "QR-Code nicht lesbar: Daten sind nicht zlib-komprimiert.")
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_INFLATED)
    except zlib.error:
        raise DecodeError("zlib", "QR-Code nicht lesbar: Komprimierung ist beschädigt.") from None
    if inflater.unconsumed_tail:
        raise DecodeError("zlib", "QR-Code nicht lesbar: entpackte Daten sind zu groß.")
    if not inflater.eof:
        raise DecodeError("zlib", "QR-Code nicht lesbar: komprimierte Daten sind unvollständig.")
    return out


def decode_hc1(text: str) -> bytes:
    """``HC1:`` text -> COSE bytes, raising ``DecodeError`` with the failing stage."""
    return inflate(b45decode(unprefix(text)))
