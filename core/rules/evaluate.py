"""Entry point of the pure evaluator: person document + date -> ``StatusResult``.

Pure on purpose: no I/O after the rule book is loaded, no clock (the caller passes the
date), so the GUI, the CLI, tests and the benchmark all get the same answer.
"""

from __future__ import annotations

from datetime import date, datetime

from core.rules.covid import evaluate_covid
from core.rules.loader import get_rulebook
from core.rules.measles import evaluate_measles
from core.rules.model import PersonDocument
from core.rules.result import StatusResult
from core.rules.ruleset import RuleBook


def evaluate_person(
    person: PersonDocument, on: date | datetime, rules: RuleBook | None = None
) -> StatusResult:
    """Evaluate COVID-19 and measles for ``person`` on ``on``.

    ``on`` may carry a time (for the 24 h / 48 h test windows); a bare date means the
    time of day set by the tested rule. ``rules`` defaults to the shipped rule files.
    """
    book = rules if rules is not None else get_rulebook()
    if isinstance(on, datetime):
        on_day, on_time = on.date(), on
    else:
        on_day, on_time = on, None
    covid = evaluate_covid(person, on_day, on_time, book)
    measles = evaluate_measles(person, on_day, book)
    if person.birth_date > on_day:
        note = "Geburtsdatum liegt nach dem Bewertungsdatum."
        covid.reasons.insert(0, note)
        measles.reasons.insert(0, note)
    return StatusResult(on=on, covid19=covid, measles=measles)
