"""Benchmark: evaluate the immunity status of many persons on one core.

Generates persons in memory (realistic mix: unvaccinated, partial, complete, boosted,
Janssen, recovered, tested, measles doses and certificates), then times only
``evaluate_person`` over all of them. Loading the rule files and generating the persons
are timed separately. Target (issue 4): >= 20,000 persons/s for 1,000,000 persons.

Usage: python benchmarks/bench_rules.py [--persons N] [--seed S] [--to-dict]
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.catalog.products import get_catalog
from core.rules import (
    CovidTest,
    Infection,
    MeaslesEvidence,
    PersonDocument,
    Vaccination,
    evaluate_person,
    load_rulebook,
)

COVID_PRODUCTS = ("EU/1/20/1528", "EU/1/20/1507", "EU/1/21/1529", "EU/1/20/1525", "EU/1/21/1618")
COVID_WEIGHTS = (70, 15, 8, 5, 2)
MEASLES_PRODUCTS = ("mmrvaxpro", "priorix", "priorix-tetra", "proquad")
EVAL_DATES = (date(2021, 12, 20), date(2022, 1, 20), date(2021, 11, 1), date(2022, 3, 1))
START = date(2021, 1, 1)


def generate(n: int, seed: int) -> list[tuple[PersonDocument, date | datetime]]:
    """``n`` persons, each with its own evaluation date (a handful of distinct dates)."""
    rng = random.Random(seed)
    catalog = get_catalog()
    covid = [catalog.require(key) for key in COVID_PRODUCTS]
    measles = [catalog.require(key) for key in MEASLES_PRODUCTS]
    persons: list[tuple[PersonDocument, date | datetime]] = []
    for _ in range(n):
        birth = date(1935, 1, 1) + timedelta(days=rng.randrange(365 * 85))
        on: date | datetime = rng.choice(EVAL_DATES)
        doses: list[Vaccination] = []
        kind = rng.random()
        if kind > 0.15:  # 85 % at least one COVID-19 dose
            product = rng.choices(covid, COVID_WEIGHTS)[0]
            day = START + timedelta(days=rng.randrange(300))
            count = 1 if kind < 0.25 else (2 if kind < 0.7 else 3)
            for _ in range(count):
                doses.append(Vaccination(day, product))
                day += timedelta(days=rng.choice((21, 28, 42, 63, 120, 180)))
                if rng.random() < 0.3:
                    product = covid[0]
        for _ in range(rng.choice((0, 0, 1, 2))):
            doses.append(
                Vaccination(birth + timedelta(days=rng.randrange(200, 1500)), rng.choice(measles))
            )
        infections: tuple[Infection, ...] = ()
        if rng.random() < 0.12:
            infections = (
                Infection(START + timedelta(days=rng.randrange(400)), rng.choice(("PCR", "RAT"))),
            )
        tests: tuple[CovidTest, ...] = ()
        if rng.random() < 0.2:
            base = on if isinstance(on, date) else on.date()
            at = datetime.combine(base, datetime.min.time()) + timedelta(
                hours=rng.randrange(-60, 12)
            )
            tests = (CovidTest(at, rng.choice(("RAT", "PCR")), rng.random() < 0.95, True),)
        evidence: tuple[MeaslesEvidence, ...] = ()
        if rng.random() < 0.05:
            evidence = (
                MeaslesEvidence(
                    rng.choice(("immunitaet", "kontraindikation")), birth + timedelta(days=800)
                ),
            )
        persons.append((PersonDocument(birth, tuple(doses), infections, tests, evidence), on))
    return persons


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--to-dict", action="store_true", help="also time JSON-dict serialisation")
    args = parser.parse_args()

    t0 = time.perf_counter()
    book = load_rulebook()
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    persons = generate(args.persons, args.seed)
    t_gen = time.perf_counter() - t0

    evaluate_person(*persons[0], rules=book)  # warm the per-segment rule cache
    statuses: dict[str, int] = {}
    t0 = time.perf_counter()
    for person, on in persons:
        result = evaluate_person(person, on, book)
        statuses[result.covid19.status] = statuses.get(result.covid19.status, 0) + 1
    t_eval = time.perf_counter() - t0

    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    print(f"persons:          {args.persons:,}")
    print(f"load rule files:  {t_load * 1000:.1f} ms")
    print(f"generate persons: {t_gen:.2f} s")
    print(f"evaluate:         {t_eval:.2f} s = {args.persons / t_eval:,.0f} persons/s")
    if args.to_dict:
        t0 = time.perf_counter()
        for person, on in persons:
            evaluate_person(person, on, book).to_dict()
        t_dict = time.perf_counter() - t0
        print(f"evaluate+to_dict: {t_dict:.2f} s = {args.persons / t_dict:,.0f} persons/s")
    print("covid19 status mix:", dict(sorted(statuses.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
