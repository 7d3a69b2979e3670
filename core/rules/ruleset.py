"""Typed rule versions and the lookup "which rules are in force on this day".

Every number and date the evaluator uses lives in a ``params`` dataclass built from
``resources/rules/*.json``. ``RuleBook.on(day)`` answers with a ``RulesOnDate`` snapshot;
snapshots are cached per *segment* (the stretch between two rule boundaries), so a
million evaluations on a handful of dates cost a handful of lookups.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from typing import Generic, TypeVar

from core.rules.datemath import ONE_DAY

P = TypeVar("P")


@dataclass(frozen=True, slots=True)
class Source:
    document: str
    date: date
    seed: str | None


@dataclass(frozen=True, slots=True)
class Rule(Generic[P]):
    """One version of a rule: in force from ``valid_from`` to ``valid_to`` (inclusive)."""

    id: str
    family: str
    kind: str
    title_de: str
    title_en: str
    valid_from: date
    valid_to: date | None
    source: Source
    params: P
    file: str = ""

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True, slots=True)
class VaccinatedParams:
    min_full_days_after_last_dose: int


@dataclass(frozen=True, slots=True)
class RecoveredParams:
    confirming_tests: frozenset[str]
    min_days_since_test: int
    max_months_since_test: int


@dataclass(frozen=True, slots=True)
class TestedParams:
    max_hours: dict[str, int]
    date_only_time: time


@dataclass(frozen=True, slots=True)
class ExemptionParams:
    max_months_after_last_required_dose: int | None
    booster_min_full_days: int | None
    recovered_with_dose_min_full_days: int | None


@dataclass(frozen=True, slots=True)
class SeriesParams:
    doses_required_override: dict[str, int]
    recovered_one_dose: bool
    recovered_confirming_tests: frozenset[str]
    recovered_infection_min_days: int


@dataclass(frozen=True, slots=True)
class BoosterGroup:
    min_age_years: int
    max_age_years: int | None
    months_after_series: int

    def covers(self, age: int) -> bool:
        return self.min_age_years <= age and (
            self.max_age_years is None or age <= self.max_age_years
        )


@dataclass(frozen=True, slots=True)
class SingleDoseBooster:
    product: str
    min_age_years: int
    days_after_series: int


@dataclass(frozen=True, slots=True)
class BoosterParams:
    groups: tuple[BoosterGroup, ...]
    single_dose_products: dict[str, SingleDoseBooster]


@dataclass(frozen=True, slots=True)
class IntervalParams:
    homologous_days: dict[str, int]
    heterologous_days: int
    default_days: int

    def days_between(self, previous: str, following: str) -> int:
        if previous != following:
            return self.heterologous_days
        return self.homologous_days.get(previous, self.default_days)


@dataclass(frozen=True, slots=True)
class MinAgeParams:
    product: str
    min_age_years: int


@dataclass(frozen=True, slots=True)
class AgeRestrictionParams:
    product: str
    min_age_years: int
    recommended_instead: str
    #: Display names from products.json, filled by the loader for reasons.
    product_name: str = ""
    recommended_name: str = ""


@dataclass(frozen=True, slots=True)
class ProductUseParams:
    product: str
    booster: bool
    heterologous: bool


@dataclass(frozen=True, slots=True)
class MeaslesRequirementParams:
    born_after: date
    one_dose_from_age_years: int
    two_doses_from_age_years: int
    min_days_between_doses: int
    evidence: dict[str, str]


@dataclass(frozen=True, slots=True)
class MeaslesDoseParams:
    min_age_months: int
    products: frozenset[str]


@dataclass(slots=True)
class RulesOnDate:
    """The rules in force on one day; ``None`` / empty when no version covers it."""

    vaccinated: Rule[VaccinatedParams] | None = None
    recovered: Rule[RecoveredParams] | None = None
    tested: Rule[TestedParams] | None = None
    exemption: Rule[ExemptionParams] | None = None
    series: Rule[SeriesParams] | None = None
    booster: Rule[BoosterParams] | None = None
    interval: Rule[IntervalParams] | None = None
    measles_requirement: Rule[MeaslesRequirementParams] | None = None
    measles_dose: Rule[MeaslesDoseParams] | None = None
    min_age: dict[str, Rule[MinAgeParams]] = field(default_factory=dict)
    age_restrictions: dict[str, Rule[AgeRestrictionParams]] = field(default_factory=dict)
    product_use: dict[str, Rule[ProductUseParams]] = field(default_factory=dict)


#: kind -> attribute of RulesOnDate holding the single rule of that kind.
SINGLE_KINDS = {
    "covid19_vaccinated": "vaccinated",
    "covid19_recovered": "recovered",
    "covid19_tested": "tested",
    "covid19_test_exemption": "exemption",
    "covid19_series": "series",
    "covid19_booster": "booster",
    "covid19_min_interval": "interval",
    "measles_requirement": "measles_requirement",
    "measles_dose": "measles_dose",
}
#: kind -> attribute holding a per-product dict of rules.
PRODUCT_KINDS = {
    "covid19_min_age": "min_age",
    "covid19_age_product_restriction": "age_restrictions",
    "covid19_product_use": "product_use",
}


class RuleBook:
    """All loaded rule versions, answering ``on(day)`` in O(log boundaries), cached."""

    def __init__(self, rules: Iterable[Rule[object]]) -> None:
        self.rules: tuple[Rule[object], ...] = tuple(rules)
        edges: set[date] = set()
        for rule in self.rules:
            edges.add(rule.valid_from)
            if rule.valid_to is not None and rule.valid_to < date.max:
                edges.add(rule.valid_to + ONE_DAY)
        self._edges = sorted(edges)
        self._segments: dict[int, RulesOnDate] = {}
        self._approvals: dict[str, Rule[object]] = {}
        for rule in sorted(self.rules, key=lambda r: r.valid_from, reverse=True):
            if rule.kind == "covid19_min_age":
                self._approvals[getattr(rule.params, "product", "")] = rule

    def by_id(self, rule_id: str) -> Rule[object] | None:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None

    def first_approval(self, product_key: str) -> Rule[object] | None:
        """The earliest minimum-age (approval) rule of a product, if any is recorded."""
        return self._approvals.get(product_key)

    def on(self, day: date) -> RulesOnDate:
        segment = bisect.bisect_right(self._edges, day)
        snapshot = self._segments.get(segment)
        if snapshot is None:
            snapshot = self._build(day)
            self._segments[segment] = snapshot
        return snapshot

    def _build(self, day: date) -> RulesOnDate:
        snapshot = RulesOnDate()
        for rule in self.rules:
            if not rule.in_force(day):
                continue
            single = SINGLE_KINDS.get(rule.kind)
            if single is not None:
                setattr(snapshot, single, rule)
                continue
            table: dict[str, Rule[object]] = getattr(snapshot, PRODUCT_KINDS[rule.kind])
            table[getattr(rule.params, "product")] = rule  # noqa: B009 - params type varies
        return snapshot
