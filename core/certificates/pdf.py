"""Printouts: the A4 vaccination certificate per dose and the measles confirmation.

The certificate page is built from the *stored HC1 text* (what the QR says is what the
page says, also on reprints) plus the § 22 IfSG details the QR does not carry (lot,
physician, place). The QR is printed 80 mm wide with error correction Q: paper codes
below ~60 mm were the most reported scanning problem (cwa-documentation #644, hcert-spec
issue #6). Text is set in DejaVu Sans Condensed, shipped in ``resources/fonts`` and
embedded (subset) in every PDF: names print as entered (Wiśniewski, Yılmaz, Παπαδόπουλος,
Щербаков), never transliterated; the PDF core fonts only know cp1252. The UVCI alone uses
the core font Courier (it is ASCII by construction). A certificate signed with a training
key carries a red "MUSTER / Training" banner and a diagonal watermark.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import qrcode
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_Q

from core.catalog.valuesets import display
from core.certificates.codec import decode_hc1
from core.certificates.cose import parse_claims, parse_cose
from core.certificates.payload import ISSUER_TRAINING
from core.errors import UserError
from core.paths import resource_path

QR_WIDTH_MM = 80.0
TRAINING_TEXT = "MUSTER / Training – kein gültiger Nachweis"
_GREY = (90, 90, 90)
_RED = (200, 0, 0)
#: Family name under which the shipped Unicode TTFs are registered, by fpdf2 style.
FONT = "DejaVu"
_FONT_FILES = {"": "DejaVuSansCondensed.ttf", "B": "DejaVuSansCondensed-Bold.ttf"}

#: § 22 Abs. 3 IfSG: what every vaccination documentation must point out.
IFSG_22_3 = (
    ("Verhalten bei ungewöhnlichen Impfreaktionen",
     "Rötung, Schwellung und Schmerzen an der Einstichstelle, Abgeschlagenheit, Kopf- und "
     "Gliederschmerzen oder leichtes Fieber für 1–3 Tage sind übliche Impfreaktionen. Bei "
     "Beschwerden, die darüber hinausgehen oder länger anhalten, wenden Sie sich an Ihre "
     "Hausarztpraxis, nachts und am Wochenende an den ärztlichen Bereitschaftsdienst "
     "(116 117), im Notfall an den Rettungsdienst (112)."),
    ("Ansprüche bei einem Impfschaden",
     "Führt die Impfung zu einem gesundheitlichen Schaden, der über das übliche Ausmaß einer "
     "Impfreaktion hinausgeht, können Ansprüche auf Versorgung nach §§ 60 bis 64 IfSG "
     "(seit 01.01.2024 nach dem Vierzehnten Buch Sozialgesetzbuch, SGB XIV) bestehen."),
    ("Wo Ansprüche geltend gemacht werden",
     "Beim für Ihren Wohnort zuständigen Träger der Sozialen Entschädigung (Versorgungsamt): "
     "in Nordrhein-Westfalen der Landschaftsverband Rheinland bzw. Westfalen-Lippe, in Hessen "
     "das Hessische Amt für Versorgung und Soziales."),
)


def add_unicode_fonts(pdf: FPDF) -> None:
    """Register DejaVu Sans Condensed (regular, bold) as ``FONT``; fpdf2 embeds the glyphs.

    Every PDF producer calls this instead of using Helvetica, whose cp1252 encoding turned
    ``ś``/``ş``/``ı``/``ř`` and all Greek and Cyrillic letters into substitutes. The
    condensed cut is about as wide as Helvetica, so the page layout stays as designed.
    """
    for style, file in _FONT_FILES.items():
        path = resource_path("fonts", file)
        if not path.is_file():
            raise UserError(f"Schriftdatei „{path}“ fehlt: Installation unvollständig, bitte "
                            "Impfteam neu installieren.")
        pdf.add_font(FONT, style, str(path))


def qr_image(text: str, box_size: int = 10) -> Image.Image:
    """QR code for ``text`` with error correction Q and a 4-module quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, box_size=box_size, border=4)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white")
    return image.get_image().convert("L") if hasattr(image, "get_image") else image.convert("L")


