"""Deterministic demo data at any scale, written with bulk inserts.

The same seed and reference day give the same database. Bulk inserts keep a million
persons feasible, but every row is what the services would write: valid codes, a lot
allocated to the visit and not expired, the 28-day interval between doses, provenance
columns, a row_version, and one audit entry per record.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from core.catalog.districts import get_districts
from core.db.base import utcnow
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
from core.db.versioning import next_versions
from core.demo.names import (
    FAMILY_NAMES,
    GIVEN_NAMES_F,
    GIVEN_NAMES_M,
    MUNICIPAL_BUILDINGS,
    STREETS,
)
from core.services.names import fold, phonetic

CHUNK = 20_000
COVID_PRODUCTS = ("EU/1/20/1528", "EU/1/20/1507")
MEASLES_PRODUCT = "priorix"
VISIT_EVERY_DAYS = 14
HISTORY_DAYS = 364
FUTURE_DAYS = 28
SERIES_WEIGHTS = (25, 50, 25)  # how many persons want 1, 2 or 3 doses
TEAM = (("arzt", 3), ("impfend", 6), ("verwaltung", 3), ("leitung", 2), ("admin", 1))
#: an active (today's) visit has one member of each role, so every role can be tried out
ACTIVE_TEAM_ROLES = tuple(role for role, _ in TEAM)
Progress = Callable[[int, str], None]


@dataclass
class DemoReport:
    sites: int = 0
    visits: int = 0
    staff: int = 0
    lots: int = 0
    persons: int = 0
    doses: int = 0
    audit_entries: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    #: the staff rows written (id, login, role, names), for the demo accounts
    staff_rows: list[dict[str, Any]] = field(default_factory=list)
    #: today's visits: id, site, status and team (login, role)
    visits_today: list[dict[str, Any]] = field(default_factory=list)


@cache
def _keys(name: str) -> tuple[str, str]:
    return fold(name), phonetic(name)


class DemoWriter:
    """Holds the generator's state; ``run`` writes everything in chunks."""

    def __init__(self, session: Session, actor_user: str, origin: str, seed: int,
                 today: date, progress: Progress | None = None,
                 series_weights: tuple[int, int, int] = SERIES_WEIGHTS) -> None:
        self.s = session
        self.series_weights = series_weights
        self.rng = random.Random(seed)
        self.user, self.origin, self.today = actor_user, origin, today
        self.progress = progress or (lambda _p, _m: None)
        self.report = DemoReport()
        self.now = utcnow()

    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _insert(self, model: type[Any], rows: list[dict[str, Any]], action: str = "create") -> None:
        if not rows:
            return
        last = next_versions(self.s, len(rows))
        first = last - len(rows) + 1
        for offset, row in enumerate(rows):
            row.update(created_at=self.now, updated_at=self.now, created_by=self.user,
                       origin=self.origin, row_version=first + offset)
        self.s.execute(insert(model), rows)
        audits = [{"id": self.uid(), "at": self.now, "user": self.user, "origin": self.origin,
                   "action": f"demo.{action}", "entity": model.__tablename__,
                   "entity_id": row["id"], "before": None, "after": None} for row in rows]
        self.s.execute(insert(AuditEntry), audits)
        self.report.audit_entries += len(audits)

    # -- organisation --------------------------------------------------------------
    def make_sites(self, count: int) -> list[dict[str, Any]]:
        catalog = get_districts()
        districts = [d for d in catalog.districts if catalog.plz_for_district(d.ags)]
        chosen = self.rng.sample(districts, min(count, len(districts)))
        rows = []
        for i, district in enumerate(chosen):
            place = self.rng.choice(catalog.plz_for_district(district.ags))
            if i % 3 == 2:
                kind, name = "kommunal", f"{self.rng.choice(MUNICIPAL_BUILDINGS)} {place.place}"
            else:
                kind, name = "jobcenter", f"Jobcenter {district.name}"
            rows.append({"id": self.uid(), "name": name, "kind": kind,
                         "street": f"{self.rng.choice(STREETS)} {self.rng.randint(1, 120)}",
                         "postcode": place.plz, "city": place.place,
                         "district_ags": district.ags,
                         "contact_name": f"{self.rng.choice(GIVEN_NAMES_F)} "
                                         f"{self.rng.choice(FAMILY_NAMES)}",
                         "contact_phone": f"0{self.rng.randint(200, 999)} "
                                          f"{self.rng.randint(100000, 999999)}"})
        self._insert(Site, rows)
        self.report.sites = len(rows)
        return rows

    def make_staff(self) -> list[dict[str, Any]]:
        rows, n = [], 0
        for role, count in TEAM:
            for _ in range(count):
                n += 1
                female = self.rng.random() < 0.6
                given = self.rng.choice(GIVEN_NAMES_F if female else GIVEN_NAMES_M)
                family = self.rng.choice(FAMILY_NAMES)
                rows.append({"id": self.uid(), "family_name": family, "given_name": given,
                             "role": role, "login": f"{fold(given)[:1]}.{fold(family)}{n}",
                             "active": True})
        self._insert(Staff, rows)
        self.report.staff = len(rows)
        self.report.staff_rows = rows
        return rows

    def make_visits(self, sites: list[dict[str, Any]], staff: list[dict[str, Any]]
                    ) -> dict[str, list[dict[str, Any]]]:
        by_site: dict[str, list[dict[str, Any]]] = {}
        rows, members = [], []
        for offset, site in enumerate(sites):
            day = self.today - timedelta(days=HISTORY_DAYS - offset % VISIT_EVERY_DAYS)
            while day <= self.today + timedelta(days=FUTURE_DAYS):
                status = ("abgeschlossen" if day < self.today
                          else "aktiv" if day == self.today else "geplant")
                visit = {"id": self.uid(), "site_id": site["id"], "date": day,
                         "start_time": time(9, 0), "end_time": time(15, 30),
                         "planned_capacity": self.rng.choice((80, 100, 120, 150)),
                         "status": status, "notes": ""}
                rows.append(visit)
                by_site.setdefault(site["id"], []).append(visit)
                doctors = [p for p in staff if p["role"] == "arzt"]
                others = [p for p in staff if p["role"] != "arzt"]
                if status == "aktiv":  # today: one of each role (training: try every role)
                    chosen = [self.rng.choice([p for p in staff if p["role"] == role])
                              for role in ACTIVE_TEAM_ROLES]
                    self.report.visits_today.append({
                        "id": visit["id"], "site_id": site["id"], "site_name": site["name"],
                        "date": day.isoformat(), "status": status,
                        "team": [{"id": p["id"], "login": p["login"], "role": p["role"]}
                                 for p in chosen]})
                else:
                    # Every visit needs a responsible physician (§ 22 IfSG) plus four others.
                    chosen = [self.rng.choice(doctors), *self.rng.sample(others, 4)]
                for person in chosen:
                    members.append({"id": self.uid(), "visit_id": visit["id"],
                                    "staff_id": person["id"], "role": person["role"]})
                day += timedelta(days=VISIT_EVERY_DAYS)
        self._insert(Visit, rows)
        self._insert(VisitMember, members)
        self.report.visits = len(rows)
        return by_site

    # -- persons and doses ---------------------------------------------------------
    def person_row(self, site: dict[str, Any]) -> dict[str, Any]:
        female = self.rng.random() < 0.5
        given = self.rng.choice(GIVEN_NAMES_F if female else GIVEN_NAMES_M)
        family = self.rng.choice(FAMILY_NAMES)
        age_days = self.rng.randint(18 * 365, 85 * 365) if self.rng.random() < 0.93 \
            else self.rng.randint(400, 17 * 365)
        group = self.rng.choices(("sgb2_kunde", "jobcenter_personal", "sonstige"),
                                 (70, 8, 22))[0]
        family_norm, family_phon = _keys(family)
        given_norm, given_phon = _keys(given)
        return {"id": self.uid(), "family_name": family, "given_name": given,
                "birth_date": self.today - timedelta(days=age_days),
                "sex": "w" if female else ("m" if self.rng.random() < 0.98 else "d"),
                "street": f"{self.rng.choice(STREETS)} {self.rng.randint(1, 200)}",
                "postcode": site["postcode"], "city": site["city"],
                "district_ags": site["district_ags"],
                "phone": "", "target_group": group, "notes": "", "merged_into_id": None,
                "family_norm": family_norm, "given_norm": given_norm,
                "family_phon": family_phon, "given_phon": given_phon}

    def dose_plan(self, person: dict[str, Any], visits: list[dict[str, Any]]
                  ) -> Iterator[tuple[dict[str, Any], str, int, int, bool]]:
        """(visit, product, dose number, series total, booster) at past/today visits."""
        past = [v for v in visits if v["date"] <= self.today]
        age_years = (self.today - person["birth_date"]).days // 365
        steps: tuple[int, ...]
        if age_years < 12:
            product, steps, total = MEASLES_PRODUCT, (0, 4), 2
        else:
            product, steps, total = self.rng.choice(COVID_PRODUCTS), (0, 2, 10), 2
        start = self.rng.randrange(len(past))
        wanted = self.rng.choices((1, 2, 3), self.series_weights)[0]
        for number, step in enumerate(steps[:wanted], start=1):
            index = start + step
            if index >= len(past) or past[index]["date"] < person["birth_date"]:
                return
            booster = number > total
            yield past[index], product, number, (number if booster else total), booster

    def run(self, persons: int) -> DemoReport:
        sites = self.make_sites(max(3, min(40, persons // 400 + 3)))
        staff = self.make_staff()
        visits_by_site = self.make_visits(sites, staff)
        doctors = [s["id"] for s in staff if s["role"] == "arzt"]
        vaccinators = [s["id"] for s in staff if s["role"] == "impfend"]
        lots = self._make_lots(visits_by_site)
        used: dict[tuple[str, str], int] = {}  # (lot id, visit id) -> doses
        self.progress(5, "Personen und Impfungen")
        done = 0
        while done < persons:
            size = min(CHUNK, persons - done)
            people, doses = [], []
            for _ in range(size):
                site = self.rng.choice(sites)
                person = self.person_row(site)
                people.append(person)
                for visit, product, number, total, booster in self.dose_plan(
                        person, visits_by_site[site["id"]]):
                    lot = self._lot_for(lots, product, visit["date"])
                    used[(lot["id"], visit["id"])] = used.get((lot["id"], visit["id"]), 0) + 1
                    doses.append({
                        "id": self.uid(), "person_id": person["id"], "visit_id": visit["id"],
                        "date": visit["date"], "product_key": product, "lot_id": lot["id"],
                        "lot_number": lot["lot_number"],
                        "disease": "measles" if product == MEASLES_PRODUCT else "covid19",
                        "dose_number": number, "series_total": total, "booster": booster,
                        "indication": "alter" if product != MEASLES_PRODUCT else None,
                        "injection_site": self.rng.choice(("oa_links", "oa_rechts")),
                        "physician_id": self.rng.choice(doctors),
                        "vaccinator_id": self.rng.choice(vaccinators),
                        "consent_recorded": True, "anamnesis_recorded": True,
                        "form_version": "2021-11", "source": "verabreicht",
                        "override_reason": ""})
            self._insert(Person, people)
            self._insert(Vaccination, doses)
            done += size
            self.report.persons += size
            self.report.doses += len(doses)
            self.progress(5 + int(90 * done / persons), f"{done} Personen")
        self._write_lots(lots, used, visits_by_site)
        return self.report

    def _make_lots(self, visits_by_site: dict[str, list[dict[str, Any]]]
                   ) -> dict[tuple[str, int, int], dict[str, Any]]:
        """One lot per product and month of visits, inserted before the doses use them."""
        months = sorted({(v["date"].year, v["date"].month)
                         for visits in visits_by_site.values() for v in visits})
        lots: dict[tuple[str, int, int], dict[str, Any]] = {}
        prefixes = {"EU/1/20/1528": "FK", "EU/1/20/1507": "30", MEASLES_PRODUCT: "A7"}
        for year, month in months:
            for product, prefix in prefixes.items():
                lots[(product, year, month)] = {
                    "id": self.uid(), "product_key": product,
                    "lot_number": f"{prefix}{self.rng.randint(1000, 9999)}{month:02d}{year % 100}",
                    "expiry_date": date(year, month, 1) + timedelta(days=150),
                    "doses_received": 0, "doses_discarded": 0, "discard_reason": ""}
        self._insert(Lot, list(lots.values()))
        self.report.lots = len(lots)
        return lots

    @staticmethod
    def _lot_for(lots: dict[tuple[str, int, int], dict[str, Any]], product: str,
                 day: date) -> dict[str, Any]:
        return lots[(product, day.year, day.month)]

    def _write_lots(self, lots: dict[tuple[str, int, int], dict[str, Any]],
                    used: dict[tuple[str, str], int],
                    visits_by_site: dict[str, list[dict[str, Any]]]) -> None:
        allocations: list[dict[str, Any]] = []
        for (lot_id, visit_id), n in used.items():
            allocations.append({"id": self.uid(), "lot_id": lot_id, "visit_id": visit_id,
                                "doses": n + 10})
        # Today's and upcoming visits get stock too, so the field GUI has lots on hand.
        upcoming = [v for vs in visits_by_site.values() for v in vs if v["date"] >= self.today]
        for visit in upcoming:
            for product in (*COVID_PRODUCTS, MEASLES_PRODUCT):
                lot = self._lot_for(lots, product, visit["date"])
                if (lot["id"], visit["id"]) not in used:
                    allocations.append({"id": self.uid(), "lot_id": lot["id"],
                                        "visit_id": visit["id"], "doses": 60})
        received: dict[str, int] = {}
        row: dict[str, Any]
        for row in allocations:
            received[row["lot_id"]] = received.get(row["lot_id"], 0) + row["doses"]
        self.s.execute(update(Lot), [{"id": lot_id, "doses_received": n}
                                     for lot_id, n in received.items()])
        self._insert(LotAllocation, allocations)


def generate_demo(session: Session, user: str, origin: str, persons: int, seed: int = 1,
                  today: date | None = None, progress: Progress | None = None,
                  series_weights: tuple[int, int, int] = SERIES_WEIGHTS) -> DemoReport:
    """Fill the database; the caller's transaction commits it all or nothing.

    ``series_weights`` weighs persons wanting 1, 2 or 3 doses (default about 1.8 doses
    per person; the benchmark raises it to reach 2 doses per person).
    """
    writer = DemoWriter(session, user, origin, seed, today or date.today(), progress,
                        series_weights)
    return writer.run(persons)

