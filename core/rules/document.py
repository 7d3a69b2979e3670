"""Parse a person document (the ``status`` command's JSON) into typed dataclasses.

All input checking happens here, once, so the evaluator can trust its input: unknown
products, impossible dates (31.02.), events before the birth date and malformed fields
raise ``UserError`` with a German message that names the field (``vaccinations[1].date``).
Events after the evaluation date are *not* errors; the evaluator names and ignores them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core.catalog.products import ProductCatalog, get_catalog
from core.dates import parse_date, parse_datetime
from core.errors import UserError
from core.rules.model import (
    MEASLES_EVIDENCE_KINDS,
    TEST_TYPES,
    CovidTest,
    Infection,
    MeaslesEvidence,
    PersonDocument,
    Vaccination,
)

_RESULTS = {"negativ": True, "negative": True, "positiv": False, "positive": False}
_EVIDENCE_ALIASES = {"immunität": "immunitaet", "bestätigung": "bestaetigung"}
_LISTS = ("vaccinations", "infections", "tests", "measles_evidence")


def _fail(field: str, message: str) -> UserError:
    return UserError(f"{field}: {message}", field=field)


def _text(entry: dict[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
    field = f"{where}.{key}" if where else key
    value = entry.get(key)
    if value is None:
        if required:
            raise _fail(field, "Angabe fehlt.")
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(field, f"Text erwartet, nicht {json_type(value)}.")
    return value.strip()


def json_type(value: object) -> str:
    """German name of a JSON value's type, for messages."""
    if isinstance(value, bool):
        return "Wahrheitswert"
    if isinstance(value, int | float):
        return "Zahl"
    if isinstance(value, list):
        return "Liste"
    if isinstance(value, dict):
        return "Objekt"
    return "leerer Text" if value == "" else "Wert"


def _date(entry: dict[str, Any], key: str, where: str, birth: date | None) -> date:
    field = f"{where}.{key}"
    text = _text(entry, key, where)
    assert text is not None
    day = parse_date(text, field)
    if birth is not None and day < birth:
        raise _fail(field, f"Das Datum {day:%d.%m.%Y} liegt vor dem Geburtsdatum {birth:%d.%m.%Y}.")
    return day


def _entries(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(key, f"Liste erwartet, nicht {json_type(value)}.")
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise _fail(f"{key}[{index}]", f"Objekt erwartet, nicht {json_type(entry)}.")
    return value


def _vaccination(
    entry: dict[str, Any], where: str, birth: date, catalog: ProductCatalog
) -> Vaccination:
    day = _date(entry, "date", where, birth)
    name = _text(entry, "product", where)
    assert name is not None
    product = catalog.require(name, field=f"{where}.product")
    disease = _text(entry, "disease", where, required=False)
    if disease is not None and disease.casefold() != product.disease:
        raise _fail(
            f"{where}.disease",
            f"„{disease}“ passt nicht zum Impfstoff {product.name} ({product.disease}).",
        )
    documented = _documented(entry, where)
    return Vaccination(day, product, documented)


#: Highest dose number a proof may state (the DB allows any positive number; 10 is
#: far beyond any real series and catches typos such as 22 for 2/2).
MAX_DOSE_NUMBER = 10


def _dose_int(entry: dict[str, Any], key: str, where: str) -> int | None:
    value = entry.get(key)
    if value is None:
        return None
    field = f"{where}.{key}"
    if isinstance(value, bool) or not isinstance(value, int):
        shown = value if isinstance(value, float) else json_type(value)
        raise _fail(field, f"Ganze Zahl erwartet, nicht {shown}.")
    if not 1 <= value <= MAX_DOSE_NUMBER:
        raise _fail(field, f"{value} liegt nicht zwischen 1 und {MAX_DOSE_NUMBER}.")
    return value


def _documented(entry: dict[str, Any], where: str) -> tuple[int, int] | None:
    """``dose_number``/``series_total`` as the proof states them (dn/sd), both or none."""
    number = _dose_int(entry, "dose_number", where)
    total = _dose_int(entry, "series_total", where)
    if number is None and total is None:
        return None
    if number is None or total is None:
        missing = "dose_number" if number is None else "series_total"
        raise _fail(
            f"{where}.{missing}",
            "Angabe fehlt: dose_number und series_total nur zusammen angeben.",
        )
    return number, total


def _test_type(entry: dict[str, Any], key: str, where: str) -> str:
    text = _text(entry, key, where)
    assert text is not None
    for known in TEST_TYPES:
        if text.casefold() == known.casefold():
            return known
    raise _fail(f"{where}.{key}", f"Unbekannte Testart „{text}“. Erlaubt: {', '.join(TEST_TYPES)}.")


def _covid_test(entry: dict[str, Any], where: str, birth: date) -> CovidTest:
    text = _text(entry, "at", where)
    assert text is not None
    field = f"{where}.at"
    has_time = "T" in text or " " in text.strip()
    at = (
        parse_datetime(text, field)
        if has_time
        else datetime.combine(parse_date(text, field), datetime.min.time())
    )
    if at.date() < birth:
        raise _fail(field, f"Der Test liegt vor dem Geburtsdatum {birth:%d.%m.%Y}.")
    kind = _test_type(entry, "type", where)
    result = _text(entry, "result", where)
    assert result is not None
    negative = _RESULTS.get(result.casefold())
    if negative is None:
        raise _fail(
            f"{where}.result", f"„{result}“ ist kein Testergebnis. Erlaubt: negativ, positiv."
        )
    return CovidTest(at=at, type=kind, negative=negative, time_known=has_time)


def _evidence(entry: dict[str, Any], where: str, birth: date) -> MeaslesEvidence:
    kind = _text(entry, "kind", where)
    assert kind is not None
    norm = _EVIDENCE_ALIASES.get(kind.casefold(), kind.casefold())
    if norm not in MEASLES_EVIDENCE_KINDS:
        raise _fail(
            f"{where}.kind",
            f"Unbekannte Nachweisart „{kind}“. Erlaubt: {', '.join(MEASLES_EVIDENCE_KINDS)}.",
        )
    return MeaslesEvidence(norm, _date(entry, "date", where, birth))


def parse_person_document(data: object, catalog: ProductCatalog | None = None) -> PersonDocument:
    """Validate and convert a decoded JSON person document; raise ``UserError`` on bad input."""
    if not isinstance(data, dict):
        raise UserError(f"Personendokument: JSON-Objekt erwartet, nicht {json_type(data)}.")
    catalog = catalog or get_catalog()
    birth_text = _text(data, "birth_date", "")
    assert birth_text is not None
    birth = parse_date(birth_text, "birth_date")
    lists = {key: _entries(data, key) for key in _LISTS}
    return PersonDocument(
        birth_date=birth,
        vaccinations=tuple(
            _vaccination(e, f"vaccinations[{i}]", birth, catalog)
            for i, e in enumerate(lists["vaccinations"])
        ),
        infections=tuple(
            Infection(
                _date(e, "date", f"infections[{i}]", birth),
                _test_type(e, "test", f"infections[{i}]"),
            )
            for i, e in enumerate(lists["infections"])
        ),
        tests=tuple(_covid_test(e, f"tests[{i}]", birth) for i, e in enumerate(lists["tests"])),
        measles_evidence=tuple(
            _evidence(e, f"measles_evidence[{i}]", birth)
            for i, e in enumerate(lists["measles_evidence"])
        ),
    )
