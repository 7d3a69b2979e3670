"""Read models with the CLI's JSON shapes: a person with doses and status, a visit's day.

The GUI shows the same dataclasses; ``to_json`` gives the shapes of docs/architecture.md
(``persons show``, ``visits show``, ``dose record``), so the contract lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import Vaccination, Visit
from core.rules import StatusResult, evaluate_person
from core.services import records
from core.services.field_day import LotOnHand, TeamMember, lots_on_hand, team
from core.services.person_status import person_document, person_ids
from core.services.persons import resolve_person
from core.services.visits import list_visits
from core.usecases.consent import stored_answers, stored_items


def dose_json(dose: Vaccination) -> dict[str, Any]:
    """One dose as ``persons show`` and ``dose record`` print it."""
    return {
        "id": dose.id, "date": dose.date.isoformat(), "product": dose.product_key,
        "dose_number": dose.dose_number, "series_total": dose.series_total,
        "booster": dose.booster, "lot_number": dose.lot_number, "visit_id": dose.visit_id,
        "source": dose.source, "voided": dose.is_voided,
        "void_reason": dose.void_reason or None, "vaccinator_id": dose.vaccinator_id,
        "physician_id": dose.physician_id, "informed_by_id": dose.informed_by_id,
        "consent_items": stored_items(dose.consent_items),
        "anamnesis": stored_answers(dose.anamnesis), "form_version": dose.form_version,
        "override_reason": dose.override_reason or None,
        "indication": dose.indication, "injection_site": dose.injection_site,
    }


@dataclass(frozen=True, slots=True)
class PersonCard:
    person: dict[str, Any]
    doses: list[dict[str, Any]]
    status: StatusResult

    def to_json(self) -> dict[str, Any]:
        return {"person": self.person, "doses": self.doses, "status": self.status.to_dict()}


def person_card(session: Session, person_id: str, on: date) -> PersonCard:
    person = resolve_person(session, person_id)
    ids = person_ids(session, person.id)
    doses = session.scalars(select(Vaccination).where(Vaccination.person_id.in_(ids))
                            .order_by(Vaccination.date, Vaccination.dose_number)).all()
    status = evaluate_person(person_document(session, person.id), on)
    data = {
        "id": person.id, "external_id": person.external_id, "family_name": person.family_name,
        "given_name": person.given_name, "birth_date": person.birth_date.isoformat(),
        "sex": person.sex, "street": person.street, "postcode": person.postcode,
        "city": person.city, "district_ags": person.district_ags, "phone": person.phone,
        "target_group": person.target_group, "notes": person.notes,
        "merged_from": [i for i in ids if i != person.id],
    }
    return PersonCard(data, [dose_json(d) for d in doses], status)


def _member_json(member: TeamMember, logins: dict[str, str]) -> dict[str, Any]:
    return {"id": member.staff_id, "login": logins.get(member.staff_id, ""),
            "name": member.name, "role": member.role}


def team_json(session: Session, visit_id: str) -> list[dict[str, Any]]:
    from core.db.models import Staff

    members = team(session, visit_id)
    logins = dict(session.execute(select(Staff.id, Staff.login).where(
        Staff.id.in_([m.staff_id for m in members]))).all())
    return [_member_json(m, logins) for m in members]


def _lot_json(lot: LotOnHand) -> dict[str, Any]:
    u = lot.usage
    return {"id": u.lot_id, "number": u.lot_number, "product": u.product_key,
            "expiry": u.expiry_date.isoformat(), "doses_left": u.left,
            "usable": lot.usable, "reason": lot.reason or None}


def visit_card(session: Session, visit_id: str, on: date) -> dict[str, Any]:
    """``visits show``: the ``visits list`` fields plus team and lots."""
    visit = records.find(session, Visit, visit_id)
    row = next(r for r in list_visits(session, visit.date, visit.date) if r.id == visit.id) \
        if not visit.is_voided else None
    data: dict[str, Any] = row.to_json() if row else {"id": visit.id, "voided": True}
    data["team"] = team_json(session, visit.id)
    data["lots"] = [_lot_json(lot) for lot in lots_on_hand(session, visit.id, on)]
    return data
