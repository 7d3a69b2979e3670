"""Typed input of the evaluator: a person document.

The same dataclasses come from two places: ``parse_person_document`` (JSON from the CLI or
a file) and the DB adapter (stored persons for the GUI). Keeping the evaluator on these
plain, already-validated values means it never parses, never touches a session and can be
benchmarked on a million persons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from core.catalog.products import Product

#: Disease codes (same as core.db.codes.DISEASES; duplicated so rules stay DB-free).
COVID19 = "covid19"
MEASLES = "measles"

#: Test types (core.db.codes.TEST_TYPES): nucleic-acid tests and rapid antigen tests.
TEST_TYPES = ("PCR", "NAAT", "RAT")
#: The nucleic-acid tests among them (used where no rule names the confirming tests).
NUCLEIC_ACID_TESTS = frozenset({"PCR", "NAAT"})

#: Measles evidence kinds (core.db.codes.MEASLES_EVIDENCE_KINDS).
MEASLES_EVIDENCE_KINDS = ("immunitaet", "kontraindikation", "bestaetigung")


@dataclass(frozen=True, slots=True)
class Vaccination:
    """One dose: the day it was given and the resolved catalog product (gives the disease).

    ``documented`` is ``(dose_number, series_total)`` as a back-entered proof states it
    (a certificate's dn/sd, an Impfpass entry). A DCC carries only the last dose, so a
    stored "2/2" is often the only record of a series; the series split (``series.py``)
    reads these numbers so the earlier, undated doses still count. ``None`` for doses
    given here: the rules count those themselves.
    """

    date: date
    product: Product
    documented: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Infection:
    """A positive test documenting an infection; ``test`` is one of ``TEST_TYPES``."""

    date: date
    test: str


@dataclass(frozen=True, slots=True)
class CovidTest:
    """A test result. ``time_known`` is False for a bare date: the tested rule then says
    which time of day it means (design.md: 12:00), so the 24 h/48 h windows stay data."""

    at: datetime
    type: str
    negative: bool
    time_known: bool = True


@dataclass(frozen=True, slots=True)
class MeaslesEvidence:
    """A measles certificate other than a dose: immunity, contraindication, confirmation."""

    kind: str
    date: date


@dataclass(frozen=True, slots=True)
class PersonDocument:
    """Everything the rules look at for one person; events may be in any order."""

    birth_date: date
    vaccinations: tuple[Vaccination, ...] = ()
    infections: tuple[Infection, ...] = ()
    tests: tuple[CovidTest, ...] = ()
    measles_evidence: tuple[MeaslesEvidence, ...] = field(default=())
