"""A visit on a chosen date with a team and lots: the field day's rules are date rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest

from core.db.engine import Database
from core.services.context import Actor


@dataclass
class Day:
    visit_id: str
    doctor_id: str
    nurse_id: str
    clerk_id: str
    outsider_id: str
    comirnaty_lot: str
    spikevax_lot: str
    on: date


def make_day(db: Database, actor: Actor, on: date, status: str = "aktiv") -> Day:
    from core.services.lots import allocate_lot, create_lot
    from core.services.sites import SiteInput, create_site
    from core.services.staff import StaffInput, create_staff
    from core.services.visits import VisitInput, create_visit

    with db.session() as s:
        site = create_site(s, actor, SiteInput("Jobcenter Bielefeld", "jobcenter", "05711",
                                               "Herforder Str. 67", "33602", "Bielefeld"))
        doctor = create_staff(s, actor, StaffInput("Wagner", "Eva", "arzt", "e.wagner"))
        nurse = create_staff(s, actor, StaffInput("Koch", "Tim", "impfend", "t.koch"))
        clerk = create_staff(s, actor, StaffInput("Ünal", "Deniz", "verwaltung", "d.unal"))
        outsider = create_staff(s, actor, StaffInput("Yılmaz", "Ayşe", "impfend", "a.yilmaz"))
        visit = create_visit(s, actor, VisitInput(
            site.id, on, time(9), time(15), 80, status,
            members=[(doctor.id, "arzt"), (nurse.id, "impfend"), (clerk.id, "verwaltung")]))
        comirnaty = create_lot(s, actor, "Comirnaty", "FK1234", on + timedelta(days=90), 60)
        spikevax = create_lot(s, actor, "Spikevax", "SPX77", on + timedelta(days=90), 60)
        allocate_lot(s, actor, visit.id, spikevax.id, 30)
        allocate_lot(s, actor, visit.id, comirnaty.id, 30)
        return Day(visit.id, doctor.id, nurse.id, clerk.id, outsider.id, comirnaty.id,
                   spikevax.id, on)


@pytest.fixture
def day_2021(db: Database, actor: Actor) -> Day:
    """An active visit on Wednesday 01.12.2021 (Spikevax-under-30 rule in force)."""
    return make_day(db, actor, date(2021, 12, 1))
