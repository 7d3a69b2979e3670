"""The dose form's read model: everything the dialog (or ``dose suggest``) shows.

The widget only displays this and sends back what the user chose; every default and
every preselection is decided here: the product (one the rules do not warn about,
wherever such a product is in stock), its lot (the earliest expiry), dose numbers and
booster flag, indication and injection site, vaccinator and physician, the consent form
in force and the Anamnese defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from core.catalog.forms import ConsentForm, form_for
from core.catalog.products import get_catalog
from core.db.models import Person, Visit
from core.rules import StatusResult
from core.services import records
from core.services.dose_checks import PHYSICIAN_ROLES, VACCINATOR_ROLES, dose_day_problem
from core.services.field_day import LotOnHand, TeamMember, lots_on_hand, team
from core.usecases.assessment import assess, load_record

DEFAULT_INJECTION_SITE = "oa_links"


def default_indication(target_group: str) -> str:
    """§ 7 CoronaImpfV indication: Jobcenter staff are vaccinated for their job."""
    return "beruf" if target_group == "jobcenter_personal" else "alter"


@dataclass(frozen=True, slots=True)
class ProductChoice:
    key: str
    name: str
    disease: str
    lots: list[LotOnHand]
    dose_number: int
    series_total: int
    booster: bool
    warnings: list[str]


@dataclass(frozen=True, slots=True)
class DoseDefaults:
    indication: str
    injection_site: str
    vaccinator_id: str | None
    physician_id: str | None
    informed_by_id: str | None
    anamnesis: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DoseForm:
    person_id: str
    family_name: str
    given_name: str
    birth_date: date
    visit_id: str
    on: date
    status: StatusResult
    team: list[TeamMember]
    products: list[ProductChoice]
    suggested_product: str | None
    defaults: DoseDefaults
    #: True when the signed-in person is not a vaccinator of this visit: the form asks.
    vaccinator_must_choose: bool
    #: '' or why no dose can be recorded here (visit not active today, no usable lot).
    blocked: str
    #: Status reasons plus information such as "no recommendation on this date".
    reasons: list[str]

    def product(self, key: str | None) -> ProductChoice | None:
        return next((p for p in self.products if p.key == key), None)

    def consent_form(self, key: str | None) -> ConsentForm | None:
        choice = self.product(key)
        return form_for(choice.disease, self.on) if choice else None

    def members(self, roles: tuple[str, ...]) -> list[TeamMember]:
        return [m for m in self.team if m.role in roles]


def _pick_product(products: list[ProductChoice], previous: str | None) -> str | None:
    """The previous product when it raises no warning, else the first one that doesn't."""
    clean = [p for p in products if not p.warnings]
    for pool in (clean, products):
        for choice in pool:
            if choice.key == previous:
                return choice.key
        if pool:
            return pool[0].key
    return None


def _information(status: StatusResult, on: date) -> list[str]:
    covid = status.covid19
    if covid.series_complete and covid.next_dose_earliest is None:
        return [f"Information: Für diese Person gibt es am {on:%d.%m.%Y} keine "
                "Empfehlung für eine weitere COVID-19-Impfung."]
    return []


def dose_form(session: Session, person_id: str, visit_id: str, on: date,
              signed_in_staff_id: str | None = None) -> DoseForm:
    """Read model for recording a dose for ``person_id`` at ``visit_id`` on ``on``."""
    record = load_record(session, person_id, on)
    assert record.status is not None
    person = records.find(session, Person, record.person_id)
    visit = records.find(session, Visit, visit_id)
    members = team(session, visit.id)
    usable = [lot for lot in lots_on_hand(session, visit.id, on) if lot.usable]
    catalog = get_catalog()
    products: list[ProductChoice] = []
    for key in dict.fromkeys(lot.usage.product_key for lot in usable):
        assessment = assess(record, key, on)
        lots = sorted((lot for lot in usable if lot.usage.product_key == key),
                      key=lambda lot: (lot.usage.expiry_date, lot.usage.lot_number))
        item = catalog.require(key)
        products.append(ProductChoice(key, item.name, item.disease, lots,
                                      assessment.dose_number, assessment.series_total,
                                      assessment.booster, assessment.warnings))
    covid_doses = record.doses_of("covid19")
    previous = covid_doses[-1].product_key if covid_doses else None
    vaccinators = [m.staff_id for m in members if m.role in VACCINATOR_ROLES]
    physicians = [m.staff_id for m in members if m.role in PHYSICIAN_ROLES]
    vaccinator = signed_in_staff_id if signed_in_staff_id in vaccinators else None
    physician = (signed_in_staff_id if signed_in_staff_id in physicians
                 else physicians[0] if physicians else None)
    suggested = _pick_product(products, previous)
    chosen = next((p for p in products if p.key == suggested), None)
    answers = ({q.key: q.default for q in form_for(chosen.disease, on).anamnesis}
               if chosen else {})
    defaults = DoseDefaults(default_indication(person.target_group), DEFAULT_INJECTION_SITE,
                            vaccinator, physician, physician, answers)
    blocked = dose_day_problem(visit, on)
    if not blocked and not products:
        blocked = "Keine verwendbare Charge für diesen Einsatz (abgelaufen oder aufgebraucht)."
    status = record.status
    reasons = list(status.covid19.reasons) + _information(status, on)
    return DoseForm(person.id, person.family_name, person.given_name, person.birth_date,
                    visit.id, on, status, members, products, suggested, defaults,
                    vaccinator is None, blocked, reasons)
