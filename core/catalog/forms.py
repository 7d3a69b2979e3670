"""Aufklärung/Anamnese checklists as dated data (``resources/forms/*.json``).

A new form version is a new file with a later ``valid_from``; the dose records the form
version that was used, so an audit can show exactly what was asked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache

from core.errors import ValidationError
from core.paths import resource_path

DISEASE_FORMS = {"covid19": "aufklaerung_covid19", "measles": "aufklaerung_masern"}


@dataclass(frozen=True, slots=True)
class FormItem:
    key: str
    text: str
    text_en: str


@dataclass(frozen=True, slots=True)
class AnamnesisQuestion:
    """A question whose answer later rules need, so it is stored with the dose.

    ``asked_by`` names the checklist item under which it is asked; ``warn_if`` lists the
    answers that raise ``warning`` (a warning needs an override reason, like any other).
    """

    key: str
    text: str
    text_en: str
    answers: tuple[str, ...]
    default: str
    asked_by: str
    warn_if: tuple[str, ...]
    warning: str
    warning_en: str


@dataclass(frozen=True, slots=True)
class ConsentForm:
    id: str
    version: str
    valid_from: date
    valid_to: date | None
    title: str
    title_en: str
    items: tuple[FormItem, ...]
    consent_item: str
    anamnesis: tuple[AnamnesisQuestion, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.id}:{self.version}"


@cache
def load_forms() -> tuple[ConsentForm, ...]:
    forms = []
    for path in sorted(resource_path("forms").glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        items = tuple(FormItem(i["key"], i["text"], i["text_en"]) for i in raw["items"])
        keys = {i.key for i in items}
        if raw["consent_item"] not in keys:
            raise ValueError(f"{path.name}: consent_item fehlt in items")
        questions = tuple(AnamnesisQuestion(
            q["key"], q["text"], q["text_en"], tuple(q["answers"]), q["default"],
            q["asked_by"], tuple(q.get("warn_if", ())), q.get("warning", ""),
            q.get("warning_en", "")) for q in raw.get("anamnesis", ()))
        for q in questions:
            if q.default not in q.answers or q.asked_by not in keys or not set(
                    q.warn_if) <= set(q.answers):
                raise ValueError(f"{path.name}: Anamnesefrage {q.key} ist unvollständig")
        forms.append(ConsentForm(
            raw["id"], raw["version"], date.fromisoformat(raw["valid_from"]),
            date.fromisoformat(raw["valid_to"]) if raw.get("valid_to") else None,
            raw["title"], raw["title_en"], items, raw["consent_item"], questions))
    return tuple(forms)


def form_for(disease: str, on: date) -> ConsentForm:
    """The checklist version in force on ``on`` for a disease."""
    form_id = DISEASE_FORMS[disease]
    for form in sorted(load_forms(), key=lambda f: f.valid_from, reverse=True):
        if form.id == form_id and form.valid_from <= on and (
                form.valid_to is None or on <= form.valid_to):
            return form
    raise ValidationError(f"Kein gültiger Aufklärungsbogen für {disease} am {on:%d.%m.%Y}.")
