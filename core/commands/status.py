"""``status PERSON_JSON [--on DATE_OR_DATETIME] --json``: immunity evaluation of a document.

Needs no database: it reads the person document (a file or ``-`` for stdin), evaluates
it with the shipped rule files and prints the ``status`` JSON of design.md. Every input
problem becomes a ``UserError`` (German, names the field or the JSON line/column), so the
dispatcher prints ``Fehler: ...`` and exits 1 without a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from core.cli import CliContext, json_parent
from core.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "status",
        parents=[json_parent()],
        help="Immunstatus (COVID-19, Masern) eines Personendokuments bewerten",
        description="Bewertet ein Personendokument (JSON-Datei oder - für stdin) zu einem Datum.",
    )
    parser.add_argument("person_json", metavar="PERSON_JSON", help="JSON-Datei oder - für stdin")
    parser.add_argument(
        "--on",
        metavar="DATUM",
        help="Bewertungsdatum, optional mit Uhrzeit (2021-12-20 oder 20.12.2021T08:00); "
        "Standard: heute",
    )
    parser.set_defaults(handler=run)


def _read(source: str) -> str:
    """The document's text: at most ``MAX_PERSON_JSON`` bytes of a regular file or stdin."""
    from core.input_limits import (
        MAX_PERSON_JSON,
        decode_text,
        read_file_bounded,
        read_stream_bounded,
    )

    if source == "-":
        data = read_stream_bounded(sys.stdin.buffer, MAX_PERSON_JSON, "PERSON_JSON")
        return decode_text(data, "PERSON_JSON", "stdin")
    try:
        data = read_file_bounded(Path(source), MAX_PERSON_JSON, "PERSON_JSON")
    except ValueError:  # a NUL in the name
        raise UserError("PERSON_JSON: ungültiger Dateiname.") from None
    return decode_text(data, "PERSON_JSON", source)


#: Deepest nesting accepted in a person document (a real one is 3 levels deep).
MAX_DEPTH = 32


def _check_depth(data: Any) -> None:
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise UserError(f"PERSON_JSON: zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen). "
                            "Bitte ein Personendokument wie in docs/rules.md angeben.")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def load_document(source: str) -> Any:
    """Read and decode the JSON; malformed JSON names line and column."""
    return decode_document(_read(source))


def decode_document(text: str) -> Any:
    """The decoded JSON of a person document; every problem a German ``UserError``."""
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"PERSON_JSON: ungültiges JSON in Zeile {exc.lineno}, Spalte {exc.colno} ({exc.msg})."
        ) from None
    except RecursionError:
        raise UserError(f"PERSON_JSON: zu tief verschachtelt (mehr als {MAX_DEPTH} Ebenen). "
                        "Bitte ein Personendokument wie in docs/rules.md angeben.") from None
    except ValueError as exc:  # an integer of more than 4,300 digits; NaN/Infinity
        raise UserError(f"PERSON_JSON: ungültige Zahl im JSON ({_short(exc)}).") from None
    _check_depth(data)
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} ist keine JSON-Zahl")


def _short(exc: Exception) -> str:
    text = str(exc)
    return "mehr als 4300 Ziffern" if "digits" in text else text[:80]


def run(ctx: CliContext) -> int:
    from core.rules import evaluate_person, format_status, parse_on, parse_person_document

    on = parse_on(ctx.args.on) if ctx.args.on else date.today()
    person = parse_person_document(load_document(ctx.args.person_json))
    result = evaluate_person(person, on)
    ctx.emit(result.to_dict(), lambda: format_status(result))
    return 0
