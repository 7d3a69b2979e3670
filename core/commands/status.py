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
    if source == "-":
        try:
            return sys.stdin.read()
        except UnicodeDecodeError:
            raise UserError("PERSON_JSON: Eingabe ist kein UTF-8-Text.") from None
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"PERSON_JSON: Datei „{source}“ nicht gefunden.") from None
    except IsADirectoryError:
        raise UserError(f"PERSON_JSON: „{source}“ ist ein Verzeichnis, keine Datei.") from None
    except UnicodeDecodeError:
        raise UserError(f"PERSON_JSON: Datei „{source}“ ist kein UTF-8-Text.") from None
    except OSError as exc:
        raise UserError(f"PERSON_JSON: Datei „{source}“ nicht lesbar ({exc.strerror}).") from None


def load_document(source: str) -> Any:
    """Read and decode the JSON; malformed JSON names line and column."""
    text = _read(source)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"PERSON_JSON: ungültiges JSON in Zeile {exc.lineno}, Spalte {exc.colno} ({exc.msg})."
        ) from None


def run(ctx: CliContext) -> int:
    from core.rules import evaluate_person, format_status, parse_on, parse_person_document

    on = parse_on(ctx.args.on) if ctx.args.on else date.today()
    person = parse_person_document(load_document(ctx.args.person_json))
    result = evaluate_person(person, on)
    ctx.emit(result.to_dict(), lambda: format_status(result))
    return 0
