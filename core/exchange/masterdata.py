"""``import masterdata``: sites, visits, staff and lots sent by the Impfzentrum.

Records are matched by the Impfzentrum's own keys (``external_id``). New records get a
UUID derived from Impfzentrum ID + entity + key (UUID v5), so every team that imports the
same workbook creates the *same* UUIDs – which is what lets the hub merge the teams' sync
packages by UUID. Lots are keyed by product + lot number. All changes go through the ORM
(row_version, audit entry per record) in the caller's transaction; with any error nothing
is applied, and ``dry_run`` rolls the transaction back after counting.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import Lot, LotAllocation, Site, Staff, Visit, VisitMember
from core.exchange.common import Cancel, ImportReport, Progress, Steps
from core.exchange.masterdata_read import MasterData, Row, read_masterdata
from core.exchange.sync_import import ImportFailed
from core.security.permissions import require
from core.services.context import Actor, apply_changes, audit, stamp_new
from core.services.names import fold
from core.settings import get_setting

NAMESPACE = uuid.UUID("6f1c7a52-3b0e-4b53-9a53-6d7f0c1e2a11")
LOGIN = re.compile(r"^[a-z0-9._-]{2,50}$")


def stable_id(centre: str, entity: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{centre}|{entity}|{key}"))


class Applier:
    def __init__(self, session: Session, actor: Actor, report: ImportReport) -> None:
        self.s, self.actor, self.report = session, actor, report
        self.centre = get_setting(session, "impfzentrum_id")

    def by_external(self, model: type[Any], key: str) -> Any:
        found = self.s.get(model, stable_id(self.centre, model.__tablename__, key))
        return found or self.s.scalars(
            select(model).where(model.external_id == key).limit(1)).first()

    def upsert(self, model: type[Any], found: Any, values: dict[str, Any], new_id: str) -> Any:
        """Create or update one record, counting it; unchanged records are not touched."""
        name = model.__tablename__
        if found is None:
            obj = model(id=new_id, **values)
            stamp_new(obj, self.actor)
            self.s.add(obj)
            audit(self.s, self.actor, "import.create", obj)
            self.report.count("created", name)
            return obj
        changed = {k: v for k, v in values.items() if getattr(found, k) != v}
        if not changed:
            self.report.count("unchanged", name)
            return found
        before = apply_changes(found, changed)
        audit(self.s, self.actor, "import.update", found, before)
        self.report.count("updated", name)
        return found

    def run(self, data: MasterData, steps: Steps) -> None:
        sites: dict[str, Site] = {}
        for row in data.rows.get("Standorte", []):
            v = row.values
            sites[v["id"]] = self.upsert(Site, self.by_external(Site, v["id"]), {
                "external_id": v["id"], "name": v["name"], "kind": v["art"],
                "street": v["strasse"] or "", "postcode": v["plz"] or "", "city": v["ort"] or "",
                "district_ags": v["kreis"], "contact_name": v["ansprechperson"] or "",
                "contact_phone": v["telefon"] or ""},
                stable_id(self.centre, "site", v["id"]))
        steps(40, "Standorte übernommen")
        visits: dict[str, Visit] = {}
        for row in data.rows.get("Einsaetze", []):
            v = row.values
            site = sites.get(v["standortid"]) or self.by_external(Site, v["standortid"])
            assert site is not None  # checked by cross_check
            self.s.flush()
            visits[v["id"]] = self.upsert(Visit, self.by_external(Visit, v["id"]), {
                "external_id": v["id"], "site_id": site.id, "date": v["datum"],
                "start_time": v["beginn"], "end_time": v["ende"],
                "planned_capacity": v["kapazitaet"] or 0, "status": v["status"]},
                stable_id(self.centre, "visit", v["id"]))
        steps(55, "Einsätze übernommen")
        self.s.flush()
        for row in data.rows.get("Personal", []):
            self.staff(row, visits)
        steps(70, "Personal übernommen")
        self.lots(data.rows.get("Chargen", []), visits)
        self.s.flush()

    def visit_of(self, key: str, visits: dict[str, Visit]) -> Visit:
        visit = visits.get(key) or self.by_external(Visit, key)
        assert visit is not None  # checked by cross_check
        return visit

    def staff(self, row: Row, visits: dict[str, Visit]) -> None:
        v = row.values
        login = v["benutzername"]
        found = self.by_external(Staff, v["id"]) or self.s.scalars(
            select(Staff).where(Staff.login == login)).first()
        person = self.upsert(Staff, found, {
            "external_id": v["id"], "family_name": v["nachname"], "given_name": v["vorname"],
            "role": v["rolle"], "login": login}, stable_id(self.centre, "staff", v["id"]))
        self.s.flush()
        for key in v["einsatzids"]:
            visit = self.visit_of(key, visits)
            member = self.s.scalars(select(VisitMember).where(
                VisitMember.visit_id == visit.id, VisitMember.staff_id == person.id)).first()
            self.upsert(VisitMember, member, {"visit_id": visit.id, "staff_id": person.id,
                                              "role": v["rolle"], "voided_at": None},
                        stable_id(self.centre, "visit_member", f"{visit.id}|{person.id}"))

    def lots(self, rows: list[Row], visits: dict[str, Visit]) -> None:
        received: Counter[tuple[str, str]] = Counter()
        for row in rows:
            received[(row.values["produkt"], row.values["charge"])] += row.values["dosen"]
        for row in rows:
            v = row.values
            product, number = v["produkt"], v["charge"]
            found = self.s.scalars(select(Lot).where(Lot.product_key == product,
                                                     Lot.lot_number == number)).first()
            doses = max(received[(product, number)], found.doses_received if found else 0)
            lot = self.upsert(Lot, found, {"product_key": product, "lot_number": number,
                                           "expiry_date": v["verfallsdatum"],
                                           "doses_received": doses},
                              stable_id(self.centre, "lot", f"{product}|{number}"))
            self.s.flush()
            if not v["einsatzid"]:
                continue
            visit = self.visit_of(v["einsatzid"], visits)
            allocation = self.s.scalars(select(LotAllocation).where(
                LotAllocation.lot_id == lot.id, LotAllocation.visit_id == visit.id)).first()
            self.upsert(LotAllocation, allocation, {"lot_id": lot.id, "visit_id": visit.id,
                                                    "doses": v["dosen"], "voided_at": None},
                        stable_id(self.centre, "lot_allocation", f"{lot.id}|{visit.id}"))


def cross_check(session: Session, data: MasterData, report: ImportReport) -> None:
    """References between sheets (and to records already here), duplicates, plausibility."""
    def known(model: type[Any], keys: set[str]) -> Callable[[str], bool]:
        return lambda key: key in keys or session.scalars(
            select(model.id).where(model.external_id == key).limit(1)).first() is not None

    def unique(sheet: str, key: str) -> None:
        seen: dict[Any, int] = {}
        for row in data.rows.get(sheet, []):
            value = row.values.get(key)
            if value and value in seen:
                report.error(f"„{value}“ kommt doppelt vor (auch in Zeile {seen[value]}).",
                             sheet, row.number, row.column(key))
            elif value:
                seen[value] = row.number

    unique("Standorte", "id")
    unique("Einsaetze", "id")
    unique("Personal", "id")
    site_ok = known(Site, {r.values["id"] for r in data.rows.get("Standorte", [])})
    visits = {r.values["id"]: r for r in data.rows.get("Einsaetze", []) if r.values["id"]}
    visit_ok = known(Visit, set(visits))
    for row in data.rows.get("Einsaetze", []):
        v = row.values
        if v["standortid"] and not site_ok(v["standortid"]):
            report.error(f"Standort „{v['standortid']}“ gibt es weder im Blatt Standorte noch "
                         "in der Datenbank.", row.sheet, row.number, row.column("standortid"))
        if v["beginn"] and v["ende"] and v["ende"] <= v["beginn"]:
            report.error("Das Ende muss nach dem Beginn liegen.", row.sheet, row.number,
                         row.column("ende"))
    logins: dict[str, int] = {}
    for row in data.rows.get("Personal", []):
        v = row.values
        if not v.get("benutzername") and v.get("vorname") and v.get("nachname"):
            given, family = (fold(v[k].replace("ı", "i")) for k in ("vorname", "nachname"))
            v["benutzername"] = f"{given[:1]}.{family}".replace(" ", "")
        login = (v.get("benutzername") or "").lower()
        v["benutzername"] = login
        if login and not LOGIN.match(login):
            report.error(f"Benutzername „{login}“: 2–50 Zeichen, nur Kleinbuchstaben, Ziffern, "
                         "Punkt, Binde- und Unterstrich.", row.sheet, row.number,
                         row.column("benutzername"))
        elif login in logins:
            report.error(f"Benutzername „{login}“ kommt doppelt vor (auch in Zeile "
                         f"{logins[login]}).", row.sheet, row.number, row.column("benutzername"))
        logins.setdefault(login, row.number)
        for key in v.get("einsatzids") or []:
            if not visit_ok(key):
                report.error(f"Einsatz „{key}“ ist unbekannt.", row.sheet, row.number,
                             row.column("einsatzids"))
    for row in data.rows.get("Chargen", []):
        v = row.values
        key = v.get("einsatzid")
        if key and not visit_ok(key):
            report.error(f"Einsatz „{key}“ ist unbekannt.", row.sheet, row.number,
                         row.column("einsatzid"))
        elif key and key in visits and v["verfallsdatum"] and visits[key].values["datum"] \
                and v["verfallsdatum"] < visits[key].values["datum"]:
            report.error(f"Charge {v['charge']} ist am {v['verfallsdatum']:%d.%m.%Y} abgelaufen, "
                         f"vor dem Einsatz am {visits[key].values['datum']:%d.%m.%Y}.",
                         row.sheet, row.number, row.column("verfallsdatum"))


def import_masterdata(session: Session, actor: Actor, path: Path, *, dry_run: bool = False,
                      progress: Progress | None = None,
                      cancel: Cancel | None = None) -> ImportReport:
    """Check and apply a master data workbook in the caller's transaction.

    Raises ``ImportFailed`` (carrying the report with every error by sheet/row/column)
    when anything is wrong – also with ``dry_run`` – and ``UserError`` for unreadable
    files. With ``dry_run`` the changes are counted and then rolled back.
    """
    require(actor, "import")
    steps = Steps(progress, cancel)
    report = ImportReport(dry_run=dry_run)
    steps(0, "Arbeitsmappe lesen")
    data = read_masterdata(Path(path), report)
    steps(20, "Bezüge prüfen")
    cross_check(session, data, report)
    if report.errors:
        raise ImportFailed(report)
    steps(30, "Übernehmen")
    try:
        Applier(session, actor, report).run(data, steps)
    except Exception:
        session.rollback()
        raise
    if dry_run:
        session.rollback()
    steps(100, "Fertig")
    return report
