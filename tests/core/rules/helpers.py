"""Builders for person documents in the rules tests (JSON-shaped, like the CLI input)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core.rules import evaluate_document, parse_on

ADULT = "1985-03-14"  # 36 years old in Dec 2021, the design.md example person


def person(
    birth: str = ADULT,
    doses: tuple[tuple[str, str], ...] = (),
    infections: tuple[tuple[str, str], ...] = (),
    tests: tuple[tuple[str, str, str], ...] = (),
    evidence: tuple[tuple[str, str], ...] = (),
) -> dict[str, Any]:
    return {
        "birth_date": birth,
        "vaccinations": [{"date": d, "product": p} for d, p in doses],
        "infections": [{"date": d, "test": t} for d, t in infections],
        "tests": [{"at": a, "type": t, "result": r} for a, t, r in tests],
        "measles_evidence": [{"kind": k, "date": d} for k, d in evidence],
    }


def status(doc: dict[str, Any], on: str) -> dict[str, Any]:
    when: date | datetime = parse_on(on)
    return evaluate_document(doc, when)
