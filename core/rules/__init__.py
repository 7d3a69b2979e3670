"""Rules engine: immunity status, series planning and measles evidence from dated rule data.

Public API (pure Python; never imports Qt, ui/ or SQLAlchemy):

* ``evaluate_person(person, on, rules=None) -> StatusResult`` – the evaluator;
* ``parse_person_document(data) -> PersonDocument`` – JSON -> dataclasses, ``UserError``
  on bad input;
* ``evaluate_document(doc, on) -> dict`` – both, returning the ``status`` JSON;
* ``get_rulebook()`` / ``load_rulebook(dir)`` / ``validate_rules()`` – the rule files.
"""

from core.rules.document import parse_person_document
from core.rules.evaluate import evaluate_person
from core.rules.loader import RuleLoadError, get_rulebook, load_rulebook, validate_rules
from core.rules.model import CovidTest, Infection, MeaslesEvidence, PersonDocument, Vaccination
from core.rules.result import CovidStatus, Finding, MeaslesStatus, StatusResult
from core.rules.ruleset import Rule, RuleBook
from core.rules.service import evaluate_document, parse_on
from core.rules.text import format_status

__all__ = [
    "CovidStatus",
    "CovidTest",
    "Finding",
    "Infection",
    "MeaslesEvidence",
    "MeaslesStatus",
    "PersonDocument",
    "Rule",
    "RuleBook",
    "RuleLoadError",
    "StatusResult",
    "Vaccination",
    "evaluate_document",
    "evaluate_person",
    "format_status",
    "get_rulebook",
    "load_rulebook",
    "parse_on",
    "parse_person_document",
    "validate_rules",
]
