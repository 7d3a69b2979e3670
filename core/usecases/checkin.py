"""Check-in at a visit: scanner text classified once, then by ticket, certificate or name.

The check-in line (and ``checkin`` on the CLI) gets raw text from a USB scanner in
keyboard-wedge mode or from the keyboard. ``classify`` decides once what it is, with the
same keyboard-layout repair the scan page uses, so a ticket or certificate typed on the
wrong layout still works and a name is never mistaken for a code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from core.db.models import Visit
from core.errors import ValidationError
from core.scanning.wedge import german_layout_repair, repair_scanner_input, us_layout_repair
from core.security.permissions import require
from core.services import records
from core.services.checkin import TICKET_PREFIX, check_in_person, is_ticket, parse_ticket
from core.services.context import Actor
from core.services.search import likely_same
from core.usecases.changes import Changes, Written
from core.usecases.registration import adopt_certificate

TICKET, CERTIFICATE, NAME, UNKNOWN = "ticket", "certificate", "name", "unknown"


@dataclass(frozen=True, slots=True)
class ScanInput:
    kind: str  # ticket | certificate | name | unknown
    text: str  # repaired code, or the typed text
    message: str = ""  # German note (repair done) or why the code is not usable


def classify(raw: str) -> ScanInput:
    text = raw.strip().strip("\r\n\t")
    if not text:
        return ScanInput(NAME, "")
    for candidate in (text, german_layout_repair(text), us_layout_repair(text)):
        if is_ticket(candidate):
            return ScanInput(TICKET, candidate.strip(),
                             "" if candidate == text else "Scannereingabe repariert.")
    upper = text.upper()
    if upper.startswith("HC1") or german_layout_repair(text).upper().startswith("HC1:"):
        repaired = repair_scanner_input(text)
        if repaired.ok and repaired.text:
            return ScanInput(CERTIFICATE, repaired.text,
                             repaired.message if repaired.repaired else "")
        return ScanInput(UNKNOWN, text, repaired.message)
    if (":" in text or "Ö" in text) and " " not in text and len(text) > 12:
        return ScanInput(UNKNOWN, text, "Code nicht erkannt: kein Impfteam-Ticket und kein "
                         "Impfzertifikat. Bitte Namen eingeben.")
    return ScanInput(NAME, text)


@dataclass(frozen=True, slots=True)
class CheckedIn:
    person_id: str
    queue_number: int
    registered: bool
    adopted_doses: int
    skipped: tuple[str, ...] = ()


def _require_open(session: Session, visit_id: str, today: date) -> Visit:
    visit = records.find_active(session, Visit, visit_id)
    if visit.status == "abgeschlossen":
        raise ValidationError("Der Einsatz ist abgeschlossen; keine Anmeldungen mehr.")
    if visit.date != today:
        raise ValidationError(f"Der Einsatz ist am {visit.date:%d.%m.%Y}, nicht heute; "
                              "Anmeldungen nur am Einsatztag.")
    return visit


def _queue(session: Session, actor: Actor, visit: Visit, person_id: str,
           ticket: int | None, registered: bool = False, adopted: int = 0,
           skipped: tuple[str, ...] = ()) -> Written[CheckedIn]:
    entry = check_in_person(session, actor, visit.id, person_id, ticket)
    return Written(CheckedIn(entry.person_id, int(entry.ticket_number or 0), registered,
                             adopted, skipped),
                   Changes(checkins=True, persons=registered, doses=adopted > 0,
                           person_ids=frozenset({entry.person_id}),
                           visit_ids=frozenset({visit.id})))


def check_in_by_person(session: Session, actor: Actor, visit_id: str, person_id: str,
                       today: date) -> Written[CheckedIn]:
    require(actor, "checkin")
    return _queue(session, actor, _require_open(session, visit_id, today), person_id, None)


def check_in_by_ticket(session: Session, actor: Actor, visit_id: str, ticket_text: str,
                       person_id: str, today: date) -> Written[CheckedIn]:
    """A ticket names the visit and a queue number, never the person: both are needed."""
    require(actor, "checkin")
    visit = _require_open(session, visit_id, today)
    scanned = classify(ticket_text)
    if scanned.kind != TICKET:
        raise ValidationError(f"Das ist kein Impfteam-Ticket ({TICKET_PREFIX}…). Bitte erneut "
                              "scannen oder den Namen eingeben.", field="ticket")
    ticket = parse_ticket(scanned.text)
    if ticket.visit_id not in (visit.id, visit.external_id):
        raise ValidationError("Dieses Ticket gehört zu einem anderen Einsatz.", field="ticket")
    return _queue(session, actor, visit, person_id, ticket.number)


def check_in_by_certificate(session: Session, actor: Actor, visit_id: str, hc1: str,
                            today: date, register: bool = False) -> Written[CheckedIn]:
    """Find the holder (name + birth date); adopt the certificate's dose as a back-entry.

    Unknown holders are registered from the certificate only with ``register``.
    """
    from core.certificates.holder import prefill
    from core.certificates.verify import verify_hc1

    require(actor, "checkin")
    visit = _require_open(session, visit_id, today)
    scanned = classify(hc1)
    if scanned.kind != CERTIFICATE:
        raise ValidationError(scanned.message or "Kein EU-Impfzertifikat (HC1:…). Bitte erneut "
                              "scannen.", field="hc1")
    result = verify_hc1(scanned.text, None)
    if not result.decoded or not result.payload:
        reason = "; ".join(result.errors) or "unlesbar"
        raise ValidationError(f"Zertifikat nicht lesbar ({reason}). Bitte erneut scannen.",
                              field="hc1")
    data = prefill(result.payload)
    if not data.family_name:
        raise ValidationError("Im Zertifikat fehlt der Name. Bitte Person von Hand suchen.",
                              field="hc1")
    hits = likely_same(session, f"{data.family_name}, {data.given_name}",
                       birth=data.birth_date, limit=2)
    exact = [h for h in hits if data.birth_date is not None and h.birth_date == data.birth_date]
    if exact:
        adopted = adopt_certificate(session, actor, data, today, person_id=exact[0].id)
    elif register:
        adopted = adopt_certificate(session, actor, data, today, force_duplicate=bool(hits))
    else:
        raise ValidationError(
            f"{data.family_name}, {data.given_name} ist noch nicht registriert. Bitte aus dem "
            "Zertifikat aufnehmen (Neue Person) oder von Hand suchen.", field="hc1")
    value = adopted.value
    written = _queue(session, actor, visit, value.person_id, None, value.created_person,
                     len(value.dose_ids), tuple(value.skipped))
    return Written(written.value, written.changes | adopted.changes)
