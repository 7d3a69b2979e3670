"""Typed output of the evaluator, serialising exactly to the ``status`` JSON of design.md.

The GUI reads the dataclasses; the CLI prints ``to_dict()``. Extra fields beyond the
design's table (``warnings`` in both sections, ``rules`` for measles) are additions, never
renames, so the CLI contract stays stable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from core.rules.datemath import iso
from core.rules.series import Series

#: Values of ``covid19.status``, strongest proof first.
COVID_STATUSES = ("geimpft", "genesen", "getestet", "unvollstaendig", "ungeimpft")
#: Values of ``measles.status``.
MEASLES_STATUSES = ("erfuellt", "nicht_erfuellt", "nicht_erforderlich", "befreit")


@dataclass(frozen=True, slots=True)
class Finding:
    """A warning: which rule is concerned and a German message naming the dose."""

    rule: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "message": self.message}


@dataclass(slots=True)
class CovidStatus:
    status: str = "ungeimpft"
    series_complete: bool = False
    booster: bool = False
    protected_from: date | None = None
    protected_until: date | None = None
    test_exempt: bool = False
    booster_due_from: date | None = None
    next_dose_earliest: date | None = None
    reasons: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    #: The split the verdict used (not serialised): lets the dose form number the next
    #: dose (``numbering.next_numbers``) without evaluating the person again.
    series: Series | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "series_complete": self.series_complete,
            "booster": self.booster,
            "protected_from": iso(self.protected_from),
            "protected_until": iso(self.protected_until),
            "test_exempt": self.test_exempt,
            "booster_due_from": iso(self.booster_due_from),
            "next_dose_earliest": iso(self.next_dose_earliest),
            "reasons": list(self.reasons),
            "rules": list(self.rules),
            "warnings": [w.to_dict() for w in self.warnings],
        }


@dataclass(slots=True)
class MeaslesStatus:
    required: bool = False
    status: str = "nicht_erforderlich"
    doses_counted: int = 0
    reasons: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "required": self.required,
            "status": self.status,
            "doses_counted": self.doses_counted,
            "reasons": list(self.reasons),
            "rules": list(self.rules),
            "warnings": [w.to_dict() for w in self.warnings],
        }


@dataclass(slots=True)
class StatusResult:
    """Evaluation of one person on one date (``on`` keeps the time if one was given)."""

    on: date | datetime
    covid19: CovidStatus
    measles: MeaslesStatus

    def on_text(self) -> str:
        if isinstance(self.on, datetime):
            return self.on.isoformat(timespec="minutes")
        return self.on.isoformat()

    def to_dict(self) -> dict[str, Any]:
        return {
            "on": self.on_text(),
            "covid19": self.covid19.to_dict(),
            "measles": self.measles.to_dict(),
        }
