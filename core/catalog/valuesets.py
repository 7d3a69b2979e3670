"""DCC value sets (eu-dcc-valuesets 2.12.0, Apache-2.0) from ``resources/reference``.

Used to check that every product we may put into a certificate has valid vp/mp/ma codes,
and to show display names for codes found in scanned certificates.
"""

from __future__ import annotations

import json
from functools import cache

from core.paths import resource_path

VALUE_SET_FILES = {
    "vp": "vaccine-prophylaxis.json",
    "mp": "vaccine-medicinal-product.json",
    "ma": "vaccine-mah-manf.json",
    "tg": "disease-agent-targeted.json",
    "co": "country-2-codes.json",
    "tt": "test-type.json",
    "tr": "test-result.json",
}


@cache
def value_set(field: str) -> dict[str, str]:
    """Code → display name for one DCC field (``vp``, ``mp``, ``ma``, ``tg``, ...)."""
    path = resource_path("reference", "dcc-valuesets", VALUE_SET_FILES[field])
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {code: entry["display"] for code, entry in raw["valueSetValues"].items()}


def display(field: str, code: str) -> str:
    return value_set(field).get(code, code)
