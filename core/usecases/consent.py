"""The consent checklist and the Anamnese answers a dose must carry.

The caller names the form it showed (``id:version``); core checks it is the one in force
for the disease on the dose date, that every item of it was confirmed, and that every
Anamnese question has one of its answers. What was confirmed and answered is stored with
the dose, so an audit shows exactly what was asked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from core.catalog.forms import ConsentForm, form_for
from core.errors import ValidationError


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    form: ConsentForm
    items_json: str
    anamnesis_json: str
    warnings: list[str]


def check_consent(disease: str, on: date, shown_form: str, confirmed: Iterable[str],
                  answers: Mapping[str, str]) -> ConsentRecord:
    """Validate the checklist the caller showed; German error naming what is missing."""
    form = form_for(disease, on)
    if (shown_form or "").strip() != form.label:
        raise ValidationError(
            f"Aufklärungsbogen: gezeigt wurde „{shown_form or '–'}“, am {on:%d.%m.%Y} gilt "
            f"„{form.label}“. Bitte den gültigen Bogen verwenden und neu bestätigen.",
            field="consent")
    keys = [item.key for item in form.items]
    given = list(dict.fromkeys(k.strip() for k in confirmed if k.strip()))
    unknown = [k for k in given if k not in keys]
    if unknown:
        raise ValidationError(f"Aufklärung: unbekannte Punkte {', '.join(unknown)} "
                              f"(Bogen {form.label}: {', '.join(keys)}).", field="consent")
    missing = [item for item in form.items if item.key not in given]
    if missing:
        raise ValidationError(
            "Aufklärung und Anamnese nicht vollständig bestätigt: "
            + "; ".join(item.text for item in missing) + ".", field="consent")
    questions = {q.key: q for q in form.anamnesis}
    extra = [k for k in answers if k not in questions]
    if extra:
        raise ValidationError(f"Anamnese: unbekannte Frage(n) {', '.join(extra)} "
                              f"(Bogen {form.label}: {', '.join(questions)}).",
                              field="anamnesis")
    stored, warnings = [], []
    for question in form.anamnesis:
        answer = (answers.get(question.key) or question.default).strip().lower()
        if answer not in question.answers:
            raise ValidationError(
                f"Anamnese „{question.text}“: Antwort „{answer}“ ist nicht vorgesehen "
                f"(erlaubt: {', '.join(question.answers)}).", field="anamnesis")
        if answer in question.warn_if:
            warnings.append(question.warning)
        stored.append({"key": question.key, "answer": answer, "form": form.label})
    return ConsentRecord(form, json.dumps(keys, ensure_ascii=False),
                         json.dumps(stored, ensure_ascii=False), warnings)


def stored_items(text: str) -> list[str]:
    """The confirmed item keys of a stored dose ([] for doses from before migration 0006)."""
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def stored_answers(text: str) -> list[dict[str, str]]:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    return [dict(v) for v in value if isinstance(v, dict)] if isinstance(value, list) else []
