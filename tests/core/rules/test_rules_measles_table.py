"""Table-driven measles cases from seed 002 (Masernschutzgesetz, § 20 Abs. 8 IfSG, Kreis
Borken) and the STIKO measles recommendation (doses from 9 months; RKI FAQ 04.11.2021).

Ids: ``s002-`` = seed 002 wording, ``stiko-masern-`` = STIKO, ``design-`` = design.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.core.rules.helpers import person, status

REQ = "masern-nachweispflicht-2020-03-01"
DOSE = "masern-impfdosis-2020-03-01"


@dataclass(frozen=True)
class Case:
    id: str
    doc: dict[str, Any]
    on: str
    required: bool
    state: str
    counted: int = 0
    reason: str | None = None
    warned: bool = False


def doses(*items: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return items


CASES = [
    # who must show proof: born after 31.12.1970 (seed 002)
    Case(
        "s002-born-31-12-1970",
        person(birth="1970-12-31"),
        "2021-12-20",
        False,
        "nicht_erforderlich",
        reason="nicht nach dem 31.12.1970",
    ),
    Case("s002-born-01-01-1971", person(birth="1971-01-01"), "2021-12-20", True, "nicht_erfuellt"),
    Case(
        "s002-born-1950-with-doses-still-not-required",
        person(birth="1950-05-05", doses=doses(("2021-03-01", "Priorix"))),
        "2021-12-20",
        False,
        "nicht_erforderlich",
        counted=1,
    ),
    # children under 1 need no proof; from 1 year one dose; from 2 years two doses
    Case(
        "s002-under-1-year",
        person(birth="2020-12-20"),
        "2021-12-19",
        False,
        "nicht_erforderlich",
        reason="Jünger als 1 Jahr",
    ),
    Case("s002-first-birthday", person(birth="2020-12-20"), "2021-12-20", True, "nicht_erfuellt"),
    Case(
        "s002-age-1-one-dose",
        person(birth="2020-06-01", doses=doses(("2021-06-01", "M-M-RvaxPro"))),
        "2021-12-20",
        True,
        "erfuellt",
        counted=1,
    ),
    Case(
        "s002-age-1-day-before-2nd-birthday-one-dose",
        person(birth="2019-12-20", doses=doses(("2020-12-20", "Priorix"))),
        "2021-12-19",
        True,
        "erfuellt",
        counted=1,
    ),
    Case(
        "s002-2nd-birthday-one-dose-not-enough",
        person(birth="2019-12-20", doses=doses(("2020-12-20", "Priorix"))),
        "2021-12-20",
        True,
        "nicht_erfuellt",
        counted=1,
        reason="1 von 2",
    ),
    Case(
        "s002-adult-one-dose-not-enough",
        person(birth="1985-03-14", doses=doses(("2021-03-01", "Priorix"))),
        "2021-12-20",
        True,
        "nicht_erfuellt",
        counted=1,
    ),
    Case(
        "s002-two-doses-28-days",
        person(
            birth="1985-03-14", doses=doses(("2021-03-01", "Priorix"), ("2021-03-29", "Priorix"))
        ),
        "2021-12-20",
        True,
        "erfuellt",
        counted=2,
    ),
    Case(
        "s002-two-doses-27-days",
        person(
            birth="1985-03-14", doses=doses(("2021-03-01", "Priorix"), ("2021-03-28", "Priorix"))
        ),
        "2021-12-20",
        True,
        "nicht_erfuellt",
        counted=1,
        reason="nur 27 Tage",
        warned=True,
    ),
    Case(
        "s002-third-dose-after-short-interval-counts",
        person(
            birth="1985-03-14",
            doses=doses(
                ("2021-03-01", "Priorix"), ("2021-03-10", "Priorix"), ("2021-04-01", "Priorix")
            ),
        ),
        "2021-12-20",
        True,
        "erfuellt",
        counted=2,
        warned=True,
    ),
    Case(
        "s002-child-two-doses-4-weeks",
        person(
            birth="2019-01-10",
            doses=doses(("2020-01-10", "M-M-RvaxPro"), ("2020-02-07", "M-M-RvaxPro")),
        ),
        "2021-12-20",
        True,
        "erfuellt",
        counted=2,
    ),
    # STIKO: doses from the age of 9 months count
    Case(
        "stiko-masern-dose-at-9-months-counts",
        person(birth="2020-03-15", doses=doses(("2020-12-15", "Priorix"))),
        "2021-06-01",
        True,
        "erfuellt",
        counted=1,
    ),
    Case(
        "stiko-masern-dose-one-day-before-9-months",
        person(birth="2020-03-15", doses=doses(("2020-12-14", "Priorix"))),
        "2021-06-01",
        True,
        "nicht_erfuellt",
        counted=0,
        reason="im Alter von 8 Monaten",
    ),
    Case(
        "stiko-masern-early-dose-then-valid-dose",
        person(
            birth="2020-03-15", doses=doses(("2020-11-01", "Priorix"), ("2021-03-15", "Priorix"))
        ),
        "2021-06-01",
        True,
        "erfuellt",
        counted=1,
    ),
    Case(
        "stiko-masern-early-dose-age-3-not-enough",
        person(
            birth="2018-03-15", doses=doses(("2018-11-01", "Priorix"), ("2019-03-15", "Priorix"))
        ),
        "2021-06-01",
        True,
        "nicht_erfuellt",
        counted=1,
    ),
    Case(
        "stiko-masern-9-months-from-31st",
        person(birth="2020-05-31", doses=doses(("2021-02-28", "Priorix"))),
        "2021-12-20",
        True,
        "nicht_erfuellt",
        counted=0,
    ),
    Case(
        "stiko-masern-9-months-from-31st-next-day",
        person(birth="2020-05-31", doses=doses(("2021-03-01", "Priorix"))),
        "2021-12-20",
        True,
        "erfuellt",
        counted=1,
    ),
    # MMR and MMRV products count, by name or key, any case (issue 4, products.json)
    Case(
        "s002-mmrv-proquad-and-priorix-tetra",
        person(
            birth="2015-01-01",
            doses=doses(("2016-01-01", "ProQuad"), ("2016-03-01", "Priorix-Tetra")),
        ),
        "2021-12-20",
        True,
        "erfuellt",
        counted=2,
    ),
    Case(
        "s002-product-names-case-insensitive",
        person(
            birth="2015-01-01",
            doses=doses(("2016-01-01", "m-m-rvaxpro"), ("2016-03-01", "PRIORIX")),
        ),
        "2021-12-20",
        True,
        "erfuellt",
        counted=2,
    ),
    Case(
        "s002-covid-vaccines-do-not-count",
        person(
            birth="1985-03-14",
            doses=doses(("2021-05-03", "Comirnaty"), ("2021-06-01", "Comirnaty")),
        ),
        "2021-12-20",
        True,
        "nicht_erfuellt",
        counted=0,
    ),
    # certificates: immunity, contraindication (befreit), confirmation (seed 002 list)
    Case(
        "design-immunity-certificate",
        person(evidence=(("immunitaet", "2020-02-01"),)),
        "2021-12-20",
        True,
        "erfuellt",
        counted=0,
        reason="Immunität",
    ),
    Case(
        "s002-contraindication-befreit",
        person(evidence=(("kontraindikation", "2020-02-01"),)),
        "2021-12-20",
        True,
        "befreit",
    ),
    Case(
        "s002-confirmation",
        person(evidence=(("bestaetigung", "2021-01-01"),)),
        "2021-12-20",
        True,
        "erfuellt",
    ),
    Case(
        "s002-doses-beat-contraindication",
        person(
            birth="1985-03-14",
            doses=doses(("2021-03-01", "Priorix"), ("2021-04-01", "Priorix")),
            evidence=(("kontraindikation", "2020-02-01"),),
        ),
        "2021-12-20",
        True,
        "erfuellt",
        counted=2,
    ),
    Case(
        "s002-immunity-plus-one-dose",
        person(
            birth="1985-03-14",
            doses=doses(
                ("2021-03-01", "Priorix"),
            ),
            evidence=(("immunitaet", "2021-02-01"),),
        ),
        "2021-12-20",
        True,
        "erfuellt",
        counted=1,
    ),
    # events after the evaluation date are ignored (design.md)
    Case(
        "design-future-evidence-ignored",
        person(evidence=(("immunitaet", "2022-01-01"),)),
        "2021-12-20",
        True,
        "nicht_erfuellt",
        reason="liegt nach dem Bewertungsdatum",
    ),
    Case(
        "design-future-dose-ignored",
        person(birth="2020-06-01", doses=doses(("2021-12-21", "Priorix"))),
        "2021-12-20",
        True,
        "nicht_erfuellt",
        counted=0,
        reason="liegt nach dem Bewertungsdatum",
    ),
    # law in force from 01.03.2020 (seed 002)
    Case(
        "s002-before-01-03-2020",
        person(birth="1985-03-14"),
        "2020-02-29",
        False,
        "nicht_erforderlich",
        reason="Keine Masernschutz-Regel",
    ),
    Case("s002-from-01-03-2020", person(birth="1985-03-14"), "2020-03-01", True, "nicht_erfuellt"),
    # birthdays on 29.02: one year is completed on 01.03. of a common year (§ 187 BGB)
    Case(
        "s002-leap-birthday-28-02",
        person(birth="2020-02-29"),
        "2021-02-28",
        False,
        "nicht_erforderlich",
    ),
    Case(
        "s002-leap-birthday-01-03", person(birth="2020-02-29"), "2021-03-01", True, "nicht_erfuellt"
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_measles_case(case: Case) -> None:
    result = status(case.doc, case.on)["measles"]
    assert result["required"] is case.required, result["reasons"]
    assert result["status"] == case.state, result["reasons"]
    assert result["doses_counted"] == case.counted, result["reasons"]
    if case.reason is not None:
        assert any(case.reason in r for r in result["reasons"]), result["reasons"]
    assert bool(result["warnings"]) is case.warned
    if case.required:
        assert REQ in result["rules"]
    for rule_id in result["rules"]:
        assert any(rule_id in r for r in result["reasons"])


def test_case_ids_unique_and_cited() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert all(i.startswith(("s002-", "stiko-masern-", "design-")) for i in ids)
