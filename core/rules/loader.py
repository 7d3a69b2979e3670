"""Load ``resources/rules/*.json``: schema check, semantic checks, typed rules, cache.

Rule files are validated when the app starts (``validate_rules``) and whenever a rule
directory is loaded, because a typo in a date would silently change who counts as
protected. Checks beyond the JSON schema: real calendar dates, ``valid_from <=
valid_to``, unique ids, no overlapping versions within one family or for one product,
and product keys that exist in ``resources/products.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, time
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from core.catalog.products import ProductCatalog, get_catalog
from core.paths import resource_path
from core.rules.ruleset import (
    PRODUCT_KINDS,
    AgeRestrictionParams,
    BoosterGroup,
    BoosterParams,
    ExemptionParams,
    IntervalParams,
    MeaslesDoseParams,
    MeaslesRequirementParams,
    MinAgeParams,
    ProductUseParams,
    RecoveredParams,
    Rule,
    RuleBook,
    SeriesParams,
    SingleDoseBooster,
    Source,
    TestedParams,
    VaccinatedParams,
)

SCHEMA_FILE = "schema.json"


class RuleLoadError(ValueError):
    """A rule file is unreadable or inconsistent; the message names file and rule."""


def default_rules_dir() -> Path:
    return resource_path("rules")


def _day(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RuleLoadError(f"{where}: {text!r} is not a calendar date") from None


def _products(keys: list[str], catalog: ProductCatalog, where: str, disease: str) -> None:
    for key in keys:
        product = catalog.resolve(key)
        if product is None or product.key != key:
            raise RuleLoadError(f"{where}: product key {key!r} is not in products.json")
        if product.disease != disease:
            raise RuleLoadError(f"{where}: product {key!r} is not a {disease} vaccine")


def _name(catalog: ProductCatalog, key: str) -> str:
    product = catalog.resolve(key)
    return product.name if product is not None else key


def _build_params(kind: str, raw: dict[str, Any], catalog: ProductCatalog, where: str) -> object:
    """Typed params for one rule; product keys are checked against the catalog."""

    def covid(*keys: str) -> None:
        _products(list(keys), catalog, where, "covid19")

    if kind == "covid19_vaccinated":
        return VaccinatedParams(raw["min_full_days_after_last_dose"])
    if kind == "covid19_recovered":
        return RecoveredParams(
            frozenset(raw["confirming_tests"]),
            raw["min_days_since_test"],
            raw["max_months_since_test"],
        )
    if kind == "covid19_tested":
        hour, minute = (int(part) for part in raw["date_only_time"].split(":"))
        hours = {w["test"]: w["max_hours"] for w in raw["windows"]}
        return TestedParams(hours, time(hour, minute))
    if kind == "covid19_test_exemption":
        return ExemptionParams(
            raw["max_months_after_last_required_dose"],
            raw["booster_min_full_days"],
            raw["recovered_with_dose_min_full_days"],
        )
    if kind == "covid19_series":
        covid(*raw["doses_required_override"])
        return SeriesParams(
            dict(raw["doses_required_override"]),
            raw["recovered_one_dose"],
            frozenset(raw["recovered_confirming_tests"]),
            raw["recovered_infection_min_days"],
        )
    if kind == "covid19_booster":
        singles = {s["product"]: SingleDoseBooster(**s) for s in raw["single_dose_products"]}
        covid(*singles)
        return BoosterParams(tuple(BoosterGroup(**g) for g in raw["groups"]), singles)
    if kind == "covid19_min_interval":
        covid(*raw["homologous_days"])
        return IntervalParams(
            dict(raw["homologous_days"]), raw["heterologous_days"], raw["default_days"]
        )
    if kind == "covid19_min_age":
        covid(raw["product"])
        return MinAgeParams(raw["product"], raw["min_age_years"])
    if kind == "covid19_age_product_restriction":
        covid(raw["product"], raw["recommended_instead"])
        return AgeRestrictionParams(
            raw["product"],
            raw["min_age_years"],
            raw["recommended_instead"],
            _name(catalog, raw["product"]),
            _name(catalog, raw["recommended_instead"]),
        )
    if kind == "covid19_product_use":
        covid(raw["product"])
        return ProductUseParams(raw["product"], raw["booster"], raw["heterologous"])
    if kind == "measles_requirement":
        return MeaslesRequirementParams(
            _day(raw["born_after"], where),
            raw["one_dose_from_age_years"],
            raw["two_doses_from_age_years"],
            raw["min_days_between_doses"],
            dict(raw["evidence"]),
        )
    if kind == "measles_dose":
        _products(raw["products"], catalog, where, "measles")
        return MeaslesDoseParams(raw["min_age_months"], frozenset(raw["products"]))
    raise RuleLoadError(f"{where}: unknown kind {kind!r}")  # pragma: no cover - schema enum


def _rule(raw: dict[str, Any], catalog: ProductCatalog, file: str) -> Rule[object]:
    where = f"{file}: rule {raw['id']}"
    valid_from = _day(raw["valid_from"], f"{where} valid_from")
    valid_to = None if raw["valid_to"] is None else _day(raw["valid_to"], f"{where} valid_to")
    if valid_to is not None and valid_to < valid_from:
        raise RuleLoadError(f"{where}: valid_to {valid_to} lies before valid_from {valid_from}")
    src = raw["source"]
    return Rule(
        id=raw["id"],
        family=raw["family"],
        kind=raw["kind"],
        title_de=raw["title"]["de"],
        title_en=raw["title"]["en"],
        valid_from=valid_from,
        valid_to=valid_to,
        source=Source(src["document"], _day(src["date"], f"{where} source.date"), src["seed"]),
        params=_build_params(raw["kind"], raw["params"], catalog, where),
        file=file,
    )


def _overlaps(a: Rule[object], b: Rule[object]) -> bool:
    a_end = a.valid_to or date.max
    b_end = b.valid_to or date.max
    return a.valid_from <= b_end and b.valid_from <= a_end


def _check_consistency(rules: list[Rule[object]]) -> None:
    seen: dict[str, Rule[object]] = {}
    for rule in rules:
        if rule.id in seen:
            raise RuleLoadError(f"{rule.file}: rule id {rule.id} also in {seen[rule.id].file}")
        seen[rule.id] = rule

    def slot(rule: Rule[object]) -> str:
        # Rules of one kind must not overlap: single kinds globally, product kinds per product.
        if rule.kind in PRODUCT_KINDS:
            return f"{rule.kind}:{getattr(rule.params, 'product', '')}"
        return rule.kind

    for i, rule in enumerate(rules):
        for other in rules[i + 1 :]:
            same_family = rule.family == other.family
            if (same_family or slot(rule) == slot(other)) and _overlaps(rule, other):
                raise RuleLoadError(
                    f"rules {rule.id} ({rule.file}) and {other.id} ({other.file}) overlap in time"
                )
            if same_family and rule.kind != other.kind:
                raise RuleLoadError(f"family {rule.family}: versions of different kinds")


def load_rulebook(rules_dir: Path | None = None, catalog: ProductCatalog | None = None) -> RuleBook:
    """Load, validate and index every ``*.json`` rule file in ``rules_dir``.

    The schema is read from ``rules_dir/schema.json`` if present, else from the shipped
    one, so a test can point at a temporary directory holding only rule files.
    """
    directory = rules_dir or default_rules_dir()
    catalog = catalog or get_catalog()
    schema_path = directory / SCHEMA_FILE
    if not schema_path.exists():
        schema_path = default_rules_dir() / SCHEMA_FILE
    validator = jsonschema.Draft202012Validator(json.loads(schema_path.read_text(encoding="utf-8")))
    rules: list[Rule[object]] = []
    files = sorted(p for p in directory.glob("*.json") if p.name != SCHEMA_FILE)
    if not files:
        raise RuleLoadError(f"{directory}: no rule files (*.json)")
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RuleLoadError(f"{path.name}: unreadable: {exc}") from None
        error = jsonschema.exceptions.best_match(validator.iter_errors(data))
        if error is not None:
            location = "/".join(str(part) for part in error.absolute_path) or "(top)"
            raise RuleLoadError(f"{path.name}: {location}: {error.message}")
        rules.extend(_rule(raw, catalog, path.name) for raw in data["rules"])
    _check_consistency(rules)
    return RuleBook(rules)


@lru_cache(maxsize=1)
def get_rulebook() -> RuleBook:
    """The shipped rules, loaded once per process."""
    return load_rulebook()


def validate_rules(loader: Callable[[], RuleBook] = load_rulebook) -> list[str]:
    """Start-up check: a list of problems (empty when the rule files are fine)."""
    try:
        loader()
    except (RuleLoadError, OSError, ValueError, KeyError) as exc:
        return [f"Regeldateien fehlerhaft: {exc}"]
    return []
