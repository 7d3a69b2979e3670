"""``export daily``: the evening report of a visit (or a whole day) as an Excel workbook.

Four sheets: ``Übersicht`` (doses by product × dose × target group × age group, totals
and a bar chart), ``Impfungen`` (one row per dose, UUIDs included so the Impfzentrum can
match them), ``Chargen`` (lot usage and what is left) and ``Einsatz`` (visit, site, team).
Written with XlsxWriter: real dates and number formats, frozen headers, auto filters,
fitted widths. Voided doses are left out (they were never given, or were undone).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from core.catalog.districts import get_districts
from core.catalog.products import get_catalog
from core.db.codes import ROLES, SITE_KINDS
from core.db.models import Person, Site, Staff, Vaccination, Visit, VisitMember
from core.errors import UserError
from core.exchange.common import Cancel, Progress, Steps, atomic_output, require_suffix
from core.exchange.xlsx_safety import escape_text
from core.exchange.xlsx_write import Formats, TableSheet
from core.services import records
from core.services.lots import visit_lot_usage
from core.settings import get_setting

AGE_GROUPS = ("00–04", "05–11", "12–17", "18–59", "60+")
TARGET_SHORT = {"sgb2_kunde": "SGB-II-Kundschaft", "jobcenter_personal": "Jobcenter-Personal",
                "sonstige": "Sonstige"}
SOURCE_LABELS = {"verabreicht": "verabreicht", "nachtrag_impfpass": "Nachtrag Impfpass",
                 "nachtrag_zertifikat": "Nachtrag Zertifikat"}
INDICATION_LABELS = {"alter": "Alter", "beruf": "Beruf", "medizinisch": "medizinisch",
                     "pflegeheim": "Pflegeheim", "sonstige": "Sonstige"}
# Human-readable columns first, the UUIDs (for matching at the Impfzentrum) at the end,
# so a printout's first page is the part people read.
DOSE_HEADERS = ["Datum", "Nachname", "Vorname", "Geburtsdatum", "Alter", "Altersgruppe",
                "Geschlecht", "Zielgruppe", "Impfstoff", "Charge", "Krankheit", "Dosis",
                "Serie", "Auffrischung", "Indikation", "Ärztin/Arzt", "Impfende/r", "Standort",
                "Quelle", "Impfung-ID", "Person-ID", "Einsatz-ID"]


@dataclass(frozen=True, slots=True)
class DailyReportResult:
    path: Path
    doses: int
    visits: int

    def to_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "doses": self.doses, "visits": self.visits}


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_group(age: int) -> str:
    for bound, label in ((4, AGE_GROUPS[0]), (11, AGE_GROUPS[1]), (17, AGE_GROUPS[2]),
                         (59, AGE_GROUPS[3])):
        if age <= bound:
            return label
    return AGE_GROUPS[4]


def dose_label(number: int, booster: bool) -> str:
    return f"{number}. Dosis (Auffrischung)" if booster else f"{number}. Dosis"


def _product_name(key: str) -> str:
    product = get_catalog().resolve(key)
    return product.name if product else key


def load(session: Session, visit_id: str | None, day: date | None
         ) -> tuple[list[Visit], list[dict[str, Any]], str]:
    """Visits, dose lines and a title for the report's scope."""
    if (visit_id is None) == (day is None):
        raise UserError("Tagesbericht: Bitte entweder --visit oder --date angeben.")
    physician, vaccinator = aliased(Staff), aliased(Staff)
    query = (select(Vaccination, Person, Visit, Site, physician, vaccinator)
             .join(Person, Person.id == Vaccination.person_id)
             .outerjoin(Visit, Visit.id == Vaccination.visit_id)
             .outerjoin(Site, Site.id == Visit.site_id)
             .outerjoin(physician, physician.id == Vaccination.physician_id)
             .outerjoin(vaccinator, vaccinator.id == Vaccination.vaccinator_id)
             .where(Vaccination.voided_at.is_(None))
             .order_by(Vaccination.date, Vaccination.created_at, Vaccination.id))
    if visit_id is not None:
        visit = records.find(session, Visit, visit_id)
        visits = [visit]
        query = query.where(Vaccination.visit_id == visit.id)
        title = f"Tagesbericht Einsatz {visit.site.name} am {visit.date:%d.%m.%Y}"
    else:
        assert day is not None
        visits = list(session.scalars(select(Visit).where(Visit.date == day,
                                                          Visit.voided_at.is_(None))
                                      .order_by(Visit.start_time)))
        query = query.where(Vaccination.date == day)
        title = f"Tagesbericht aller Einsätze am {day:%d.%m.%Y}"
    lines = []
    for v, p, visit, site, doc, nurse in session.execute(query):
        age = age_on(p.birth_date, v.date)
        lines.append({
            "Datum": v.date, "Impfung-ID": v.id, "Person-ID": p.id,
            "Nachname": p.family_name, "Vorname": p.given_name, "Geburtsdatum": p.birth_date,
            "Alter": age, "Altersgruppe": age_group(age), "Geschlecht": p.sex,
            "Zielgruppe": TARGET_SHORT.get(p.target_group, p.target_group),
            "Impfstoff": _product_name(v.product_key), "Charge": v.lot_number,
            "Krankheit": "COVID-19" if v.disease == "covid19" else "Masern",
            "Dosis": v.dose_number, "Serie": v.series_total, "Auffrischung": v.booster,
            "Indikation": INDICATION_LABELS.get(v.indication or "", ""),
            "Ärztin/Arzt": doc.display_name if doc else "",
            "Impfende/r": nurse.display_name if nurse else "",
            "Einsatz-ID": visit.id if visit else "", "Standort": site.name if site else "",
            "Quelle": SOURCE_LABELS.get(v.source, v.source),
            "_dose_label": dose_label(v.dose_number, v.booster)})
    return visits, lines, title


