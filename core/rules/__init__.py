"""Rules engine: immunity status, series planning and measles evidence from dated rule data.

Public API (pure Python; never imports Qt, ui/ or SQLAlchemy):

* ``evaluate_person(person, on, rules=None) -> StatusResult`` – the evaluator;
* ``parse_person_document(data) -> PersonDocument`` – JSON -> dataclasses, ``UserError``
  on bad input;
* ``evaluate_document(doc, on) -> dict`` – both, returning the ``status`` JSON;
* ``get_rulebook()`` / ``load_rulebook(dir)`` / ``validate_rules()`` – the rule files;
* ``is_booster(dn, sd)`` / ``next_numbers(...)`` – the one place deciding dose numbers
  and the booster flag (German DCC convention, also used for certificates);
* ``candidate_findings(doc, dose)`` / ``candidate_numbers(doc, dose)`` – cheap checks of
  one new dose for the dose form (no full evaluation).
"""

from core.rules.candidate import candidate_findings, candidate_numbers
from core.rules.document import parse_person_document
from core.rules.evaluate import evaluate_person
from core.rules.loader import RuleLoadError, get_rulebook, load_rulebook, validate_rules
from core.rules.model import CovidTest, Infection, MeaslesEvidence, PersonDocument, Vaccination
from core.rules.numbering import is_booster, next_numbers
from core.rules.result import CovidStatus, Finding, MeaslesStatus, StatusResult
from core.rules.ruleset import Rule, RuleBook
from core.rules.series import Series, split_series
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
    "Series",
    "StatusResult",
    "Vaccination",
    "candidate_findings",
    "candidate_numbers",
    "evaluate_document",
    "evaluate_person",
    "format_status",
    "get_rulebook",
    "is_booster",
    "load_rulebook",
    "next_numbers",
    "parse_on",
    "parse_person_document",
    "split_series",
    "validate_rules",
]
