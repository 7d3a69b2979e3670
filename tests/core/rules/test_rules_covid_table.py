"""Table-driven COVID-19 cases written from the seeds' wording and the STIKO dates.

Each case id starts with its source: ``s003`` = seed 003 (CoronaAVEinrichtungen NRW,
26.11.2021: geimpft 14 days, genesen 28 days–6 months, getestet 24 h/48 h, 6-month test
exemption), ``s004`` = seed 004 (STIKO booster 18+ after 6 months, 18.11.2021),
``stiko-YYYYMMDD`` = STIKO recommendation of that date (background/field-apps-and-rules.md
4.5), ``pei-20220115`` = Janssen needs 2 doses from 15.01.2022, ``ema`` = approval ages,
``design`` = the status contract in design.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.core.rules.helpers import person, status

C, S, V, J, N = "Comirnaty", "Spikevax", "Vaxzevria", "Janssen", "Nuvaxovid"
CC = (("2021-05-03", C), ("2021-06-01", C))  # design.md example series
INTERVAL = "covid19-mindestabstand-2021-07-01"
U30 = "covid19-spikevax-unter-30-2021-11-10"
NUVA = "covid19-nuvaxovid-anwendung-2021-12-20"


@dataclass(frozen=True)
class Case:
    id: str
    doc: dict[str, Any]
    on: str
    expect: dict[str, Any]
    warnings: tuple[str, ...] = ()
    reason: str | None = None  # a substring one of the reasons must contain
    rules: tuple[str, ...] = field(default=())  # rule ids that must be listed


CASES = [
    # --- design.md example and seed 003 "geimpft": 14 full days, protected from day 15 ---
    Case(
        "design-example",
        person(doses=CC),
        "2021-12-20",
        {
            "status": "geimpft",
            "series_complete": True,
            "booster": False,
            "protected_from": "2021-06-16",
            "protected_until": "2021-12-01",
            "test_exempt": False,
            "booster_due_from": "2021-12-01",
            "next_dose_earliest": "2021-12-01",
        },
        rules=("covid19-geimpft-2021-05-09", "covid19-auffrischung-2021-11-18"),
    ),
    Case(
        "s003-geimpft-day14-not-yet",
        person(doses=CC),
        "2021-06-15",
        {"status": "unvollstaendig", "series_complete": True, "protected_from": "2021-06-16"},
        reason="geschützt erst ab 16.06.2021",
    ),
    Case(
        "s003-waiting-period-not-test-exempt",
        person(doses=(("2021-11-20", C), ("2021-12-11", C))),
        "2021-12-25",
        {"status": "unvollstaendig", "test_exempt": False, "protected_until": "2022-06-11"},
        reason="noch nicht geschützt, daher nicht testbefreit",
    ),
    Case(
        "s003-geimpft-day15",
        person(doses=CC),
        "2021-06-16",
        {"status": "geimpft", "protected_from": "2021-06-16", "test_exempt": True},
    ),
    Case(
        "s003-one-of-two-doses",
        person(doses=(("2021-07-01", C),)),
        "2021-07-10",
        {
            "status": "unvollstaendig",
            "series_complete": False,
            "protected_from": None,
            "next_dose_earliest": "2021-07-22",
            "booster_due_from": None,
        },
        reason="1 von 2 Dosen",
    ),
    Case(
        "s003-no-dose",
        person(),
        "2021-12-20",
        {
            "status": "ungeimpft",
            "series_complete": False,
            "booster": False,
            "test_exempt": False,
            "next_dose_earliest": "2021-12-20",
        },
    ),
    Case(
        "s003-janssen-day14",
        person(doses=(("2021-06-01", J),)),
        "2021-06-15",
        {"status": "unvollstaendig", "series_complete": True},
    ),
    Case(
        "s003-janssen-day15",
        person(doses=(("2021-06-01", J),)),
        "2021-06-16",
        {"status": "geimpft", "protected_from": "2021-06-16"},
    ),
    Case(
        "s003-spikevax-day15",
        person(doses=(("2021-04-01", S), ("2021-05-01", S))),
        "2021-05-16",
        {"status": "geimpft", "protected_from": "2021-05-16"},
    ),
    Case(
        "s003-heterologous-series",
        person(doses=(("2021-04-01", V), ("2021-07-01", C))),
        "2021-07-16",
        {"status": "geimpft", "series_complete": True, "booster": False},
    ),
    # --- Janssen: one dose complete until 14.01.2022, two doses from 15.01.2022 ---
    Case(
        "pei-20220115-janssen-alone-14jan",
        person(doses=(("2021-06-01", J),)),
        "2022-01-14",
        {"status": "geimpft", "series_complete": True},
    ),
    Case(
        "pei-20220115-janssen-alone-15jan",
        person(doses=(("2021-06-01", J),)),
        "2022-01-15",
        {
            "status": "unvollstaendig",
            "series_complete": False,
            "protected_from": None,
            "next_dose_earliest": "2021-06-29",
            "booster_due_from": None,
        },
        reason="covid19-grundimmunisierung-2022-01-15",
    ),
    Case(
        "pei-20220115-janssen-mrna-14jan-is-booster",
        person(doses=(("2021-06-01", J), ("2021-12-01", C))),
        "2022-01-14",
        {
            "status": "geimpft",
            "booster": True,
            "protected_until": None,
            "test_exempt": True,
            "booster_due_from": None,
            "next_dose_earliest": None,
        },
    ),
    Case(
        "pei-20220115-janssen-mrna-15jan-is-series",
        person(doses=(("2021-06-01", J), ("2021-12-01", C))),
        "2022-01-15",
        {
            "status": "geimpft",
            "booster": False,
            "series_complete": True,
            "protected_from": "2021-12-16",
            "protected_until": "2022-06-01",
            "test_exempt": True,
            "booster_due_from": "2022-03-01",
        },
    ),
    Case(
        "stiko-20211118-janssen-booster-4-weeks",
        person(doses=(("2021-06-01", J),)),
        "2021-12-20",
        {"booster_due_from": "2021-06-29", "next_dose_earliest": "2021-06-29"},
    ),
    Case(
        "stiko-20211018-janssen-optimisation",
        person(doses=(("2021-09-01", J),)),
        "2021-10-20",
        {"booster_due_from": "2021-09-29"},
    ),
    Case(
        "s003-janssen-6-month-limit",
        person(doses=(("2021-10-01", J),)),
        "2022-01-14",
        {"protected_until": "2022-04-01", "test_exempt": True},
    ),
    # --- booster recommendation versions (seed 004, STIKO) ---
    Case(
        "s004-booster-6-months-20dec",
        person(doses=(("2021-06-24", C), ("2021-07-15", C))),
        "2021-12-20",
        {"booster_due_from": "2022-01-15"},
    ),
    Case(
        "stiko-20211221-booster-3-months-21dec",
        person(doses=(("2021-06-24", C), ("2021-07-15", C))),
        "2021-12-21",
        {"booster_due_from": "2021-10-15", "next_dose_earliest": "2021-10-15"},
        rules=("covid19-auffrischung-2021-12-21",),
    ),
    Case(
        "stiko-20211018-under-70-no-booster",
        person(doses=CC),
        "2021-11-17",
        {"booster_due_from": None, "next_dose_earliest": None},
        reason="Keine Auffrischimpfung empfohlen für 36-Jährige",
    ),
    Case(
        "stiko-20211018-over-70-booster",
        person(birth="1946-01-01", doses=CC),
        "2021-11-17",
        {"booster_due_from": "2021-12-01"},
    ),
    Case(
        "s004-booster-18-from-18nov",
        person(doses=CC),
        "2021-11-18",
        {"booster_due_from": "2021-12-01"},
    ),
    Case(
        "stiko-20211221-17-year-old-none",
        person(birth="2004-06-01", doses=(("2021-08-01", C), ("2021-08-22", C))),
        "2022-01-10",
        {"booster_due_from": None},
    ),
    Case(
        "stiko-20220120-12-17-booster",
        person(birth="2004-06-01", doses=(("2021-08-01", C), ("2021-08-22", C))),
        "2022-01-20",
        {"booster_due_from": "2021-11-22"},
    ),
    Case(
        "stiko-20211221-due-at-18th-birthday",
        person(birth="2003-12-25", doses=(("2021-07-11", C), ("2021-08-01", C))),
        "2021-12-30",
        {"booster_due_from": "2021-12-25"},
    ),
    Case(
        "stiko-20211221-booster-before-18-none",
        person(birth="2003-12-25", doses=(("2021-07-11", C), ("2021-08-01", C))),
        "2021-12-21",
        {"booster_due_from": None},
    ),
    # --- seed 003: booster at least 14 days ago lifts the 6-month limit ---
    Case(
        "s003-booster-day14",
        person(doses=(*CC, ("2021-12-01", C))),
        "2021-12-15",
        {
            "status": "geimpft",
            "booster": True,
            "protected_until": "2021-12-01",
            "test_exempt": False,
            "booster_due_from": None,
            "next_dose_earliest": None,
        },
    ),
    Case(
        "s003-booster-day15",
        person(doses=(*CC, ("2021-12-01", C))),
        "2021-12-16",
        {"booster": True, "protected_until": None, "test_exempt": True},
        reason="Auffrischimpfung am 01.12.2021",
    ),
    Case(
        "s003-booster-no-limit-later",
        person(doses=(*CC, ("2021-12-01", C))),
        "2022-12-01",
        {"status": "geimpft", "protected_until": None, "test_exempt": True},
    ),
    # --- seed 003: last required dose not older than six months ---
    Case(
        "s003-6-months-last-day",
        person(doses=CC),
        "2021-12-01",
        {"status": "geimpft", "protected_until": "2021-12-01", "test_exempt": True},
    ),
    Case(
        "s003-6-months-day-after",
        person(doses=CC),
        "2021-12-02",
        {"status": "geimpft", "protected_until": "2021-12-01", "test_exempt": False},
        reason="Testbefreiung durch die Impfung abgelaufen",
    ),
    Case(
        "s003-6-months-month-end",
        person(doses=(("2021-08-10", C), ("2021-08-31", C))),
        "2022-02-28",
        {"protected_until": "2022-02-28", "test_exempt": True},
    ),
    Case(
        "s003-6-months-month-end-after",
        person(doses=(("2021-08-10", C), ("2021-08-31", C))),
        "2022-03-01",
        {"protected_until": "2022-02-28", "test_exempt": False},
    ),
    Case(
        "s003-before-decree-no-limit",
        person(doses=(("2021-04-10", C), ("2021-05-01", C))),
        "2021-11-30",
        {"protected_until": None, "test_exempt": True},
        rules=("covid19-testbefreiung-2021-05-09",),
    ),
    Case(
        "s003-decree-in-force-1dec",
        person(doses=(("2021-04-10", C), ("2021-05-01", C))),
        "2021-12-01",
        {"protected_until": "2021-11-01", "test_exempt": False},
    ),
    # --- seed 003 "genesen": PCR at least 28 days and at most 6 months ago ---
    Case(
        "s003-genesen-day27",
        person(infections=(("2021-09-01", "PCR"),)),
        "2021-09-28",
        {"status": "ungeimpft", "test_exempt": False},
        reason="genesen erst ab 29.09.2021",
    ),
    Case(
        "s003-genesen-day28",
        person(infections=(("2021-09-01", "PCR"),)),
        "2021-09-29",
        {"status": "genesen", "test_exempt": True},
    ),
    Case(
        "s003-genesen-6-months",
        person(infections=(("2021-09-01", "PCR"),)),
        "2022-03-01",
        {"status": "genesen", "test_exempt": True},
    ),
    Case(
        "s003-genesen-6-months-plus-1",
        person(infections=(("2021-09-01", "PCR"),)),
        "2022-03-02",
        {"status": "ungeimpft", "test_exempt": False},
        reason="Genesenenstatus endete am 01.03.2022",
    ),
    Case(
        "s003-genesen-naat",
        person(infections=(("2021-09-01", "NAAT"),)),
        "2021-10-15",
        {"status": "genesen"},
    ),
    Case(
        "s003-genesen-rat-does-not-count",
        person(infections=(("2021-09-01", "RAT"),)),
        "2021-10-15",
        {"status": "ungeimpft"},
        reason="kein Nukleinsäurenachweis",
    ),
    Case(
        "s003-geimpft-before-genesen",
        person(doses=CC, infections=(("2021-10-01", "PCR"),)),
        "2021-11-15",
        {"status": "geimpft", "test_exempt": True},
    ),
    # --- 1 dose + PCR-confirmed infection: complete series, no time limit (seed 003) ---
    Case(
        "s003-recovered-then-dose-day14",
        person(doses=(("2021-06-01", C),), infections=(("2021-03-01", "PCR"),)),
        "2021-06-15",
        {"status": "genesen", "series_complete": True, "protected_from": "2021-06-16"},
    ),
    Case(
        "s003-recovered-then-dose-day15",
        person(doses=(("2021-06-01", C),), infections=(("2021-03-01", "PCR"),)),
        "2021-06-16",
        {"status": "geimpft", "series_complete": True, "test_exempt": True},
    ),
    Case(
        "s003-recovered-with-dose-no-limit",
        person(doses=(("2021-06-01", C),), infections=(("2021-03-01", "PCR"),)),
        "2022-06-01",
        {"status": "geimpft", "protected_until": None, "test_exempt": True},
        reason="genesen (Infektion vom 01.03.2021) mit einer mindestens 14 Tage",
    ),
    Case(
        "s003-dose-then-infection-waits-28-days",
        person(doses=(("2021-05-01", C),), infections=(("2021-08-01", "PCR"),)),
        "2021-08-28",
        {"status": "unvollstaendig", "series_complete": True, "protected_from": "2021-08-29"},
    ),
    Case(
        "s003-dose-then-infection-protected",
        person(doses=(("2021-05-01", C),), infections=(("2021-08-01", "PCR"),)),
        "2021-08-29",
        {"status": "geimpft"},
    ),
    Case(
        "s003-rat-infection-no-series",
        person(doses=(("2021-06-01", C),), infections=(("2021-03-01", "RAT"),)),
        "2021-07-01",
        {"series_complete": False, "status": "unvollstaendig"},
    ),
    Case(
        "stiko-20211221-recovered-booster-3-months",
        person(doses=(("2021-06-01", C),), infections=(("2021-03-01", "PCR"),)),
        "2021-12-21",
        {"booster_due_from": "2021-09-01"},
    ),
    # --- seed 003 "getestet": RAT at most 24 h, PCR at most 48 h; bare date = 12:00 ---
    Case(
        "s003-rat-24h",
        person(tests=(("2021-12-19T12:00", "RAT", "negativ"),)),
        "2021-12-20T12:00",
        {"status": "getestet", "test_exempt": False},
    ),
    Case(
        "s003-rat-24h-plus-1min",
        person(tests=(("2021-12-19T11:59", "RAT", "negativ"),)),
        "2021-12-20T12:00",
        {"status": "ungeimpft"},
    ),
    Case(
        "s003-pcr-48h",
        person(tests=(("2021-12-18T12:00", "PCR", "negativ"),)),
        "2021-12-20T12:00",
        {"status": "getestet"},
    ),
    Case(
        "s003-pcr-48h-plus-1min",
        person(tests=(("2021-12-18T11:59", "PCR", "negativ"),)),
        "2021-12-20T12:00",
        {"status": "ungeimpft"},
    ),
    Case(
        "s003-rat-is-not-pcr-at-30h",
        person(tests=(("2021-12-19T06:00", "RAT", "negativ"),)),
        "2021-12-20T12:00",
        {"status": "ungeimpft"},
    ),
    Case(
        "s003-pcr-at-30h",
        person(tests=(("2021-12-19T06:00", "PCR", "negativ"),)),
        "2021-12-20T12:00",
        {"status": "getestet"},
    ),
    Case(
        "design-bare-dates-mean-noon",
        person(tests=(("2021-12-19", "RAT", "negativ"),)),
        "2021-12-20",
        {"status": "getestet"},
        reason="19.12.2021 12:00",
    ),
    Case(
        "design-bare-test-date-noon-vs-later-time",
        person(tests=(("2021-12-19", "RAT", "negativ"),)),
        "2021-12-20T12:01",
        {"status": "ungeimpft"},
    ),
    Case(
        "s003-positive-test-not-getestet",
        person(tests=(("2021-12-20T08:00", "RAT", "positiv"),)),
        "2021-12-20T10:00",
        {"status": "ungeimpft"},
        reason="ist positiv",
    ),
    Case(
        "design-test-after-evaluation-time",
        person(tests=(("2021-12-20T13:00", "RAT", "negativ"),)),
        "2021-12-20T12:00",
        {"status": "ungeimpft"},
        reason="nach dem Bewertungszeitpunkt",
    ),
    Case(
        "design-genesen-before-getestet",
        person(
            infections=(("2021-11-01", "PCR"),), tests=(("2021-12-20T08:00", "RAT", "negativ"),)
        ),
        "2021-12-20T10:00",
        {"status": "genesen"},
    ),
    Case(
        "design-getestet-before-unvollstaendig",
        person(doses=(("2021-12-01", C),), tests=(("2021-12-20T08:00", "RAT", "negativ"),)),
        "2021-12-20T10:00",
        {"status": "getestet", "series_complete": False},
    ),
    Case(
        "design-geimpft-before-getestet",
        person(doses=CC, tests=(("2021-12-20T08:00", "RAT", "negativ"),)),
        "2021-12-20T10:00",
        {"status": "geimpft", "test_exempt": False},
    ),
    # --- minimum intervals (STIKO table 01.07.2021) -> warnings and next_dose_earliest ---
    Case(
        "stiko-20210701-comirnaty-14-days",
        person(doses=(("2021-08-01", C), ("2021-08-15", C))),
        "2021-09-15",
        {"series_complete": True},
        warnings=(INTERVAL,),
        reason="nur 14 Tage",
    ),
    Case(
        "stiko-20210701-comirnaty-21-days",
        person(doses=(("2021-08-01", C), ("2021-08-22", C))),
        "2021-09-15",
        {"series_complete": True},
    ),
    Case(
        "stiko-20210701-spikevax-27-days",
        person(birth="1960-01-01", doses=(("2021-08-01", S), ("2021-08-28", S))),
        "2021-09-30",
        {},
        warnings=(INTERVAL,),
    ),
    Case(
        "stiko-20210701-spikevax-28-days",
        person(birth="1960-01-01", doses=(("2021-08-01", S), ("2021-08-29", S))),
        "2021-09-30",
        {},
    ),
    Case(
        "stiko-20210701-heterologous-27-days",
        person(doses=(("2021-08-01", V), ("2021-08-28", C))),
        "2021-09-30",
        {},
        warnings=(INTERVAL,),
    ),
    Case(
        "stiko-20210701-heterologous-28-days",
        person(doses=(("2021-08-01", V), ("2021-08-29", C))),
        "2021-09-30",
        {},
    ),
    Case(
        "stiko-20210701-vaxzevria-60-days",
        person(doses=(("2021-08-01", V), ("2021-09-30", V))),
        "2021-10-30",
        {},
        warnings=(INTERVAL,),
    ),
    Case(
        "stiko-20210701-next-after-comirnaty",
        person(doses=(("2021-08-01", C),)),
        "2021-08-10",
        {"next_dose_earliest": "2021-08-22"},
    ),
    Case(
        "stiko-20210701-next-after-vaxzevria-heterologous",
        person(doses=(("2021-08-01", V),)),
        "2021-08-10",
        {"next_dose_earliest": "2021-08-29"},
    ),
    Case(
        "stiko-20210701-next-after-nuvaxovid-homologous-only",
        person(doses=(("2022-01-10", N),)),
        "2022-01-20",
        {"next_dose_earliest": "2022-01-31"},
    ),
    # --- age/product constraints (STIKO 10.11.2021, Epid. Bull. 46/2021; EMA approvals) ---
    Case(
        "stiko-20211110-spikevax-under-30",
        person(birth="1996-01-01", doses=(("2021-11-10", S),)),
        "2021-11-20",
        {"status": "unvollstaendig"},
        warnings=(U30,),
    ),
    Case(
        "stiko-20211110-spikevax-under-30-before",
        person(birth="1996-01-01", doses=(("2021-11-09", S),)),
        "2021-11-20",
        {"status": "unvollstaendig"},
    ),
    Case(
        "stiko-20211110-spikevax-aged-30",
        person(birth="1991-11-15", doses=(("2021-11-15", S),)),
        "2021-11-20",
        {},
    ),
    Case(
        "stiko-20211110-next-dose-hint-under-30",
        person(birth="1996-01-01"),
        "2021-12-20",
        {},
        reason="Unter 30 Jahren kein Spikevax",
        rules=(U30,),
    ),
    Case(
        "ema-comirnaty-16-before-28may",
        person(birth="2007-01-01", doses=(("2021-05-27", C),)),
        "2021-06-01",
        {},
        warnings=("covid19-mindestalter-comirnaty-2020-12-21",),
    ),
    Case(
        "ema-comirnaty-12-from-28may",
        person(birth="2007-01-01", doses=(("2021-05-28", C),)),
        "2021-06-01",
        {},
    ),
    Case(
        "ema-min-age-for-first-dose",
        person(birth="2011-06-01"),
        "2021-12-20",
        {"next_dose_earliest": "2023-06-01"},
    ),
    Case(
        "ema-nuvaxovid-before-approval",
        person(doses=(("2021-12-01", N),)),
        "2021-12-10",
        {},
        warnings=("covid19-mindestalter-nuvaxovid-2021-12-20",),
    ),
    Case(
        "stiko-nuvaxovid-not-as-booster",
        person(doses=(("2021-08-01", C), ("2021-08-22", C), ("2022-02-01", N))),
        "2022-02-10",
        {"booster": True},
        warnings=(NUVA,),
    ),
    Case(
        "stiko-nuvaxovid-not-mixed",
        person(doses=(("2022-01-03", N), ("2022-02-01", C))),
        "2022-02-10",
        {},
        warnings=(NUVA,),
    ),
    Case(
        "s004-booster-too-early-under-6-month-rule",
        person(doses=(("2021-06-01", C), ("2021-06-22", C), ("2021-12-01", C))),
        "2021-12-30",
        {"booster": True},
        warnings=("covid19-auffrischung-2021-11-18",),
    ),
    Case(
        "stiko-20211221-booster-after-3-months-fine",
        person(doses=(("2021-06-01", C), ("2021-06-22", C), ("2022-01-01", C))),
        "2022-01-10",
        {"booster": True},
    ),
    # --- events after the evaluation date are ignored and named (design.md) ---
    Case(
        "design-future-dose-ignored",
        person(doses=(("2021-12-21", C),)),
        "2021-12-20",
        {"status": "ungeimpft"},
        reason="liegt nach dem Bewertungsdatum 20.12.2021",
    ),
    Case(
        "design-future-infection-ignored",
        person(infections=(("2021-12-21", "PCR"),)),
        "2021-12-20",
        {"status": "ungeimpft"},
        reason="Infektion vom 21.12.2021 liegt nach",
    ),
    Case(
        "design-dose-on-evaluation-day-counts",
        person(doses=(("2021-12-20", J),)),
        "2021-12-20",
        {"status": "unvollstaendig", "series_complete": True},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_covid_case(case: Case) -> None:
    result = status(case.doc, case.on)["covid19"]
    for key, value in case.expect.items():
        assert result[key] == value, f"{key}: {result[key]!r} != {value!r}; {result['reasons']}"
    assert sorted({w["rule"] for w in result["warnings"]}) == sorted(set(case.warnings)), result[
        "warnings"
    ]
    texts = result["reasons"] + [w["message"] for w in result["warnings"]]
    if case.reason is not None:
        assert any(case.reason in text for text in texts), texts
    for rule_id in case.rules:
        assert rule_id in result["rules"]
    for rule_id in result["rules"]:  # every rule applied is named in a reason or warning
        assert any(rule_id in text for text in texts), (rule_id, texts)


def test_case_ids_unique_and_cited() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    prefixes = ("s003-", "s004-", "stiko-", "pei-", "design-", "ema-")
    assert all(i.startswith(prefixes) for i in ids)