def write_overview(workbook: Any, f: Formats, lines: list[dict[str, Any]], title: str,
                   subtitle: str) -> None:
    headers = ["Impfstoff", "Dosis", "Zielgruppe", *AGE_GROUPS, "Summe"]
    sheet = TableSheet(workbook, f, "Übersicht", headers, header_row=3,
                       min_widths={0: 14, 2: 20})
    ws = sheet.ws
    ws.write_string(0, 0, escape_text(title), f.title)
    ws.write_string(1, 0, escape_text(subtitle), f.note)
    table: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    for line in lines:
        key = (line["Impfstoff"], line["_dose_label"], line["Zielgruppe"])
        table[key][line["Altersgruppe"]] += 1
    totals: Counter[str] = Counter()
    for key in sorted(table):
        counts = table[key]
        totals.update(counts)
        sheet.add([*key, *(counts[g] for g in AGE_GROUPS), sum(counts.values())])
    data_rows = len(table)
    sheet.add(["Summe", "", "", *(totals[g] for g in AGE_GROUPS), sum(totals.values())],
              f.total)
    sheet.finish(filter_rows=data_rows)
    ws.set_column(0, 0, max(sheet.widths[0], len(title) // 3) + 3)
    # chart data: doses per product and age group, below the table
    by_product: dict[str, Counter[str]] = defaultdict(Counter)
    for line in lines:
        by_product[line["Impfstoff"]][line["Altersgruppe"]] += 1
    start = sheet.row + 2
    first, last = 3, 2 + len(AGE_GROUPS)  # the same columns as the table above
    ws.write_string(start, 0, "Impfungen je Impfstoff und Altersgruppe (Daten des Diagramms)",
                    f.subtitle)
    ws.write_string(start + 1, 0, "Impfstoff", f.header)
    ws.write_row(start + 1, first, list(AGE_GROUPS), f.header)
    for index, product in enumerate(sorted(by_product)):
        row = start + 2 + index
        ws.write_string(row, 0, escape_text(product))
        for col, group in enumerate(AGE_GROUPS, start=first):
            ws.write_number(row, col, by_product[product][group], f.int)
    if not by_product:  # XlsxWriter refuses a chart without series: a day without doses
        ws.write_string(start + 2, 0, "Keine Impfungen im Zeitraum.", f.note)
        return
    chart = workbook.add_chart({"type": "column"})
    for index in range(len(by_product)):
        row = start + 2 + index
        chart.add_series({"name": ["Übersicht", row, 0],
                          "categories": ["Übersicht", start + 1, first, start + 1, last],
                          "values": ["Übersicht", row, first, row, last],
                          "data_labels": {"value": True}})
    chart.set_title({"name": "Impfungen nach Altersgruppe"})
    chart.set_x_axis({"name": "Altersgruppe"})
    chart.set_y_axis({"name": "Impfungen", "major_gridlines": {"visible": True},
                      "num_format": "0"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": 320})
    ws.insert_chart(start + 3 + len(by_product), 0, chart, {"x_offset": 4, "y_offset": 8})


def write_doses(workbook: Any, f: Formats, lines: list[dict[str, Any]], steps: Steps) -> None:
    centred = {DOSE_HEADERS.index(h) for h in ("Alter", "Altersgruppe", "Geschlecht", "Dosis",
                                                "Serie", "Auffrischung")}
    sheet = TableSheet(workbook, f, "Impfungen", DOSE_HEADERS, centred=centred)
    for index, line in enumerate(lines):
        sheet.add([line[h] for h in DOSE_HEADERS])
        if index % 500 == 499:
            steps(20 + int(50 * index / len(lines)), f"{index + 1} Impfungen")
    sheet.finish()
    uuids = len(DOSE_HEADERS) - 3
    sheet.ws.set_column(uuids, uuids + 2, 37)  # UUIDs: all the same length
    sheet.ws.fit_to_pages(2, 0)  # print: names and dose data, then the UUIDs


def write_lots(workbook: Any, f: Formats, session: Session, visits: list[Visit]) -> None:
    sheet = TableSheet(workbook, f, "Chargen", [
        "Einsatz-Datum", "Standort", "Impfstoff", "Charge", "Verfallsdatum", "Zugeteilt",
        "Verimpft", "Verworfen (Charge gesamt)", "Rest", "Einsatz-ID", "Chargen-ID"],
        centred={5, 6, 7, 8})
    for visit in visits:
        for usage in visit_lot_usage(session, visit.id):
            sheet.add([visit.date, visit.site.name, _product_name(usage.product_key),
                       usage.lot_number, usage.expiry_date, usage.allocated, usage.used,
                       usage.discarded, usage.left, visit.id, usage.lot_id])
    sheet.finish()


def write_visits(workbook: Any, f: Formats, session: Session, visits: list[Visit],
                 lines: list[dict[str, Any]]) -> None:
    """Visits as a filtered table; the team of each visit in a second table below."""
    sheet = TableSheet(workbook, f, "Einsatz", [
        "Datum", "Beginn", "Ende", "Status", "Standort", "Art", "Adresse", "Kreis",
        "Ansprechperson", "Kapazität", "Impfungen", "Einsatz-ID"], centred={9, 10})
    given = Counter(line["Einsatz-ID"] for line in lines)
    districts = get_districts()
    teams = []
    for visit in visits:
        site = visit.site
        district = districts.get(site.district_ags)
        sheet.add([visit.date, visit.start_time, visit.end_time, visit.status, site.name,
                   SITE_KINDS.get(site.kind, site.kind),
                   f"{site.street}, {site.postcode} {site.city}".strip(", "),
                   f"{district.name} ({site.district_ags})" if district else site.district_ags,
                   site.contact_name, visit.planned_capacity, given[visit.id], visit.id])
        teams += [(visit, staff, role) for staff, role in session.execute(
            select(Staff, VisitMember.role).join(VisitMember, VisitMember.staff_id == Staff.id)
            .where(VisitMember.visit_id == visit.id, VisitMember.voided_at.is_(None))
            .order_by(VisitMember.role, Staff.family_name)).all()]
    rows = sheet.row - sheet.header_row - 1
    row = sheet.row + 2
    sheet.ws.write_string(row, 0, "Team", f.subtitle)
    sheet.ws.write_row(row + 1, 0, ["Datum", "Name", "Rolle", "Benutzername"], f.header)
    for offset, (visit, staff, role) in enumerate(teams, start=row + 2):
        sheet.cell(offset, 0, visit.date)
        sheet.cell(offset, 1, staff.display_name)
        sheet.cell(offset, 2, ROLES.get(role, role))
        sheet.cell(offset, 3, staff.login)
    sheet.finish(filter_rows=rows)


def export_daily(session: Session, out: Path, *, visit_id: str | None = None,
                 day: date | None = None, progress: Progress | None = None,
                 cancel: Cancel | None = None) -> DailyReportResult:
    """Write the daily report for one visit (``visit_id``) or one ``day``."""
    out = Path(out)
    require_suffix(out, ".xlsx", "Tagesbericht")
    steps = Steps(progress, cancel)
    steps(0, "Impfungen lesen")
    visits, lines, title = load(session, visit_id, day)
    steps(15, "Arbeitsmappe schreiben")
    team, centre = get_setting(session, "team_id"), get_setting(session, "impfzentrum_id")
    created = datetime.now(UTC).astimezone()
    subtitle = (f"Team {team}, Impfzentrum {centre}, erstellt {created:%d.%m.%Y %H:%M} – "
                f"{len(lines)} Impfungen. Vertraulich: enthält personenbezogene Daten.")
    with atomic_output(out) as part:
        workbook = xlsxwriter.Workbook(str(part), {"strings_to_numbers": False,
                                                   "strings_to_formulas": False,
                                                   "strings_to_urls": False})
        workbook.set_properties({"title": title, "subject": "Tagesbericht Impfteam",
                                 "author": f"Impfteam {team}",
                                 "keywords": "personenbezogen, vertraulich",
                                 "comments": "Enthält personenbezogene Daten."})
        workbook.set_custom_property("Personenbezogene Daten", True)
        f = Formats(workbook)
        write_overview(workbook, f, lines, title, subtitle)
        write_doses(workbook, f, lines, steps)
        steps(75, "Chargen und Einsatz")
        write_lots(workbook, f, session, visits)
        write_visits(workbook, f, session, visits, lines)
        steps.check()
        workbook.close()
    steps(100, "Fertig")
    return DailyReportResult(out, len(lines), len(visits))
