"""Helpers the field-day commands share: "today", code text, staff, lots, key lists.

Not a command module (no ``register``): it only turns command-line text into the values
the use cases in ``core.usecases`` take. Every rule stays in the use cases.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from core.dates import parse_date
from core.errors import UserError

#: Overrides "today" for the field-day commands. For tests and training only: a real
#: field day always runs on the laptop's local date.
TODAY_ENV = "IMPFTEAM_TODAY"


def today() -> date:
    """The laptop's local date, or ``IMPFTEAM_TODAY`` (ISO/German date; tests, training)."""
    override = os.environ.get(TODAY_ENV, "").strip()
    return parse_date(override, TODAY_ENV) if override else date.today()


def read_code_text(value: str, option: str) -> str:
    """The text itself, the content of a text file, or stdin for ``-``."""
    from core.input_limits import MAX_HC1_TEXT, read_file_bounded, read_stream_bounded

    if value == "-":
        data = read_stream_bounded(sys.stdin.buffer, MAX_HC1_TEXT, option)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError(f"{option}: Die Eingabe ist kein Text (UTF-8).") from None
    path = Path(value)
    looks_like_code = value.strip()[:3].upper() == "HC1"
    try:
        exists = not looks_like_code and path.exists()
    except (OSError, ValueError):  # too long for a file name, or a NUL: it is the text
        exists = False
    if exists:
        data = read_file_bounded(path, MAX_HC1_TEXT, option)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError(f"{option}: Datei „{value}“ ist keine Textdatei (UTF-8).") from None
    if not looks_like_code and (path.suffix.lower() in {".txt", ".hc1"}
                                or os.sep in value or "/" in value):
        raise UserError(f"{option}: Datei „{value}“ nicht gefunden.")
    return value


def staff_id(session: Session, key: str | None) -> str | None:
    """A STAFF argument (id, external id or login) as the staff member's id."""
    from core.services.dose_checks import find_staff

    if key is None or not key.strip():
        return None
    return find_staff(session, key).id


def lot_id(session: Session, key: str) -> str:
    """A LOT argument: a lot id (or external id), or ``NUMBER@PRODUCT``."""
    from core.catalog.products import get_catalog
    from core.db.models import Lot
    from core.errors import NotFoundError
    from core.services import records
    from core.services.lots import find_lot

    value = key.strip()
    if "@" not in value:
        try:
            return records.find(session, Lot, value).id
        except NotFoundError:
            raise NotFoundError(f"Charge „{value}“ nicht gefunden. Bitte die Chargen-ID oder "
                                "CHARGE@PRODUKT angeben (z. B. FK1234@Comirnaty).") from None
    number, _, product_text = value.partition("@")
    product = get_catalog().require(product_text.strip(), "Charge (Produkt)")
    lot = find_lot(session, product.key, number)
    if lot is None:
        raise NotFoundError(f"Charge „{number.strip()}“ von {product.name} nicht gefunden.")
    return lot.id


def key_list(text: str) -> tuple[str, ...]:
    """``a,b, c`` as ``("a", "b", "c")`` (empty parts dropped)."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def key_values(text: str, option: str, example: str) -> dict[str, str]:
    """``KEY=VALUE,KEY=VALUE`` as a dict; a German error names the malformed part."""
    values: dict[str, str] = {}
    for part in key_list(text):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UserError(f"{option}: „{part}“ ist keine Angabe FRAGE=ANTWORT "
                            f"(z. B. {example}).")
        if key.strip() in values:
            raise UserError(f"{option}: „{key.strip()}“ ist doppelt angegeben.")
        values[key.strip()] = value.strip()
    return values
