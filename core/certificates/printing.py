"""From stored records to printouts: certificate pages (also reprints) and the measles
confirmation. Kept apart from ``pdf.py`` so the layout code never touches the session.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalog.products import get_catalog
from core.certificates.payload import ISSUER_TRAINING
from core.certificates.pdf import (
    CertificateSheet,
    MeaslesSheet,
    payload_of,
    qr_png,
    render_certificate,
    render_measles,
)
from core.db.models import (
    Certificate,
    MeaslesEvidence,
    Person,
    Site,
    Staff,
    Vaccination,
    Visit,
)
from core.errors import ValidationError
from core.services import records
from core.services.person_status import person_status
from core.settings import get_setting

PRINTABLE_MEASLES = ("erfuellt", "befreit")


def _staff_name(session: Session, staff_id: str | None) -> str:
    staff = session.get(Staff, staff_id) if staff_id else None
    return staff.display_name if staff else ""


def _place(session: Session, dose: Vaccination) -> str:
    visit = session.get(Visit, dose.visit_id) if dose.visit_id else None
    site = session.get(Site, visit.site_id) if visit else None
    return f"{site.name}, {site.city}".strip(", ") if site else ""


def certificate_sheet(session: Session, certificate: Certificate) -> CertificateSheet:
    """The page for a stored certificate; the dose data come from its HC1 text."""
    dose = session.get(Vaccination, certificate.vaccination_id)
    if dose is None:
        raise ValidationError("Impfung zum Zertifikat nicht gefunden.")
    person = session.get(Person, dose.person_id)
    next_dose, note = None, ""
    if person is not None:
        covid = person_status(session, person.id, certificate.issued_at.date()).covid19
        next_dose = covid.next_dose_earliest
        if next_dose is not None:
            day = f"{next_dose:%d.%m.%Y}"
            note = next((r for r in reversed(covid.reasons) if day in r), "")
    return CertificateSheet(
        hc1=certificate.hc1,
        payload=payload_of(certificate.hc1),
        issued_at=certificate.issued_at,
        kid=certificate.key_id,
        lot_number=dose.lot_number,
        physician=_staff_name(session, dose.physician_id),
        place=_place(session, dose),
        team=f"Team {get_setting(session, 'team_id')}",
        next_dose=next_dose,
        next_dose_note=note,
    )


def write_certificate(session: Session, certificate: Certificate, out: Path) -> Path:
    """Write the certificate as ``.pdf`` (page), ``.png`` (QR only) or ``.txt`` (HC1)."""
    suffix = out.suffix.lower()
    if suffix == ".pdf":
        data = render_certificate(certificate_sheet(session, certificate))
    elif suffix == ".png":
        training = payload_of(certificate.hc1).get("v", [{}])[0].get("is") == ISSUER_TRAINING
        data = qr_png(certificate.hc1, training)
    elif suffix == ".txt":
        data = (certificate.hc1 + "\n").encode("ascii")
    else:
        raise ValidationError(f"--out: Dateiendung „{suffix or '(keine)'}“ nicht unterstützt; "
                              "bitte .pdf, .png oder .txt.")
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise ValidationError(f"--out: „{out}“ kann nicht geschrieben werden "
                              f"({exc.strerror}).") from None
    return out


def measles_sheet(session: Session, person_id: str, on: date | None = None,
                  physician_id: str | None = None) -> MeaslesSheet:
    """Content of the § 20 Abs. 9 confirmation; refused unless erfuellt or befreit."""
    person = records.find_active(session, Person, person_id)
    on = on or date.today()
    measles = person_status(session, person.id, on).measles
    if measles.status not in PRINTABLE_MEASLES:
        raise ValidationError(
            f"Masernnachweis nicht möglich: Status „{measles.status}“ (nötig: erfüllt oder "
            "befreit). " + (measles.reasons[-1] if measles.reasons else ""))
    catalog = get_catalog()
    kinds = {e.kind for e in session.scalars(select(MeaslesEvidence).where(
        MeaslesEvidence.person_id == person.id, MeaslesEvidence.voided_at.is_(None),
        MeaslesEvidence.date <= on))}
    if measles.status == "befreit":
        basis = "kontraindikation"
    elif any("Masern-Impfung(en) (Regel" in r and r.startswith("Erfüllt") for r in
             measles.reasons) or not kinds:
        basis = "impfung"
    else:
        basis = "immunitaet" if "immunitaet" in kinds else "bestaetigung"
    doses = sorted(
        (d for d in person.vaccinations if d.disease == "measles" and not d.is_voided
         and d.date <= on), key=lambda d: d.date)
    physician = _staff_name(session, physician_id) or next(
        (_staff_name(session, d.physician_id) for d in reversed(doses) if d.physician_id), "")
    return MeaslesSheet(
        family_name=person.family_name, given_name=person.given_name,
        birth_date=person.birth_date, status=measles.status,
        doses=tuple((d.date, catalog.require(d.product_key).name, d.lot_number) for d in doses),
        reasons=tuple(measles.reasons), physician=physician,
        place="", issued_on=on, basis=basis)


def measles_pdf(session: Session, person_id: str, on: date | None = None,
                physician_id: str | None = None) -> bytes:
    return render_measles(measles_sheet(session, person_id, on, physician_id))
