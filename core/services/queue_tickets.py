"""Numbered queue tickets for a visit: A4 sheets of cut-out cards with a check-in QR.

The QR holds ``IMPFTEAM-T1:<visit id>:<number>`` and nothing personal, so tickets can be
handed out at the door before anyone is registered. Numbers continue after the highest
number already used at the visit, so reprinting never produces duplicates.
"""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from sqlalchemy.orm import Session

from core.certificates.pdf import FONT, add_unicode_fonts, qr_image
from core.db.models import Visit
from core.errors import ValidationError
from core.services import records
from core.services.checkin import Ticket, next_ticket_number

COLUMNS, ROWS = 3, 4  # 12 cards of 70 × 74 mm per A4 page
CARD_W, CARD_H = 70.0, 74.0
MAX_TICKETS = 500


def ticket_pdf(session: Session, visit_id: str, count: int, out: Path,
               first: int | None = None) -> tuple[int, int]:
    """Write ``count`` tickets to ``out``; returns the first and last number printed."""
    if not 1 <= count <= MAX_TICKETS:
        raise ValidationError(f"Anzahl: zwischen 1 und {MAX_TICKETS} Wartenummern.",
                              field="count")
    visit = records.find_active(session, Visit, visit_id)
    start = first or next_ticket_number(session, visit.id)
    pdf = FPDF(format="A4")
    add_unicode_fonts(pdf)  # site names print as entered, in any script DejaVu covers
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0)
    title = f"{visit.site.name} – {visit.date:%d.%m.%Y}"
    for index in range(count):
        slot = index % (COLUMNS * ROWS)
        if slot == 0:
            pdf.add_page()
        x = 0 + (slot % COLUMNS) * CARD_W
        y = 1.5 + (slot // COLUMNS) * CARD_H
        number = start + index
        pdf.set_draw_color(170, 170, 170)
        pdf.rect(x + 2, y + 2, CARD_W - 4, CARD_H - 4)
        pdf.set_xy(x + 4, y + 4)
        pdf.set_font(FONT, "B", 22)
        pdf.cell(CARD_W - 8, 10, f"Nr. {number}", align="C")
        buffer = io.BytesIO()
        qr_image(Ticket(visit.id, number).text(), box_size=6).save(buffer, format="PNG")
        pdf.image(buffer, x=x + (CARD_W - 42) / 2, y=y + 15, w=42, h=42)
        pdf.set_xy(x + 4, y + 58)
        pdf.set_font(FONT, "", 8)
        pdf.multi_cell(CARD_W - 8, 4, title, align="C")
    try:
        out.write_bytes(bytes(pdf.output()))
    except OSError as exc:
        raise ValidationError(f"Datei „{out}“ kann nicht geschrieben werden "
                              f"({exc.strerror}).") from None
    return start, start + count - 1
