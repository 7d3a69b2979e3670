"""Rule files: schema and consistency checks, and new rule versions added only as JSON."""

from __future__ import annotations

import ast
import copy
import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from core.rules import RuleLoadError, evaluate_person, load_rulebook, parse_person_document
from core.rules.loader import default_rules_dir, get_rulebook, validate_rules
from tests.core.rules.helpers import person

ROOT = Path(__file__).resolve().parents[3]
RULES_PKG = ROOT / "core" / "rules"


def _copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), target)
    return target


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_shipped_rules_load_and_validate() -> None:
    book = load_rulebook()
    assert len(book.rules) >= 20
    assert validate_rules() == []
    assert get_rulebook() is get_rulebook()  # loaded once, cached
    for rule in book.rules:
        assert rule.source.document and rule.title_de and rule.title_en


def test_rule_snapshot_switches_on_valid_from() -> None:
    book = load_rulebook()
    assert book.on(date(2021, 12, 20)).booster.id == "covid19-auffrischung-2021-11-18"  # type: ignore[union-attr]
    assert book.on(date(2021, 12, 21)).booster.id == "covid19-auffrischung-2021-12-21"  # type: ignore[union-attr]
    assert book.on(date(2021, 5, 8)).vaccinated is None
    assert book.on(date(2021, 5, 9)).vaccinated is not None


def _series_rule_v3(data: dict[str, Any]) -> None:
    """A made-up future version: Comirnaty needs 3 doses from 01.03.2022."""
    rules = data["rules"]
    current = next(r for r in rules if r["id"] == "covid19-grundimmunisierung-2022-01-15")
    current["valid_to"] = "2022-02-28"
    new = copy.deepcopy(current)
    new["id"] = "covid19-grundimmunisierung-test-2022-03-01"
    new["valid_from"] = "2022-03-01"
    new["valid_to"] = None
    new["params"]["doses_required_override"]["EU/1/20/1528"] = 3
    rules.append(new)


def test_new_rule_version_as_json_changes_verdict_from_valid_from(tmp_path: Path) -> None:
    rules_dir = _copy_rules(tmp_path)
    _edit(rules_dir / "covid19_series.json", _series_rule_v3)
    (rules_dir / "schema.json").unlink()  # the loader falls back to the shipped schema
    book = load_rulebook(rules_dir)
    doc = parse_person_document(
        person(doses=(("2021-05-03", "Comirnaty"), ("2021-06-01", "Comirnaty")))
    )
    before = evaluate_person(doc, date(2022, 2, 28), book).covid19
    after = evaluate_person(doc, date(2022, 3, 1), book).covid19
    shipped = evaluate_person(doc, date(2022, 3, 1)).covid19
    assert before.series_complete and before.status == "geimpft"
    assert not after.series_complete and after.status == "unvollstaendig"
    assert "covid19-grundimmunisierung-test-2022-03-01" in after.rules
    assert shipped.series_complete  # the shipped rules are untouched


def test_new_measles_version_as_json(tmp_path: Path) -> None:
    rules_dir = _copy_rules(tmp_path)

    def stricter(data: dict[str, Any]) -> None:
        old = data["rules"][0]
        old["valid_to"] = "2030-12-31"
        new = copy.deepcopy(old)
        new["id"] = "masern-nachweispflicht-test-2031-01-01"
        new["valid_from"] = "2031-01-01"
        new["valid_to"] = None
        new["params"]["born_after"] = "1960-12-31"
        data["rules"].append(new)

    _edit(rules_dir / "measles.json", stricter)
    book = load_rulebook(rules_dir)
    doc = parse_person_document(person(birth="1965-01-01"))
    assert not evaluate_person(doc, date(2030, 12, 31), book).measles.required
    assert evaluate_person(doc, date(2031, 1, 1), book).measles.required


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        ("covid19_status.json", lambda d: d["rules"][0].pop("source"), "source"),
        (
            "covid19_status.json",
            lambda d: d["rules"][0].update(valid_from="2021-02-31"),
            "calendar date",
        ),
        (
            "covid19_status.json",
            lambda d: d["rules"][0].update(valid_from="9.5.2021"),
            "does not match",
        ),
        (
            "covid19_status.json",
            lambda d: d["rules"][0].update(valid_to="2021-01-01"),
            "before valid_from",
        ),
        (
            "covid19_status.json",
            lambda d: d["rules"][0]["params"].update(min_full_days_after_last_dose=-1),
            "minimum",
        ),
        ("covid19_status.json", lambda d: d["rules"][0]["params"].update(extra=1), "extra"),
        ("covid19_status.json", lambda d: d["rules"][0].update(kind="covid19_magic"), "kind"),
        ("covid19_status.json", lambda d: d["rules"][1].update(id=d["rules"][0]["id"]), "also in"),
        ("covid19_status.json", lambda d: d["rules"][3].update(valid_to="2021-12-01"), "overlap"),
        (
            "covid19_products.json",
            lambda d: d["rules"][1]["params"].update(product="EU/9/99/9999"),
            "not in products.json",
        ),
        (
            "measles.json",
            lambda d: d["rules"][1]["params"]["products"].append("EU/1/20/1528"),
            "not a measles vaccine",
        ),
    ],
)
def test_broken_rule_files_are_rejected(
    tmp_path: Path, file: str, change: Any, message: str
) -> None:
    rules_dir = _copy_rules(tmp_path)
    _edit(rules_dir / file, change)
    with pytest.raises(RuleLoadError, match=message) as info:
        load_rulebook(rules_dir)
    assert file in str(info.value) or "rules " in str(info.value)
    assert validate_rules(lambda: load_rulebook(rules_dir))[0].startswith("Regeldateien fehlerhaft")


def test_unreadable_and_empty_rule_dirs(tmp_path: Path) -> None:
    with pytest.raises(RuleLoadError, match="no rule files"):
        load_rulebook(tmp_path)
    (tmp_path / "bad.json").write_text("{nope", encoding="utf-8")
    with pytest.raises(RuleLoadError, match="unreadable"):
        load_rulebook(tmp_path)


def test_no_dates_or_rule_numbers_as_literals_in_rules_code() -> None:
    """Dates and durations must come from JSON: no date()/timedelta() with literal numbers,
    no date-like strings in core/rules."""
    date_text = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\.\d{1,2}\.\d{4}\b")
    for path in RULES_PKG.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        }
        assert docstrings  # every module has a docstring the scan skips
        for node in ast.walk(tree):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and id(node) not in docstrings:
                text = str(getattr(node, "value", ""))
                assert not date_text.search(text), f"{path.name}: {text!r}"
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                if name in {"date", "datetime", "timedelta", "time", "relativedelta"}:
                    args = [*node.args, *(k.value for k in node.keywords)]
                    # 0 and 1 are units (ONE_DAY), not rule numbers
                    literal = [
                        a for a in args if isinstance(a, ast.Constant) and a.value not in (0, 1)
                    ]
                    assert not literal, f"{path.name}:{node.lineno}: {name}() with a literal"


def test_rules_package_is_pure() -> None:
    """core.rules must not pull in Qt, the GUI or SQLAlchemy (design.md layers)."""
    probe = (
        "import sys, core.rules; "
        "print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('PySide6', 'ui', 'sqlalchemy')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout


def test_docs_name_every_rule() -> None:
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in load_rulebook().rules:
        assert rule.id in docs, rule.id
