"""Sites (Standorte): Jobcenters, municipal buildings, other places teams go to."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.codes import SITE_KINDS
from core.db.models import Site
from core.services import records
from core.services.context import Actor, audit, stamp_new
from core.services.validation import optional_plz, require_code, require_district, require_text


@dataclass(slots=True)
class SiteInput:
    name: str
    kind: str
    district_ags: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    external_id: str | None = None


def _clean(data: SiteInput) -> dict[str, object]:
    values = asdict(data)
    values["name"] = require_text(data.name, "Name")
    values["kind"] = require_code(data.kind, SITE_KINDS, "Art")
    values["district_ags"] = require_district(data.district_ags)
    values["postcode"] = optional_plz(data.postcode)
    return values


def create_site(session: Session, actor: Actor, data: SiteInput) -> Site:
    site = Site(**_clean(data))
    stamp_new(site, actor)
    session.add(site)
    audit(session, actor, "create", site)
    return site


def update_site(session: Session, actor: Actor, site_id: str, data: SiteInput) -> Site:
    site = records.find(session, Site, site_id)
    return records.update(session, actor, site, _clean(data))


def void_site(session: Session, actor: Actor, site_id: str, reason: str) -> Site:
    return records.void(session, actor, records.find(session, Site, site_id), reason)


def list_sites(session: Session, include_voided: bool = False) -> list[Site]:
    query = select(Site).order_by(Site.name)
    if not include_voided:
        query = query.where(Site.voided_at.is_(None))
    return list(session.scalars(query))