def qr_png(text: str, training: bool = False) -> bytes:
    """The QR alone as PNG; a training certificate gets a red "MUSTER / Training" band."""
    image = qr_image(text).convert("RGB")
    if training:
        band = max(36, image.height // 10)
        framed = Image.new("RGB", (image.width, image.height + band), (200, 0, 0))
        framed.paste(image, (0, 0))
        draw = ImageDraw.Draw(framed)
        font = ImageFont.load_default(size=band * 0.6)
        draw.text((image.width / 2, image.height + band / 2), "MUSTER / Training",
                  fill="white", font=font, anchor="mm")
        image = framed
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class CertificateSheet:
    """Everything printed on one certificate page."""

    hc1: str
    payload: dict[str, Any]
    issued_at: datetime
    kid: str
    lot_number: str = ""
    physician: str = ""
    place: str = ""
    team: str = ""
    next_dose: date | None = None
    next_dose_note: str = ""

    @property
    def training(self) -> bool:
        entries = self.payload.get("v") or [{}]
        return bool(entries and entries[0].get("is") == ISSUER_TRAINING)


def payload_of(hc1: str) -> dict[str, Any]:
    """The payload of a stored HC1 (our own, already verified when issued)."""
    return parse_claims(parse_cose(decode_hc1(hc1)).payload).hcert


def _de(value: str | None) -> str:
    if not value:
        return "–"
    try:
        return date.fromisoformat(value[:10]).strftime("%d.%m.%Y") if len(value) >= 10 else value
    except ValueError:
        return value


class _Page(FPDF):
    def __init__(self, training: bool) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.training = training
        self.set_auto_page_break(False)
        self.set_margins(15, 12, 15)
        self.set_creator("Impfteam")
        add_unicode_fonts(self)

    def text_line(self, text: str, size: float = 10, style: str = "", height: float = 5.5,
                  color: tuple[int, int, int] = (0, 0, 0), width: float = 0) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*color)
        self.multi_cell(width, height, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_text_color(0, 0, 0)

    def watermark(self) -> None:
        if not self.training:
            return
        self.set_fill_color(*_RED)
        self.rect(0, 0, 210, 10, style="F")
        self.set_xy(0, 2)
        self.set_font(FONT, "B", 12)
        self.set_text_color(255, 255, 255)
        self.cell(210, 6, TRAINING_TEXT, align="C")
        with self.local_context(fill_opacity=0.12), self.rotation(35, 105, 160):
            self.set_font(FONT, "B", 110)
            self.set_text_color(*_RED)
            self.set_xy(5, 140)
            self.cell(200, 40, "MUSTER", align="C")
        self.set_text_color(0, 0, 0)

    def field(self, label: str, value: str, x: float, width: float) -> None:
        self.set_x(x)
        self.set_font(FONT, "", 8)
        self.set_text_color(*_GREY)
        self.cell(width, 4, label, new_x="LEFT", new_y="NEXT")
        self.set_x(x)
        self.set_font(FONT, "B", 11)
        self.set_text_color(0, 0, 0)
        self.multi_cell(width, 5.5, value or "–", new_x="LEFT", new_y="NEXT", align="L")
        self.ln(1.2)


def render_certificate(sheet: CertificateSheet) -> bytes:
    """One A4 page: QR left, dose data right, UVCI, physician, next dose, § 22 notes."""
    pdf = _Page(sheet.training)
    pdf.add_page()
    pdf.watermark()
    entry: dict[str, Any] = (sheet.payload.get("v") or [{}])[0]
    nam: dict[str, Any] = sheet.payload.get("nam") or {}
    pdf.set_y(16)
    pdf.text_line("Impfzertifikat COVID-19", 20, "B", 9)
    pdf.text_line("Digitales COVID-Zertifikat der EU · EU Digital COVID Certificate", 10,
                  color=_GREY)
    pdf.set_draw_color(*_GREY)
    pdf.line(15, 36, 195, 36)
    top = 42.0
    pdf.image(qr_image(sheet.hc1), x=15, y=top, w=QR_WIDTH_MM)
    pdf.set_xy(102, top)
    name = f"{nam.get('fn', '')}, {nam.get('gn', '')}".strip(", ")
    fields = [
        ("Name, Vorname / Name", name),
        ("Geburtsdatum / Date of birth", _de(sheet.payload.get("dob"))),
        ("Impfstoff / Vaccine", display("mp", str(entry.get("mp", "")))),
        ("Hersteller / Manufacturer", display("ma", str(entry.get("ma", "")))),
        ("Impfstofftyp / Vaccine type", display("vp", str(entry.get("vp", "")))),
        ("Dosis / Dose", f"{entry.get('dn', '?')} von {entry.get('sd', '?')}"),
        ("Impfdatum / Date of vaccination", _de(entry.get("dt"))),
        ("Charge / Lot", sheet.lot_number),
        ("Land, Aussteller / Country, issuer", f"{entry.get('co', '')}, {entry.get('is', '')}"),
    ]
    for label, value in fields:
        pdf.field(label, value, 102, 93)
    pdf.set_y(max(pdf.get_y(), top + QR_WIDTH_MM + 4))
    pdf.text_line("Zertifikatkennung (UVCI)", 8, color=_GREY, height=4)
    uvci = str(entry.get("ci", ""))
    pdf.set_font("Courier" if uvci.isascii() else FONT, "B", 11)
    pdf.cell(0, 6, uvci, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.text_line(f"Verantwortliche Ärztin / verantwortlicher Arzt: {sheet.physician or '–'}", 10)
    if sheet.place or sheet.team:
        pdf.text_line(f"Impfteam / Ort: {', '.join(p for p in (sheet.team, sheet.place) if p)}",
                      10)
    pdf.ln(2)
    _next_dose_box(pdf, sheet)
    pdf.ln(3)
    pdf.text_line("Hinweise nach § 22 Abs. 3 Infektionsschutzgesetz (IfSG)", 11, "B")
    for title, body in IFSG_22_3:
        pdf.text_line(title, 9, "B", 4.5)
        pdf.text_line(body, 9, height=4.3)
        pdf.ln(1)
    _footer(pdf, sheet)
    return bytes(pdf.output())


def _next_dose_box(pdf: _Page, sheet: CertificateSheet) -> None:
    y = pdf.get_y()
    pdf.set_fill_color(235, 242, 250)
    pdf.rect(15, y, 180, 18, style="F")
    pdf.set_xy(18, y + 2)
    when = (f"frühestens am {sheet.next_dose:%d.%m.%Y}" if sheet.next_dose
            else "derzeit keine weitere Impfung empfohlen")
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 5, f"Nächste Impfung: {when}", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*_GREY)
    note = sheet.next_dose_note or "Nach den am Ausstellungstag geltenden Impfempfehlungen."
    pdf.multi_cell(174, 3.8, note[:300], new_x="LMARGIN", new_y="NEXT", align="L",
                   max_line_height=3.8)
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(y + 19)


def _footer(pdf: _Page, sheet: CertificateSheet) -> None:
    pdf.set_y(-18)
    pdf.set_draw_color(*_GREY)
    pdf.line(15, pdf.get_y(), 195, pdf.get_y())
    issued = sheet.issued_at.replace(tzinfo=UTC).astimezone().strftime("%d.%m.%Y %H:%M")
    text = (f"Ausgestellt am {issued} · Signaturschlüssel (kid) {sheet.kid} · "
            "Die Angaben entsprechen dem Inhalt des QR-Codes.")
    if sheet.training:
        text = "MUSTER – mit einem Schulungsschlüssel signiert, nicht gültig. " + text
    pdf.text_line(text, 7.5, color=_RED if sheet.training else _GREY, height=3.8)


@dataclass(frozen=True, slots=True)
class MeaslesSheet:
    """Content of the measles confirmation (Nachweis nach § 20 Abs. 9 IfSG)."""

    family_name: str
    given_name: str
    birth_date: date
    status: str
    doses: tuple[tuple[date, str, str], ...]
    reasons: tuple[str, ...]
    physician: str = ""
    place: str = ""
    issued_on: date | None = None
    basis: str = "impfung"


#: What is confirmed, by the basis of the status (§ 20 Abs. 9 Satz 1 Nr. 1-3 IfSG).
_MEASLES_TEXT = {
    "impfung": ("Bei der oben genannten Person liegt ein nach § 20 Abs. 8 Satz 2 IfSG "
                "ausreichender Impfschutz gegen Masern vor (§ 20 Abs. 9 Satz 1 Nr. 1 IfSG)."),
    "immunitaet": ("Bei der oben genannten Person liegt eine Immunität gegen Masern vor "
                   "(ärztliches Zeugnis, § 20 Abs. 9 Satz 1 Nr. 2 IfSG)."),
    "kontraindikation": ("Die oben genannte Person kann aufgrund einer medizinischen "
                         "Kontraindikation nicht gegen Masern geimpft werden (ärztliches "
                         "Zeugnis, § 20 Abs. 9 Satz 1 Nr. 2 IfSG)."),
    "bestaetigung": ("Für die oben genannte Person liegt eine Bestätigung einer staatlichen "
                     "Stelle oder Einrichtung vor, dass ein Nachweis nach § 20 Abs. 9 Satz 1 "
                     "Nr. 1 oder 2 IfSG bereits vorgelegen hat (§ 20 Abs. 9 Satz 1 Nr. 3 IfSG)."),
}


def render_measles(sheet: MeaslesSheet) -> bytes:
    """A4 confirmation for ``erfuellt``/``befreit`` (other statuses are refused upstream)."""
    pdf = _Page(False)
    pdf.add_page()
    pdf.set_y(16)
    pdf.text_line("Nachweis über Masernschutz", 20, "B", 9)
    pdf.text_line("Ärztliche Bescheinigung nach § 20 Abs. 9 Infektionsschutzgesetz (IfSG)", 10,
                  color=_GREY)
    pdf.line(15, 36, 195, 36)
    pdf.set_y(42)
    pdf.field("Name, Vorname", f"{sheet.family_name}, {sheet.given_name}", 15, 180)
    pdf.field("Geburtsdatum", f"{sheet.birth_date:%d.%m.%Y}", 15, 180)
    pdf.ln(2)
    pdf.text_line(_MEASLES_TEXT[sheet.basis], 11)
    pdf.ln(2)
    if sheet.doses:
        pdf.text_line("Dokumentierte Masern-Impfungen", 10, "B")
        for number, (day, product, lot) in enumerate(sheet.doses, start=1):
            lot_text = f", Charge {lot}" if lot else ""
            pdf.text_line(f"{number}. Impfung am {day:%d.%m.%Y}: {product}{lot_text}", 10)
        pdf.ln(2)
    pdf.text_line("Grundlage der Bewertung", 10, "B")
    for reason in sheet.reasons:
        pdf.text_line(f"– {reason}", 8.5, color=_GREY, height=4.3)
    pdf.ln(14)
    y = pdf.get_y()
    issued = sheet.issued_on or date.today()
    pdf.line(15, y, 90, y)
    pdf.line(110, y, 195, y)
    pdf.set_y(y + 1)
    pdf.text_line(f"Ort, Datum: {sheet.place or '__________'}, {issued:%d.%m.%Y}", 8,
                  width=80)
    pdf.set_xy(110, y + 1)
    pdf.set_font(FONT, "", 8)
    pdf.multi_cell(85, 4.5, f"Unterschrift und Stempel der Ärztin/des Arztes\n"
                            f"{sheet.physician}")
    return bytes(pdf.output())
