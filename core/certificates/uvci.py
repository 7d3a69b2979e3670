"""Unique Vaccination Certificate Identifiers in the German form.

``URN:UVCI:01DE/<issuer>/<unique>#<check>``: version ``01`` and the country, the issuer
(our Impfzentrum/team id, ``^[0-9A-Z]+$``), a random part and the Luhn-mod-N check
character over the eHealth Network charset ``A-Z 0-9 / :``, computed over the whole
string including the prefix (schema FAQ; reference implementation in
resources/dcc-schema/examples/Luhn-Mod-N). The check character lets a verifier or a
person reading it aloud spot a typo.
"""

from __future__ import annotations

import re
import secrets

PREFIX = "URN:UVCI:"
CODE_POINTS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:"
_N = len(CODE_POINTS)
#: Random part alphabet: digits and letters without the easily confused I, O.
_RANDOM_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_ISSUER = re.compile(r"^[0-9A-Z]+$")
#: The schema allows 80 characters; the FAQ aims for 27-30, we allow up to 50.
MAX_LENGTH = 50


def _luhn_sum(text: str, factor: int) -> int:
    total = 0
    for ch in reversed(text):
        addend = factor * CODE_POINTS.index(ch)
        factor = 1 if factor == 2 else 2
        total += addend // _N + addend % _N
    return total % _N


def check_character(text: str) -> str:
    """Luhn-mod-N check character for ``text`` (only charset characters allowed)."""
    bad = {ch for ch in text if ch not in CODE_POINTS}
    if bad:
        raise ValueError(f"characters outside the UVCI charset: {sorted(bad)}")
    return CODE_POINTS[(_N - _luhn_sum(text, 2)) % _N]


def is_valid(uvci: str) -> bool:
    """True when ``uvci`` ends in ``#<check>`` and the check character matches."""
    body, sep, check = uvci.strip().rpartition("#")
    if not sep or len(check) != 1 or not body:
        return False
    text = body + check
    if any(ch not in CODE_POINTS for ch in text):
        return False
    return _luhn_sum(text, 1) == 0


def make_uvci(issuer: str, unique: str | None = None, country: str = "DE") -> str:
    """A new German UVCI; ``unique`` defaults to 12 random characters (≈ 61 bits)."""
    issuer = issuer.strip().upper()
    if not _ISSUER.match(issuer):
        raise ValueError(f"issuer must match ^[0-9A-Z]+$, got {issuer!r}")
    if unique is None:
        unique = "".join(secrets.choice(_RANDOM_CHARS) for _ in range(12))
    body = f"{PREFIX}01{country}/{issuer}/{unique}"
    uvci = f"{body}#{check_character(body)}"
    if len(uvci) > MAX_LENGTH:
        raise ValueError(f"UVCI longer than {MAX_LENGTH} characters: {uvci}")
    return uvci


def issuing_entity(uvci: str) -> str | None:
    """The issuer component of a ``01DE`` UVCI (used e.g. to spot blocked pharmacies)."""
    match = re.match(r"^URN:UVCI:01DE/([0-9A-Z]+)/", uvci.strip())
    return match.group(1) if match else None
