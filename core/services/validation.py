"""Field checks shared by services; each raises a German ValidationError at the field."""

from __future__ import annotations

import re
from datetime import date

from core.catalog.districts import get_districts
from core.errors import ValidationError

_PLZ = re.compile(r"^\d{5}$")


def require_text(value: str, field: str, max_len: int = 200) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError(f"{field}: Bitte ausfüllen.", field=field)
    if len(text) > max_len:
        raise ValidationError(f"{field}: Höchstens {max_len} Zeichen.", field=field)
    return text


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")


def require_line(value: str, field: str, max_len: int = 200) -> str:
    """``require_text`` for one-line codes (lot numbers): no line breaks, tabs or control
    characters, which would split a CSV line or a label."""
    text = require_text(value, field, max_len)
    if _CONTROL.search(text):
        raise ValidationError(f"{field}: Zeilenumbrüche, Tabulatoren und Steuerzeichen sind "
                              "nicht erlaubt. Bitte nur die Chargenbezeichnung eingeben.",
                              field=field)
    return text


def optional_line(value: str, field: str, max_len: int = 200) -> str:
    """Like ``require_line`` for an optional field: empty stays empty."""
    return require_line(value, field, max_len) if (value or "").strip() else ""


def require_code(value: str, codes: dict[str, str], field: str) -> str:
    if value not in codes:
        allowed = ", ".join(f"{k} ({v})" for k, v in codes.items())
        raise ValidationError(f"{field}: „{value}“ ist nicht erlaubt. Möglich: {allowed}.",
                              field=field)
    return value


def optional_plz(value: str, field: str = "PLZ") -> str:
    text = (value or "").strip()
    if text and not _PLZ.match(text):
        raise ValidationError(f"{field}: Eine PLZ hat fünf Ziffern (war „{text}“).", field=field)
    return text


def require_district(ags: str, field: str = "Kreis") -> str:
    return get_districts().require(ags, field).ags


def not_in_future(value: date, today: date, field: str) -> date:
    if value > today:
        raise ValidationError(
            f"{field}: {value:%d.%m.%Y} liegt in der Zukunft. Bitte das Datum prüfen.",
            field=field,
        )
    return value
