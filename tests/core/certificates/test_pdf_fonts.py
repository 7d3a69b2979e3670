"""Names print as entered: every PDF embeds DejaVu Sans Condensed, not cp1252 Helvetica.

Against the old Helvetica code these fail twice: the text layer said ``WiSniewski``,
``AySe``, ``YIlmaz``, ``DvoRák`` and Greek/Cyrillic came out transliterated letter by
letter, and no ``DejaVuSans`` font object was in the file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from core.certificates.issue import issue_with
from core.certificates.keys import make_training_pki
from core.certificates.pdf import MeaslesSheet, payload_of, render_measles
from core.certificates.printing import write_certificate
from core.db.engine import Database
from core.db.models import Site
from core.services.context import Actor
from core.services.persons import PersonInput, create_person
from core.services.queue_tickets import ticket_pdf
from core.services.vaccinations import VaccinationInput, record_vaccination
from tests.conftest import TODAY, World

IDENTITY = make_training_pki()[1]

NAMES = [
    ("Wiśniewski", "Ayşe", "WISNIEWSKI", "AYSE"),
    ("Yılmaz", "Ünal", "YILMAZ", "UENAL"),
    ("Dvořák", "Jiří", "DVORAK", "JIRI"),
    ("Παπαδόπουλος", "Γεώργιος", "PAPADOPOULOS", "GEORGIOS"),
    ("Щербаков", "Юлия", "SHCHERBAKOV", "IULIIA"),
]


def _text(pdf: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed: text layer not checked")
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                            check=True)
    return result.stdout.decode()


def _embeds_dejavu(pdf: bytes) -> bool:
    """A subset TrueType font ``/BaseFont /ABCDEF+DejaVuSansCondensed`` with its file."""
    return (re.search(rb"/BaseFont\s*/[A-Z]{6}\+DejaVuSansCondensed", pdf) is not None
            and b"/FontFile2" in pdf and b"/Helvetica" not in pdf)


def _certificate(db: Database, actor: Actor, world: World, family: str, given: str,
                 out: Path) -> tuple[bytes, str]:
    with db.session() as s:
        person = create_person(s, actor, PersonInput(family, given, date(1985, 3, 7), "u"))
        dose = record_vaccination(s, actor, VaccinationInput(
            person.id, TODAY, "Comirnaty", 1, 2, visit_id=world.visit_id,
            lot_id=world.lot_id, physician_id=world.doctor_id,
            vaccinator_id=world.vaccinator_id, consent_recorded=True,
            anamnesis_recorded=True))
        cert = issue_with(s, actor, dose.id, IDENTITY)
        path = write_certificate(s, cert, out)
        return path.read_bytes(), cert.hc1


@pytest.mark.parametrize(("family", "given", "fnt", "gnt"), NAMES)
def test_certificate_prints_names_as_entered(db: Database, actor: Actor, world: World,
                                             tmp_path: Path, family: str, given: str,
                                             fnt: str, gnt: str) -> None:
    pdf, hc1 = _certificate(db, actor, world, family, given, tmp_path / "c.pdf")
    assert _embeds_dejavu(pdf)
    assert payload_of(hc1)["nam"] == {"fn": family, "fnt": fnt, "gn": given, "gnt": gnt}
    text = _text(pdf)
    assert f"{family}, {given}" in text
    for german in ("Nächste Impfung", "§ 22 Abs. 3", "MUSTER / Training – kein gültiger"):
        assert german in text, german


def test_measles_confirmation_prints_names_as_entered() -> None:
    sheet = MeaslesSheet("Παπαδόπουλος", "Ayşe", date(1990, 1, 2), "erfuellt",
                         ((date(1991, 6, 1), "Priorix", "A1"),), ("2 Impfungen",),
                         physician="Dr. Łucja Dvořáková", issued_on=TODAY)
    pdf = render_measles(sheet)
    assert _embeds_dejavu(pdf)
    text = _text(pdf)
    for expected in ("Παπαδόπουλος, Ayşe", "Dr. Łucja Dvořáková", "Nachweis über Masernschutz"):
        assert expected in text, expected


def test_queue_tickets_print_site_name_as_entered(db: Database, actor: Actor, world: World,
                                                 tmp_path: Path) -> None:
    with db.session() as s:
        site = s.get(Site, world.site_id)
        assert site is not None
        site.name = "Jobcenter Świętochłowice"
    with db.session() as s:
        ticket_pdf(s, world.visit_id, 2, tmp_path / "t.pdf")
    pdf = (tmp_path / "t.pdf").read_bytes()
    assert _embeds_dejavu(pdf)
    text = _text(pdf)
    assert f"Jobcenter Świętochłowice – {TODAY:%d.%m.%Y}" in text and "Nr. 1" in text


def test_arabic_letters_are_in_the_font() -> None:
    """The font has the Arabic glyphs (the measles sheet prints names as stored); fpdf2
    without uharfbuzz neither joins nor reorders them, so only the letters are checked."""
    sheet = MeaslesSheet("الحسن", "محمد", date(1990, 1, 2), "erfuellt", (), ("x",),
                         issued_on=TODAY - timedelta(days=1))
    pdf = render_measles(sheet)
    assert _embeds_dejavu(pdf)
    text = _text(pdf)
    assert all(letter in text for letter in "الحسنمد")
