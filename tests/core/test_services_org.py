"""Sites, staff, visits and lots: create, edit, void, with audit and German rejections."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from core.db.engine import Database
from core.db.models import AuditEntry, Site, Visit
from core.errors import NotFoundError, ValidationError
from core.services.context import Actor
from core.services.lots import allocate_lot, create_lot, discard_doses, visit_lot_usage
from core.services.sites import SiteInput, create_site, list_sites, update_site, void_site
from core.services.staff import StaffInput, create_staff, update_staff
from core.services.visits import VisitInput, create_visit, list_visits, set_visit_status
from tests.conftest import TODAY, World


def _audit(db: Database, entity_id: str) -> list[str]:
    with db.session() as s:
        return [e.action for e in s.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == entity_id).order_by(AuditEntry.at))]


def test_site_create_edit_void_are_audited(db: Database, actor: Actor) -> None:
    with db.session() as s:
        site = create_site(s, actor, SiteInput("Jobcenter Essen", "jobcenter", "05113"))
    with db.session() as s:
        update_site(s, actor, site.id, SiteInput("Jobcenter Essen-Mitte", "jobcenter", "05113",
                                                 postcode="45127"))
    with db.session() as s:
        void_site(s, actor, site.id, "Standort geschlossen")
        assert list_sites(s) == []
        voided = s.get(Site, site.id)
        assert voided is not None and voided.void_reason == "Standort geschlossen"
    assert _audit(db, site.id) == ["create", "update", "void"]


@pytest.mark.parametrize(("data", "message"), [
    (SiteInput("X", "jobcenter", "99999"), "Unbekannter Kreisschlüssel"),
    (SiteInput("X", "schule", "05113"), "nicht erlaubt"),
    (SiteInput("", "jobcenter", "05113"), "Bitte ausfüllen"),
    (SiteInput("X", "jobcenter", "05113", postcode="4512"), "fünf Ziffern"),
])
def test_site_rejections_change_nothing(db: Database, actor: Actor, data: SiteInput,
                                        message: str) -> None:
    with pytest.raises(ValidationError, match=message), db.session() as s:
        create_site(s, actor, data)
    with db.session() as s:
        assert s.scalars(select(Site)).all() == []


def test_void_needs_a_reason(db: Database, actor: Actor, world: World) -> None:
    with pytest.raises(ValidationError, match="Grund"), db.session() as s:
        void_site(s, actor, world.site_id, "  ")


def test_staff_login_unique_and_role_checked(db: Database, actor: Actor, world: World) -> None:
    with pytest.raises(ValidationError, match="vergeben"), db.session() as s:
        create_staff(s, actor, StaffInput("Neu", "Nina", "impfend", "E.Wagner"))
    with pytest.raises(ValidationError, match="Rolle"), db.session() as s:
        create_staff(s, actor, StaffInput("Neu", "Nina", "chef", "n.neu"))
    with db.session() as s:  # editing keeps one's own login
        update_staff(s, actor, world.doctor_id, StaffInput("Wagner", "Eva", "arzt", "e.wagner"))


def test_visit_with_team_lots_and_listing(db: Database, actor: Actor, world: World) -> None:
    with db.session() as s:
        rows = list_visits(s, TODAY, TODAY)
        visit = s.get(Visit, world.visit_id)
        assert visit is not None
        assert {m.role for m in visit.members} == {"arzt", "impfend"}
        usage = visit_lot_usage(s, world.visit_id)
    assert [r.site_name for r in rows] == ["Jobcenter Gütersloh"]
    assert rows[0].doses_given == 0 and rows[0].status == "aktiv"
    assert rows[0].to_json()["start"] == "09:00"
    assert [(u.lot_number, u.allocated, u.used, u.left) for u in usage] == [("FK1234", 30, 0, 30)]


def test_visit_rejections(db: Database, actor: Actor, world: World) -> None:
    with pytest.raises(ValidationError, match="nach dem Beginn"), db.session() as s:
        create_visit(s, actor, VisitInput(world.site_id, TODAY, time(15), time(9)))
    with pytest.raises(NotFoundError, match="Standort"), db.session() as s:
        create_visit(s, actor, VisitInput("no-such-site", TODAY, time(9), time(15)))
    with pytest.raises(ValidationError, match="Status"), db.session() as s:
        set_visit_status(s, actor, world.visit_id, "fertig")


def test_expired_lot_cannot_be_allocated(db: Database, actor: Actor, world: World) -> None:
    with db.session() as s:
        old = create_lot(s, actor, "Spikevax", "OLD1", TODAY - timedelta(days=1), 10)
    with pytest.raises(ValidationError, match="abgelaufen"), db.session() as s:
        allocate_lot(s, actor, world.visit_id, old.id, 5)


def test_lot_unknown_product_and_duplicate(db: Database, actor: Actor, world: World) -> None:
    with pytest.raises(ValidationError, match="Unbekannter Impfstoff"), db.session() as s:
        create_lot(s, actor, "Sputnik V", "S1", TODAY, 10)
    with pytest.raises(ValidationError, match="gibt es schon"), db.session() as s:
        create_lot(s, actor, "biontech", "FK1234", TODAY, 10)


def test_discarded_doses_reduce_what_is_left(db: Database, actor: Actor, world: World) -> None:
    with db.session() as s:
        discard_doses(s, actor, world.lot_id, 6, "Vial gebrochen")
        usage = visit_lot_usage(s, world.visit_id)[0]
    assert usage.discarded == 6 and usage.left == 24
