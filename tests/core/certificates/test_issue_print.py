"""Issuing for stored doses (DB), the printouts, and the scan round trip."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import decode as zbar_decode
from sqlalchemy import select

from core.certificates import issue as issue_module
from core.certificates.issue import active_certificate, issue_with
from core.certificates.keys import make_training_pki
from core.certificates.pdf import TRAINING_TEXT, payload_of, qr_png, render_measles
from core.certificates.printing import (
    certificate_sheet,
    measles_pdf,
    measles_sheet,
    write_certificate,
)
from core.certificates.schema import SchemaResult
from core.certificates.trust import TrustList
from core.certificates.uvci import is_valid
from core.certificates.verify import verify_hc1
from core.db.engine import Database
from core.db.models import AuditEntry, Certificate, Infection, MeaslesEvidence
from core.errors import ValidationError
from core.scanning.decode import decode_image
from core.services.context import Actor, stamp_new
from core.services.vaccinations import VaccinationInput, record_vaccination
from tests.conftest import TODAY, World

IDENTITY = make_training_pki()[1]


def _dose(db: Database, actor: Actor, world: World, product: str = "Comirnaty",
          day: date = TODAY, number: int = 1, series: int = 2) -> str:
    with db.session() as s:
        if product == "Comirnaty" and day == TODAY:
            data = VaccinationInput(world.person_id, day, product, number, series,
                                    visit_id=world.visit_id, lot_id=world.lot_id,
                                    physician_id=world.doctor_id, vaccinator_id=world.vaccinator_id,
                                    consent_recorded=True,
                                    anamnesis_recorded=True)
        else:
            data = VaccinationInput(world.person_id, day, product, number, series,
                                    source="nachtrag_impfpass", lot_number="ALT1")
        return record_vaccination(s, actor, data).id


def test_issue_stores_uvci_hc1_kid_and_audit(db: Database, actor: Actor, world: World) -> None:
    dose_id = _dose(db, actor, world)
    with db.session() as s:
        cert = issue_with(s, actor, dose_id, IDENTITY)
        cert_id, uvci, hc1 = cert.id, cert.uvci, cert.hc1
    with db.session() as s:
        stored = s.get(Certificate, cert_id)
        assert stored is not None and stored.key_id == IDENTITY.kid_b64
        audits = s.scalars(select(AuditEntry).where(AuditEntry.entity_id == cert_id)).all()
        assert [a.action for a in audits] == ["create"]
        assert active_certificate(s, dose_id) is not None
    assert is_valid(uvci) and uvci.startswith("URN:UVCI:01DE/IZ/T1")
    payload = payload_of(hc1)
    assert payload["nam"] == {"fn": "Müller", "fnt": "MUELLER", "gn": "Anna", "gnt": "ANNA"}
    assert payload["v"][0]["ci"] == uvci and payload["v"][0]["is"].startswith("MUSTER")
    assert (payload["v"][0]["dn"], payload["v"][0]["sd"]) == (1, 2)
    result = verify_hc1(hc1, TrustList.of([IDENTITY.certificate]))
    assert result.signature == "valid" and result.status == "unvollstaendig"


def test_booster_numbering_from_history(db: Database, actor: Actor, world: World) -> None:
    _dose(db, actor, world, day=TODAY - timedelta(days=300), number=1, series=2)
    _dose(db, actor, world, day=TODAY - timedelta(days=260), number=2, series=2)
    dose_id = _dose(db, actor, world, number=1, series=1)  # desk typed 1/1 by mistake
    with db.session() as s:
        hc1 = issue_with(s, actor, dose_id, IDENTITY).hc1
    entry = payload_of(hc1)["v"][0]
    assert (entry["dn"], entry["sd"]) == (3, 3)


def test_after_recovery_is_1_of_1(db: Database, actor: Actor, world: World) -> None:
    with db.session() as s:
        infection = Infection(person_id=world.person_id,
                              positive_test_date=TODAY - timedelta(days=90), test_type="PCR")
        stamp_new(infection, actor)
        s.add(infection)
    dose_id = _dose(db, actor, world)
    with db.session() as s:
        entry = payload_of(issue_with(s, actor, dose_id, IDENTITY).hc1)["v"][0]
    assert (entry["dn"], entry["sd"]) == (1, 1)


def test_measles_dose_and_voided_dose_refused(db: Database, actor: Actor, world: World) -> None:
    measles = _dose(db, actor, world, "Priorix", TODAY - timedelta(days=30))
    with db.session() as s, pytest.raises(ValidationError, match="nur für COVID-19"):
        issue_with(s, actor, measles, IDENTITY)


def test_schema_failure_signs_nothing(db: Database, actor: Actor, world: World,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    dose_id = _dose(db, actor, world)
    monkeypatch.setattr(issue_module, "validate_payload",
                        lambda p: SchemaResult(False, "1.3.3", ["dob: kaputt"]))
    monkeypatch.setattr(issue_module, "sign_payload", lambda *a: pytest.fail("signed"))
    with pytest.raises(ValidationError, match="EU-Schema: dob: kaputt"), db.session() as s:
        issue_with(s, actor, dose_id, IDENTITY)
    with db.session() as s:
        assert s.scalars(select(Certificate)).all() == []


def test_round_trip_issue_png_scan_verify(db: Database, actor: Actor, world: World) -> None:
    dose_id = _dose(db, actor, world, day=TODAY - timedelta(days=20), number=2, series=2)
    with db.session() as s:
        hc1 = issue_with(s, actor, dose_id, IDENTITY).hc1
    png = Image.open(io.BytesIO(qr_png(hc1)))
    texts = decode_image(png)
    assert texts == [hc1]
    result = verify_hc1(texts[0], TrustList.of([IDENTITY.certificate]))
    assert result.signature == "valid"
    assert result.status == "vollstaendig", result.reasons
    assert result.person == {"family_name": "Müller", "given_name": "Anna",
                             "birth_date": "1980-04-10"}


def test_certificate_pdf_and_reprint(db: Database, actor: Actor, world: World,
                                     tmp_path: Path) -> None:
    dose_id = _dose(db, actor, world)
    with db.session() as s:
        cert = issue_with(s, actor, dose_id, IDENTITY)
        sheet = certificate_sheet(s, cert)
        assert sheet.training and sheet.lot_number == "FK1234"
        assert sheet.physician == "Eva Wagner" and "Gütersloh" in sheet.place
        assert sheet.next_dose is not None and sheet.next_dose > TODAY
        pdf = write_certificate(s, cert, tmp_path / "c.pdf")
        txt = write_certificate(s, cert, tmp_path / "c.txt")
        with pytest.raises(ValidationError, match="Dateiendung"):
            write_certificate(s, cert, tmp_path / "c.doc")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert txt.read_text().strip() == cert.hc1
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) not installed: page not rendered")
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "page")],
                   check=True)
    page = Image.open(tmp_path / "page-1.png")
    assert decode_image(page) == [cert.hc1]  # the printed QR scans back
    symbol = zbar_decode(page.convert("L"))[0]
    assert symbol.rect.width >= 60 / 25.4 * 150  # at least 60 mm wide on paper
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    for expected in (TRAINING_TEXT, "Müller, Anna", "10.04.1980", cert.uvci, "Eva Wagner",
                     "§ 22 Abs. 3", "Nächste Impfung", "FK1234", "1 von 2"):
        assert expected in text, expected


def test_measles_confirmation(db: Database, actor: Actor, world: World) -> None:
    with db.session() as s, pytest.raises(ValidationError, match="nicht_erfuellt"):
        measles_pdf(s, world.person_id)
    _dose(db, actor, world, "Priorix", date(1981, 6, 1), 1, 2)
    _dose(db, actor, world, "Priorix", date(1981, 9, 1), 2, 2)
    with db.session() as s:
        data = measles_pdf(s, world.person_id, physician_id=world.doctor_id)
    assert data.startswith(b"%PDF") and len(data) > 1000
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed: text not checked")
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()
    for expected in ("Nachweis über Masernschutz", "§ 20 Abs. 9", "Müller, Anna",
                     "10.04.1980", "01.06.1981", "01.09.1981", "Priorix", "Eva Wagner",
                     "ausreichender Impfschutz"):
        assert expected in text, expected


@pytest.mark.parametrize(("kind", "status", "basis"), [
    ("immunitaet", "erfuellt", "immunitaet"),
    ("kontraindikation", "befreit", "kontraindikation"),
    ("bestaetigung", "erfuellt", "bestaetigung"),
])
def test_measles_confirmation_by_evidence(db: Database, actor: Actor, world: World,
                                          kind: str, status: str, basis: str) -> None:
    with db.session() as s:
        evidence = MeaslesEvidence(person_id=world.person_id, kind=kind,
                                   date=TODAY - timedelta(days=10), issuer="Dr. X")
        stamp_new(evidence, actor)
        s.add(evidence)
    with db.session() as s:
        sheet = measles_sheet(s, world.person_id)
    assert (sheet.status, sheet.basis, sheet.doses) == (status, basis, ())
    assert render_measles(sheet).startswith(b"%PDF")


def test_training_png_has_red_muster_band(db: Database, actor: Actor, world: World,
                                          tmp_path: Path) -> None:
    dose_id = _dose(db, actor, world)
    with db.session() as s:
        cert = issue_with(s, actor, dose_id, IDENTITY)
        path = write_certificate(s, cert, tmp_path / "qr.png")
        hc1 = cert.hc1
    image = Image.open(path).convert("RGB")
    assert image.getpixel((2, image.height - 2)) == (200, 0, 0)
    assert decode_image(image) == [hc1]
    plain = Image.open(io.BytesIO(qr_png(hc1))).convert("RGB")
    assert plain.getpixel((2, plain.height - 2)) == (255, 255, 255)
