"""Issue 11, defects 1–8 at the use-case level: each test fails without its fix.

Every rule-dependent test gives its dates explicitly (visits in 2021).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.catalog.forms import form_for
from core.certificates.holder import Prefill, PrefillDose
from core.db.engine import Database
from core.db.models import Vaccination, Visit
from core.errors import ValidationError
from core.services.context import Actor
from core.services.persons import PersonInput, create_person
from core.usecases.assessment import assess, load_record
from core.usecases.dose_form import dose_form
from core.usecases.doses import (
    BackEntryRequest,
    DoseRequest,
    record_backentry,
    record_dose,
)
from core.usecases.registration import DuplicateError, adopt_certificate, register_person
from core.usecases.visit_rules import add_team_member, remove_team_member, start_visit
from tests.core.usecases.conftest import Day, make_day

ALL = tuple(item.key for item in form_for("covid19", date(2021, 12, 1)).items)
FORM = form_for("covid19", date(2021, 12, 1)).label


def person(db: Database, actor: Actor, family: str = "Schulz", birth: date = date(1995, 3, 1),
           given: str = "Lena") -> str:
    with db.session() as s:
        return create_person(s, actor, PersonInput(family, given, birth)).id


def request(day: Day, person_id: str, **kw: object) -> DoseRequest:
    values: dict[str, object] = dict(
        person_id=person_id, visit_id=day.visit_id, product="Comirnaty",
        lot_id=day.comirnaty_lot, vaccinator_id=day.nurse_id, physician_id=day.doctor_id,
        form=FORM, confirmed=ALL)
    values.update(kw)
    return DoseRequest(**values)  # type: ignore[arg-type]


# -- 1: a certificate's dose is adopted, and the rules see what dn/sd documents ---------
def test_adopting_a_2_of_2_certificate_stores_the_dose_and_counts_the_series(
        db: Database, actor: Actor) -> None:
    data = Prefill("Papadopoulou", "Eleni", date(1988, 7, 9),
                   (PrefillDose(date(2021, 6, 1), "EU/1/20/1528", 2, 2, "URN:UVCI:01DE/X", "DE"),))
    with db.session() as s:
        adopted = adopt_certificate(s, actor, data, date(2021, 12, 20)).value
    assert adopted.created_person and len(adopted.dose_ids) == 1
    with db.session() as s:
        dose = s.get_one(Vaccination, adopted.dose_ids[0])
        assert (dose.source, dose.dose_number, dose.series_total) == ("nachtrag_zertifikat", 2, 2)
        assert load_record(s, adopted.person_id, date(2021, 6, 15)).status.covid19.status \
            == "unvollstaendig"
        status = load_record(s, adopted.person_id, date(2021, 6, 16)).status.covid19
        assert status.status == "geimpft" and status.protected_from == date(2021, 6, 16)
        suggestion = assess(load_record(s, adopted.person_id, date(2021, 12, 20)),
                            "Comirnaty", date(2021, 12, 20))
    assert (suggestion.dose_number, suggestion.series_total, suggestion.booster) == (3, 3, True)


# -- 2: the preselected product is one the rules do not warn about ---------------------
def test_spikevax_is_not_preselected_for_a_26_year_old(db: Database, actor: Actor,
                                                       day_2021: Day) -> None:
    young = person(db, actor, birth=date(1995, 3, 1))
    with db.session() as s:  # an earlier Spikevax dose made Spikevax "the previous product"
        record_backentry(s, actor, BackEntryRequest(young, date(2021, 6, 1), "Spikevax",
                                                    "nachtrag_impfpass", "", 1, 2), day_2021.on)
        form = dose_form(s, young, day_2021.visit_id, day_2021.on, day_2021.nurse_id)
    spikevax = form.product("EU/1/20/1507")
    assert spikevax is not None and any("Comirnaty" in w for w in spikevax.warnings)
    assert form.suggested_product == "EU/1/20/1528"
    assert not form.product(form.suggested_product).warnings  # type: ignore[union-attr]


# -- 3: the performing vaccinator is the signed-in person, or refused -------------------
def test_vaccinator_must_be_on_the_team(db: Database, actor: Actor, day_2021: Day) -> None:
    someone = person(db, actor, birth=date(1960, 1, 1))
    with db.session() as s:
        own = dose_form(s, someone, day_2021.visit_id, day_2021.on, day_2021.nurse_id)
        other = dose_form(s, someone, day_2021.visit_id, day_2021.on, day_2021.outsider_id)
    assert own.defaults.vaccinator_id == day_2021.nurse_id and not own.vaccinator_must_choose
    assert other.defaults.vaccinator_id is None and other.vaccinator_must_choose
    with pytest.raises(ValidationError, match="gehört nicht zum Team"), db.session() as s:
        record_dose(s, actor, request(day_2021, someone, vaccinator_id=day_2021.outsider_id),
                    day_2021.on)
    with pytest.raises(ValidationError, match="Impfende/r: bitte auswählen"), \
            db.session() as s:  # no silent fallback to the physician
        record_dose(s, actor, request(day_2021, someone, vaccinator_id=None), day_2021.on)
    with db.session() as s:  # a stand-in added to the team may vaccinate
        add_team_member(s, actor, day_2021.visit_id, "a.yilmaz")
        dose = record_dose(s, actor, request(day_2021, someone,
                                             vaccinator_id=day_2021.outsider_id),
                           day_2021.on).value
        assert dose.vaccinator_id == day_2021.outsider_id
        remove_team_member(s, actor, day_2021.visit_id, "a.yilmaz")
    second = person(db, actor, "Wiśniewski", date(1961, 2, 2), "Jan")
    with pytest.raises(ValidationError, match="gehört nicht zum Team"), db.session() as s:
        record_dose(s, actor, request(day_2021, second, vaccinator_id=day_2021.outsider_id),
                    day_2021.on)


# -- 4: doses only on an active visit of today; starting a visit --------------------------
def test_doses_only_on_an_active_visit_on_its_date(db: Database, actor: Actor) -> None:
    on = date(2021, 12, 1)
    planned = make_day(db, actor, on, status="geplant")
    someone = person(db, actor, birth=date(1960, 1, 1))
    with pytest.raises(ValidationError, match="noch nicht begonnen"), db.session() as s:
        record_dose(s, actor, request(planned, someone), on)
    with pytest.raises(ValidationError, match="nur an diesem Tag"), db.session() as s:
        start_visit(s, actor, planned.visit_id, on - timedelta(days=1))
    with db.session() as s:
        start_visit(s, actor, planned.visit_id, on)
        assert s.get_one(Visit, planned.visit_id).status == "aktiv"
    with pytest.raises(ValidationError, match="nur am Einsatztag"), db.session() as s:
        record_dose(s, actor, request(planned, someone), on - timedelta(days=1))  # tomorrow's
    with db.session() as s:
        record_dose(s, actor, request(planned, someone), on)
        s.get_one(Visit, planned.visit_id).status = "abgeschlossen"
    other = person(db, actor, "Ünal", date(1970, 5, 5), "Emre")
    with pytest.raises(ValidationError, match="abgeschlossen"), db.session() as s:
        record_dose(s, actor, request(planned, other), on)


# -- 5: a likely duplicate needs a second confirmation --------------------------------
def test_registering_a_likely_duplicate_needs_confirmation(db: Database, actor: Actor) -> None:
    data = PersonInput("Müller", "Anna", date(1980, 4, 10))
    with db.session() as s:
        register_person(s, actor, data, date(2021, 12, 1))
    with pytest.raises(DuplicateError, match="Wahrscheinlich schon registriert") as caught, \
            db.session() as s:
        register_person(s, actor, PersonInput("Mueller", "Anna", date(1980, 4, 10)),
                        date(2021, 12, 1))
    assert caught.value.hits and caught.value.hits[0].score >= 85
    with db.session() as s:
        written = register_person(s, actor, PersonInput("Mueller", "Anna", date(1980, 4, 10)),
                                  date(2021, 12, 1), force_duplicate=True)
    assert written.value.duplicates and written.changes.persons


# -- 6: back-entries checked against known lots and the stored series ----------------------
def test_backentry_with_a_known_expired_lot_needs_a_reason(db: Database, actor: Actor,
                                                           day_2021: Day) -> None:
    someone = person(db, actor, birth=date(1960, 1, 1))
    late = date(2022, 6, 1)  # the Comirnaty lot FK1234 expired on 01.03.2022
    entry = BackEntryRequest(someone, late, "Comirnaty", "nachtrag_impfpass", "FK1234", 1, 2)
    with pytest.raises(ValidationError, match="bereits abgelaufen"), db.session() as s:
        record_backentry(s, actor, entry, date(2022, 7, 1))
    entry.confirm_reason = "Impfpass geprüft, Charge so eingetragen"
    with db.session() as s:
        dose = record_backentry(s, actor, entry, date(2022, 7, 1)).value
        assert dose.override_reason.startswith("Impfpass geprüft")


def test_backentry_contradicting_the_stored_series_needs_a_reason(db: Database,
                                                                  actor: Actor) -> None:
    someone = person(db, actor, birth=date(1960, 1, 1))
    with db.session() as s:
        record_backentry(s, actor, BackEntryRequest(someone, date(2021, 6, 1), "Comirnaty",
                                                    "nachtrag_impfpass", "", 2, 2),
                         date(2021, 12, 1))
    late_first = BackEntryRequest(someone, date(2021, 8, 1), "Comirnaty", "nachtrag_impfpass",
                                  "", 1, 2)
    with pytest.raises(ValidationError, match="widerspricht"), db.session() as s:
        record_backentry(s, actor, late_first, date(2021, 12, 1))
    late_first.confirm_reason = "so im Impfpass"
    with db.session() as s:
        record_backentry(s, actor, late_first, date(2021, 12, 1))


# -- 7: one booster decision for every source --------------------------------------------
@pytest.mark.parametrize("source", ["nachtrag_impfpass", "nachtrag_zertifikat"])
def test_a_3_of_3_backentry_is_a_booster_whatever_its_source(db: Database, actor: Actor,
                                                             source: str) -> None:
    someone = person(db, actor, birth=date(1960, 1, 1))
    with db.session() as s:
        dose = record_backentry(s, actor, BackEntryRequest(someone, date(2021, 12, 1),
                                                           "Comirnaty", source, "", 3, 3),
                                date(2021, 12, 20)).value
        assert dose.booster


# -- 8: consent items, form version, Anamnese and the warning override in core -----------
def test_consent_form_and_items_are_checked_and_stored(db: Database, actor: Actor,
                                                       day_2021: Day) -> None:
    someone = person(db, actor, birth=date(1960, 1, 1))
    with pytest.raises(ValidationError, match="gilt"), db.session() as s:
        record_dose(s, actor, request(day_2021, someone, form="aufklaerung_covid19:2020-01"),
                    day_2021.on)
    with pytest.raises(ValidationError, match="nicht vollständig bestätigt"), \
            db.session() as s:
        record_dose(s, actor, request(day_2021, someone, confirmed=ALL[:-1]), day_2021.on)
    with db.session() as s:
        dose = record_dose(s, actor, request(
            day_2021, someone, anamnesis={"schwangerschaft": "nein"}), day_2021.on).value
        assert json.loads(dose.consent_items) == list(ALL)
        answers = {a["key"]: (a["answer"], a["form"]) for a in json.loads(dose.anamnesis)}
        assert answers == {"schwere_allergie": ("nein", FORM), "schwangerschaft": ("nein", FORM)}


def test_warnings_need_an_override_reason(db: Database, actor: Actor, day_2021: Day) -> None:
    young = person(db, actor, birth=date(1995, 3, 1))
    spikevax = request(day_2021, young, product="Spikevax", lot_id=day_2021.spikevax_lot)
    with pytest.raises(ValidationError, match="unter 30 Jahren"), db.session() as s:
        record_dose(s, actor, spikevax, day_2021.on)
    allergic = request(day_2021, young, anamnesis={"schwere_allergie": "ja"})
    with pytest.raises(ValidationError, match="allergische Reaktion"), db.session() as s:
        record_dose(s, actor, allergic, day_2021.on)
    spikevax.override_reason = "ausdrücklicher Wunsch nach Aufklärung"
    with db.session() as s:
        dose = record_dose(s, actor, spikevax, day_2021.on).value
        assert dose.override_reason == "ausdrücklicher Wunsch nach Aufklärung"
        assert s.scalars(select(Vaccination)).all()


def test_no_recommendation_is_information_not_a_warning(db: Database, actor: Actor,
                                                        day_2021: Day) -> None:
    someone = person(db, actor, birth=date(1960, 1, 1))
    with db.session() as s:
        for number, day in ((1, date(2021, 3, 1)), (2, date(2021, 4, 1)),
                            (3, date(2021, 11, 1))):
            record_backentry(s, actor, BackEntryRequest(
                someone, day, "Comirnaty", "nachtrag_impfpass", "", number, max(number, 2)),
                day_2021.on)
        form = dose_form(s, someone, day_2021.visit_id, day_2021.on, day_2021.nurse_id)
    assert not form.blocked
    assert any(r.startswith("Information:") and "keine Empfehlung" in r for r in form.reasons)
    for choice in form.products:
        assert not any("Empfehlung" in w for w in choice.warnings)
    assert form.defaults.indication == "alter" and form.defaults.injection_site == "oa_links"


def test_cards_and_closing(db: Database, actor: Actor, day_2021: Day) -> None:
    from core.usecases.cards import person_card, visit_card
    from core.usecases.visit_rules import close_visit

    someone = person(db, actor, birth=date(1960, 1, 1))
    with db.session() as s:
        dose = record_dose(s, actor, request(day_2021, someone), day_2021.on).value
        card = person_card(s, someone, day_2021.on).to_json()
        visit = visit_card(s, day_2021.visit_id, day_2021.on)
    assert card["doses"][0]["id"] == dose.id and card["doses"][0]["consent_items"] == list(ALL)
    assert card["status"]["covid19"]["status"] == "unvollstaendig"
    assert {m["login"] for m in visit["team"]} == {"e.wagner", "t.koch", "d.unal"}
    assert {lot["number"] for lot in visit["lots"]} == {"FK1234", "SPX77"}
    with pytest.raises(ValidationError, match="Grund"), db.session() as s:
        close_visit(s, actor, day_2021.visit_id, [("FK1234", 2, "")])
    with db.session() as s:
        closed = close_visit(s, actor, day_2021.visit_id, [("FK1234", 2, "Rest der Ampulle")])
    assert closed.value.doses_by_product == {"Comirnaty": 1}
    assert closed.value.discards[0]["doses"] == 2


def test_opening_the_dose_form_evaluates_the_rules_once(
        db: Database, actor: Actor, day_2021: Day, monkeypatch: pytest.MonkeyPatch) -> None:
    """The old dialog evaluated three times and walked the merge chain eight times."""
    import core.services.person_status as person_status
    import core.usecases.assessment as assessment

    someone = person(db, actor, birth=date(1960, 1, 1))
    calls = {"evaluate": 0, "walk": 0}
    real_eval, real_walk = assessment.evaluate_person, person_status.person_ids

    def evaluate(*args: object) -> object:
        calls["evaluate"] += 1
        return real_eval(*args)  # type: ignore[arg-type]

    def walk(*args: object) -> object:
        calls["walk"] += 1
        return real_walk(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(assessment, "evaluate_person", evaluate)
    monkeypatch.setattr(assessment, "person_ids", walk)
    monkeypatch.setattr(person_status, "person_ids", walk)
    with db.session() as s:
        form = dose_form(s, someone, day_2021.visit_id, day_2021.on, day_2021.nurse_id)
    assert len(form.products) == 2  # both products assessed ...
    assert calls == {"evaluate": 1, "walk": 1}  # ... with one evaluation and one walk
