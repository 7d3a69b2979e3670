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
