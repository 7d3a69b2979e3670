"""``export dim``: doses for the RKI's Digitales Impfquotenmonitoring (§ 7 CoronaImpfV).

Our own documented CSV layout (docs/formats.md): ``;``-separated, UTF-8, one row per
COVID-19 dose administered by the team in the date range. Left out: voided doses, and
back-entries from a vaccination card or certificate (the site that gave the dose reports
it; counting it again would inflate the quota). The person appears only as a pseudonym:
a SHA-256 of the Impfzentrum ID and the person's surviving UUID (after merges), so doses
of one person share a key across exports without revealing who it is.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.catalog.products import get_catalog
from core.db.models import Person, Site, Vaccination, Visit
from core.exchange.common import Cancel, Progress, Steps, atomic_output, require_suffix
from core.exchange.duplicates import resolve_persons
from core.exchange.xlsx_safety import escape_text
from core.settings import get_setting

COLUMNS = ("impfung_id", "personen_pseudonym", "geburtsmonat", "geschlecht", "plz_wohnort",
           "kreis_wohnort", "impfstelle_id", "impfstelle_kreis", "impfdatum", "dosis",
           "serie_gesamt", "auffrischung", "impfstoff_code", "impfstoff_name", "charge",
           "indikation", "zielgruppe", "impfzentrum_id", "team_id")
CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class DimExportResult:
    path: Path
    rows: int
    date_from: date
    date_to: date

    def to_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "rows": self.rows,
                "from": self.date_from.isoformat(), "to": self.date_to.isoformat()}


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def _cell(text: str) -> str:
    """A text field on one physical line that cannot start a formula.

    Line breaks and other control characters (a lot number stored before entry refused
    them, or from an older package) become one space, so every record is one line and
    no line of the file can begin with ``=``; then the OWASP escaping of ``escape_text``.
    """
    return escape_text(_CONTROL.sub(" ", text).strip())


def pseudonym(centre: str, person_id: str) -> str:
    return hashlib.sha256(f"impfteam-dim|{centre}|{person_id}".encode()).hexdigest()[:24]


def export_dim(session: Session, out: Path, date_from: date, date_to: date, *,
               progress: Progress | None = None, cancel: Cancel | None = None) -> DimExportResult:
    """Write the DIM CSV for doses dated ``date_from``..``date_to`` (inclusive)."""
    out = Path(out)
    require_suffix(out, ".csv", "DIM-Export")
    steps = Steps(progress, cancel)
    centre, team = get_setting(session, "impfzentrum_id"), get_setting(session, "team_id")
    where = (Vaccination.voided_at.is_(None), Vaccination.disease == "covid19",
             Vaccination.source == "verabreicht", Vaccination.date >= date_from,
             Vaccination.date <= date_to)
    total = int(session.scalar(select(func.count()).select_from(Vaccination).where(*where))
                or 0)
    steps(0, f"{total} Impfungen")
    merged: dict[str, str | None] = {
        pid: target for pid, target in session.execute(
            select(Person.id, Person.merged_into_id).where(Person.merged_into_id.is_not(None)))}
    survivor = resolve_persons(session, merged)
    catalog = get_catalog()
    query = (select(Vaccination.id, Vaccination.person_id, Person.birth_date, Person.sex,
                    Person.postcode, Person.district_ags, Person.target_group, Site.id,
                    Site.external_id, Site.district_ags, Vaccination.date,
                    Vaccination.dose_number, Vaccination.series_total, Vaccination.booster,
                    Vaccination.product_key, Vaccination.lot_number, Vaccination.indication)
             .join(Person, Person.id == Vaccination.person_id)
             .outerjoin(Visit, Visit.id == Vaccination.visit_id)
             .outerjoin(Site, Site.id == Visit.site_id)
             .where(*where).order_by(Vaccination.date, Vaccination.id)
             .execution_options(yield_per=CHUNK))
    written = 0
    with atomic_output(out) as part, part.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for rows in session.execute(query).partitions():
            for (dose_id, person_id, birth, sex, plz, ags, group, site_id, site_ext, site_ags,
                 day, number, series, booster, product_key, lot, indication) in rows:
                product = catalog.resolve(product_key)
                writer.writerow([_cell(x) if isinstance(x, str) else x for x in (
                    dose_id, pseudonym(centre, survivor.get(person_id, person_id)),
                    f"{birth:%Y-%m}", sex, plz, ags or "", site_ext or site_id or "",
                    site_ags or "", day.isoformat(), number, series, int(booster),
                    product_key, product.name if product else "", lot, indication or "",
                    group, centre, team)])
            written += len(rows)
            steps(int(95 * written / max(total, 1)), f"{written} von {total} Impfungen")
    steps(100, "Fertig")
    return DimExportResult(out, written, date_from, date_to)
