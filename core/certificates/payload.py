"""The hcert (DCC 1.3) payload for one stored COVID-19 dose.

Two rules shape it. Names: ``fn``/``gn`` as written (NFC), ``fnt``/``gnt`` in the ICAO
9303 machine-readable form (``A-Z`` and ``<``), because verifiers match holders on the
transliterated names. Dose numbers: the German issuing convention, not the number typed
at the desk: a base series counts ``k/sd``; boosters after a two-dose series are ``3/3``,
``4/4``; after a Janssen first dose or a documented infection the series is ``1/1`` and
every later dose ``k/1`` (``2/1``, ``3/1``; EU encoding since 2022-02-01).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalog.products import Product, get_catalog
from core.certificates.names import MAX_NAME, transliterate_part
from core.certificates.names import transliterate as transliterate  # re-exported
from core.db.models import Infection, Person, Vaccination
from core.errors import ValidationError

SCHEMA_VERSION = "1.3.0"
TG_COVID19 = "840539006"
COUNTRY = "DE"
#: ``is`` as German certificates carry it (RKI is the issuer of record in DE).
ISSUER_DE = "Robert Koch-Institut"
#: ``is`` for certificates signed with a training key: never passes as real.
ISSUER_TRAINING = "MUSTER – Impfteam-Training, kein gültiger Nachweis"


@dataclass(frozen=True, slots=True)
class DoseEvent:
    """A dose as the numbering sees it: day and product (voided doses never get here);
    ``documented`` is the (dn, sd) a back-entered proof states, when known."""

    date: date
    product: Product
    documented: tuple[int, int] | None = None


def german_dose_numbers(
    history: Iterable[DoseEvent], dose: DoseEvent, infections_before: Iterable[date] = (),
    recorded_number: int = 1,
) -> tuple[int, int]:
    """``(dn, sd)`` for ``dose`` given the person's other COVID-19 doses and infections.

    The numbers come from ``core.rules.numbering.next_numbers`` – the function that also
    numbers the stored dose – with the series the rules in force on the dose date see
    in the earlier doses (infections count as nucleic-acid confirmed: only their dates
    reach the certificate), so certificate and record cannot disagree.
    ``recorded_number`` (the dose number entered at the desk) wins when it is higher than
    the doses we know of, so a person whose earlier doses were never back-entered still
    gets the right running total; the base series then counts as a standard one.
    """
    # Imported here: the rule book is only needed when a certificate is numbered.
    from core.rules import Infection as RuleInfection
    from core.rules import Vaccination as RuleDose
    from core.rules import get_rulebook, next_numbers, split_series

    earlier = sorted((d for d in history if d.date < dose.date), key=lambda d: d.date)
    prior = [RuleDose(d.date, d.product, d.documented) for d in earlier]
    days = sorted(day for day in infections_before if day <= dose.date)
    first = earlier[0] if earlier else dose
    series = split_series(prior, [RuleInfection(day, "PCR") for day in days],
                          get_rulebook().on(dose.date))
    dn, sd, _ = next_numbers(prior, dose.product, series, on=dose.date,
                             infection_before=any(day < first.date for day in days),
                             recorded_number=recorded_number)
    return dn, sd


def _name_part(value: str, field: str) -> str:
    text = unicodedata.normalize("NFC", value.strip())
    if len(text) > MAX_NAME:
        raise ValidationError(f"{field}: höchstens {MAX_NAME} Zeichen im Zertifikat.",
                              field=field)
    return text


def person_name(family: str, given: str) -> dict[str, str]:
    """The ``nam`` object; empty given names are left out (schema allows fn-only)."""
    fn, gn = _name_part(family, "Nachname"), _name_part(given, "Vorname")
    nam = {"fn": fn, "fnt": transliterate_part(fn, "Nachname")}
    if gn:
        nam.update({"gn": gn, "gnt": transliterate_part(gn, "Vorname")})
    if not nam["fnt"] and not nam.get("gnt"):
        raise ValidationError("Name lässt sich nicht in Lateinschrift umschreiben (ICAO 9303).")
    return nam


def build_payload(
    person: Person, vaccination: Vaccination, history: list[Vaccination],
    infections: list[date], uvci: str, issuer: str = ISSUER_DE,
) -> dict[str, Any]:
    """DCC payload for ``vaccination``; ``history`` are the person's active doses."""
    catalog = get_catalog()
    product = catalog.require(vaccination.product_key)
    if product.disease != "covid19" or not (product.vp and product.mp and product.ma):
        raise ValidationError(
            f"Für {product.name} gibt es kein EU-Impfzertifikat (nur COVID-19-Impfstoffe).")
    events = [DoseEvent(v.date, catalog.require(v.product_key)) for v in history
              if v.id != vaccination.id and v.disease == "covid19"]
    dn, sd = german_dose_numbers(events, DoseEvent(vaccination.date, product), infections,
                                 vaccination.dose_number)
    return {
        "ver": SCHEMA_VERSION,
        "nam": person_name(person.family_name, person.given_name),
        "dob": person.birth_date.isoformat(),
        "v": [{
            "tg": TG_COVID19,
            "vp": product.vp,
            "mp": product.mp,
            "ma": product.ma,
            "dn": dn,
            "sd": sd,
            "dt": vaccination.date.isoformat(),
            "co": COUNTRY,
            "is": issuer,
            "ci": uvci,
        }],
    }


def payload_for(session: Session, vaccination: Vaccination, uvci: str,
                issuer: str = ISSUER_DE) -> dict[str, Any]:
    """Load the person's other doses and infections and build the payload."""
    person = session.get(Person, vaccination.person_id)
    if person is None:
        raise ValidationError("Person zur Impfung nicht gefunden.")
    history = list(session.scalars(select(Vaccination).where(
        Vaccination.person_id == person.id, Vaccination.voided_at.is_(None),
        Vaccination.disease == "covid19")))
    infections = list(session.scalars(select(Infection.positive_test_date).where(
        Infection.person_id == person.id, Infection.voided_at.is_(None))))
    return build_payload(person, vaccination, history, infections, uvci, issuer)
