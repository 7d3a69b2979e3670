"""Demo data is valid: every dose obeys the rules the services enforce, all audited."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from sqlalchemy import func, select

from core.db.engine import Database
from core.db.models import (
    AuditEntry,
    Lot,
    LotAllocation,
    Person,
    Site,
    Staff,
    Vaccination,
    Visit,
    VisitMember,
)
from core.demo.generator import generate_demo
from core.services.context import Actor
from tests.conftest import TODAY


def test_demo_records_are_valid_and_audited(db: Database, actor: Actor) -> None:
    with db.session() as s:
        report = generate_demo(s, actor.user, actor.origin, persons=400, seed=5, today=TODAY)
    with db.session() as s:
        doses = s.execute(select(Vaccination, Visit, Lot, Person)
                          .join(Visit, Visit.id == Vaccination.visit_id)
                          .join(Lot, Lot.id == Vaccination.lot_id)
                          .join(Person, Person.id == Vaccination.person_id)).all()
        assert len(doses) == report.doses > 400
        for dose, visit, lot, person in doses:
            assert dose.date == visit.date <= TODAY
            assert lot.expiry_date >= dose.date and lot.product_key == dose.product_key
            assert dose.date >= person.birth_date
        allocation = {(a.lot_id, a.visit_id): a.doses for a in s.scalars(select(LotAllocation))}
        used: dict[tuple[str, str], int] = {}
        for dose, _visit, _lot, _person in doses:
            key = (dose.lot_id, dose.visit_id)
            used[key] = used.get(key, 0) + 1  # type: ignore[index]
        assert all(allocation[key] >= n for key, n in used.items())  # type: ignore[index]
        by_person: dict[str, list[Vaccination]] = {}
        for dose, *_ in doses:
            by_person.setdefault(dose.person_id, []).append(dose)
        for series in by_person.values():
            series.sort(key=lambda d: d.date)
            assert [d.dose_number for d in series] == list(range(1, len(series) + 1))
            for earlier, later in pairwise(series):
                assert later.date - earlier.date >= timedelta(days=28)
        records = sum(int(s.scalar(select(func.count()).select_from(m)) or 0)
                      for m in (Site, Staff, Visit, VisitMember, Lot, LotAllocation, Person,
                                Vaccination))
        audits = int(s.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action.like("demo.%"))) or 0)
        assert audits == records == report.audit_entries
        versions = s.scalars(select(Person.row_version)).all()
        assert len(set(versions)) == len(versions) and min(versions) > 0
        kinds = set(s.scalars(select(Site.kind)))
        assert kinds == {"jobcenter", "kommunal"}
