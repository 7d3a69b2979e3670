"""Service functions around the evaluator for callers holding JSON-like data.

``evaluate_document`` is what the ``status`` command and any JSON import use; the DB
adapter builds ``PersonDocument`` itself and calls ``evaluate_person`` directly.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core.dates import parse_date, parse_datetime
from core.rules.document import parse_person_document
from core.rules.evaluate import evaluate_person
from core.rules.ruleset import RuleBook


def parse_on(text: str, field: str = "--on") -> date | datetime:
    """An evaluation date, optionally with time (``2021-12-20`` or ``20.12.2021T08:00``)."""
    value = text.strip()
    if "T" in value or " " in value:
        return parse_datetime(value, field)
    return parse_date(value, field)


def evaluate_document(
    doc: dict[str, Any], on: date | datetime, rules: RuleBook | None = None
) -> dict[str, Any]:
    """Parse ``doc`` (raises ``UserError`` on bad input) and return the ``status`` JSON dict."""
    person = parse_person_document(doc)
    return evaluate_person(person, on, rules).to_dict()
