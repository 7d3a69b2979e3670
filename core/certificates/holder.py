"""What a scanned certificate says about its holder: status code and prefill data.

A DCC carries one event (a dose with ``dn``/``sd``, a test or a recovery), not the
person's history, so the holder's status is judged the way CovPass Check does, per
certificate, while every date-dependent number comes from the rules evaluator
(``core.rules.evaluate_person``): the 14-day wait after a completed series, the
test windows and the recovery window. For a completed multi-dose series only the last
dose's date is known; the evaluator gets that one dose with its documented dn/sd, which
count the undated earlier doses. What dn/sd mean (booster or not) is decided by
``core.rules.numbering.is_booster``, re-exported here for existing callers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from core.catalog.products import Product, get_catalog
from core.rules import evaluate_person
from core.rules.model import CovidTest, Infection, PersonDocument, Vaccination
from core.rules.numbering import is_booster as is_booster  # re-exported for old callers

#: LOINC test types -> the evaluator's test types.
TEST_TYPES = {"LP6464-4": "NAAT", "LP217198-3": "RAT"}
NEGATIVE = "260415000"


@dataclass(slots=True)
class HolderStatus:
    """Status code (design.md ``verify``) and German reasons; ``rules`` the rule ids used."""

    status: str
    reasons: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PrefillDose:
    """A dose read from a certificate, ready to be stored as a ``nachtrag_zertifikat``."""

    date: date
    product_key: str
    dose_number: int
    series_total: int
    uvci: str
    country: str


@dataclass(frozen=True, slots=True)
class Prefill:
    """Person fields and doses from a certificate, for "übernehmen" in the scan page."""

    family_name: str
    given_name: str
    birth_date: date | None
    doses: tuple[PrefillDose, ...]
    problems: tuple[str, ...] = ()


def parse_dob(text: Any) -> date | None:
    """``YYYY-MM-DD`` only; partial birth dates (``1964``, ``1964-01``) give None."""
    if not isinstance(text, str) or len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _birth_for_rules(dob: Any) -> date:
    """The evaluator needs a birth date; a partial one counts from its first possible day."""
    full = parse_dob(dob)
    if full:
        return full
    if isinstance(dob, str) and len(dob) >= 4 and dob[:4].isdigit():
        month = int(dob[5:7]) if len(dob) >= 7 and dob[5:7].isdigit() else 1
        return date(int(dob[:4]), min(max(month, 1), 12), 1)
    return date(1900, 1, 1)


def _day(text: Any) -> date | None:
    if not isinstance(text, str):
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _moment(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz=None).replace(tzinfo=None)
    return moment


def _covid_product(mp: Any) -> Product | None:
    product = get_catalog().resolve(mp) if isinstance(mp, str) else None
    return product if product is not None and product.disease == "covid19" else None


def _vaccination(entry: dict[str, Any], birth: date, at: datetime) -> HolderStatus:
    dn, sd, day = entry.get("dn"), entry.get("sd"), _day(entry.get("dt"))
    if not isinstance(dn, int) or not isinstance(sd, int) or day is None:
        return HolderStatus("ungueltig", ["Impfeintrag unvollständig (dn, sd oder dt fehlt)."])
    if day > at.date():
        return HolderStatus("ungueltig", [f"Impfdatum {day:%d.%m.%Y} liegt nach dem Prüftag."])
    product = _covid_product(entry.get("mp"))
    if product is None:
        return HolderStatus("unvollstaendig", [
            f"Nicht zugelassener Impfstoff ({entry.get('mp')}): zählt in Deutschland nicht."])
    if dn < sd:
        return HolderStatus("unvollstaendig", [
            f"Impfserie unvollständig: Dosis {dn} von {sd} ({product.name}, {day:%d.%m.%Y})."])
    if is_booster(dn, sd):
        return HolderStatus("auffrischung", [
            f"Auffrischimpfung: Dosis {dn}/{sd} ({product.name}) vom {day:%d.%m.%Y}."])
    if sd == 1 and product.standard_doses > 1:
        return HolderStatus("vollstaendig", [
            f"Impfung nach Genesung (1/1, {product.name}) vom {day:%d.%m.%Y}: vollständig."])
    dose = Vaccination(day, product, documented=(dn, sd))
    covid = evaluate_person(PersonDocument(birth, vaccinations=(dose,)), at).covid19
    rules = list(covid.rules)
    if covid.status == "geimpft":
        since = f" seit {covid.protected_from:%d.%m.%Y}" if covid.protected_from else ""
        return HolderStatus("vollstaendig", [
            f"Grundimmunisierung vollständig ({dn}/{sd}, {product.name}){since}."], rules)
    if covid.series_complete and covid.protected_from:
        return HolderStatus("unvollstaendig", [
            f"Grundimmunisierung {dn}/{sd} vom {day:%d.%m.%Y}: Impfschutz erst ab "
            f"{covid.protected_from:%d.%m.%Y}."], rules)
    return HolderStatus("unvollstaendig", list(covid.reasons) or ["Impfschutz unvollständig."],
                        rules)


def _test(entry: dict[str, Any], birth: date, at: datetime) -> HolderStatus:
    kind = TEST_TYPES.get(str(entry.get("tt")))
    taken = _moment(entry.get("sc"))
    if kind is None or taken is None:
        return HolderStatus("ungueltig", ["Testart oder Testzeitpunkt nicht lesbar."])
    if entry.get("tr") != NEGATIVE:
        return HolderStatus("ungueltig", [f"Testergebnis positiv ({kind} vom {taken:%d.%m.%Y})."])
    test = CovidTest(taken, kind, negative=True)
    covid = evaluate_person(PersonDocument(birth, tests=(test,)), at).covid19
    rules = list(covid.rules)
    if covid.status == "getestet":
        return HolderStatus("getestet", [
            f"Negativer {kind}-Test vom {taken:%d.%m.%Y %H:%M}."], rules)
    reasons = [r for r in covid.reasons if "Test" in r] or ["Test ist nicht mehr gültig."]
    return HolderStatus("ungueltig", reasons, rules)


def _recovery(entry: dict[str, Any], birth: date, at: datetime) -> HolderStatus:
    positive = _day(entry.get("fr"))
    if positive is None:
        return HolderStatus("ungueltig", ["Datum des positiven Tests (fr) fehlt."])
    infection = Infection(positive, "PCR")
    covid = evaluate_person(PersonDocument(birth, infections=(infection,)), at).covid19
    rules = list(covid.rules)
    if covid.status == "genesen":
        return HolderStatus("genesen", [f"Genesen: positiver Test vom {positive:%d.%m.%Y}."],
                            rules)
    reasons = [r for r in covid.reasons if "Infektion" in r or "genesen" in r.lower()]
    return HolderStatus("ungueltig", reasons or ["Genesenennachweis gilt am Prüftag nicht."],
                        rules)


def holder_status(payload: dict[str, Any], at: datetime) -> HolderStatus:
    """Status of the certificate's holder at ``at`` (naive local time)."""
    birth = _birth_for_rules(payload.get("dob"))
    for key, judge in (("v", _vaccination), ("t", _test), ("r", _recovery)):
        entries = payload.get(key)
        if isinstance(entries, list) and entries and isinstance(entries[0], dict):
            try:
                return judge(entries[0], birth, at)
            except Exception as exc:  # the rules must never crash a scan
                return HolderStatus("ungueltig", [f"Regelprüfung nicht möglich ({exc})."])
    return HolderStatus("ungueltig", ["Zertifikat enthält weder Impfung, Test noch Genesung."])


def prefill(payload: dict[str, Any]) -> Prefill:
    """Name, birth date and doses from a verified payload (the scan page's "übernehmen")."""
    nam = payload.get("nam") if isinstance(payload.get("nam"), dict) else {}
    assert isinstance(nam, dict)
    family = str(nam.get("fn") or nam.get("fnt") or "").strip()
    given = str(nam.get("gn") or nam.get("gnt") or "").strip()
    problems: list[str] = []
    birth = parse_dob(payload.get("dob"))
    if birth is None:
        problems.append("Geburtsdatum im Zertifikat unvollständig; bitte ergänzen.")
    doses: list[PrefillDose] = []
    for entry in payload.get("v") or []:
        if not isinstance(entry, dict):
            continue
        product = _covid_product(entry.get("mp"))
        day = _day(entry.get("dt"))
        if product is None or day is None:
            problems.append(f"Impfstoff {entry.get('mp')} ist nicht im Katalog; "
                            "Dosis nicht übernommen.")
            continue
        doses.append(PrefillDose(day, product.key, int(entry.get("dn") or 1),
                                 int(entry.get("sd") or 1), str(entry.get("ci") or ""),
                                 str(entry.get("co") or "")))
    return Prefill(family, given, birth, tuple(doses), tuple(problems))
