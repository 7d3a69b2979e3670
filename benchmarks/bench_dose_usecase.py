"""Benchmark: open the dose form and record one dose through the use case (issue 11).

Both are measured against the raw library doing the least the same job needs, in
alternating pairs in one run (the machine is shared; absolute times drift):

- **record**: ``core.usecases.doses.record_dose`` in its own ``Database.session()`` (all
  rules: visit, team, lot, consent form, Anamnese, warnings, numbering; dose + check-in +
  audit rows; one commit) versus a bare ``sqlite3`` commit of two rows (a dose row and an
  audit row) into a copy of the same file with the same pragmas (WAL, synchronous=FULL).
- **form**: ``core.usecases.dose_form.dose_form`` (one rules evaluation, every product in
  stock assessed) — timed alone, with the number of full rules evaluations per open.

A busy field day is 1,000 doses, so the default is 1,000 pairs on a visit with a
realistic history (every person has two earlier doses as back-entries).

Usage: python benchmarks/bench_dose_usecase.py [--doses N] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.catalog.forms import form_for
from core.db.engine import Database, keyed_connect
from core.security import keystore
from core.services.context import Actor
from core.services.lots import allocate_lot, create_lot
from core.services.persons import PersonInput, create_person
from core.services.sites import SiteInput, create_site
from core.services.staff import StaffInput, create_staff
from core.services.visits import VisitInput, create_visit
from core.usecases import dose_form as dose_form_module
from core.usecases.doses import BackEntryRequest, DoseRequest, record_backentry, record_dose

ON = date(2021, 12, 1)
ALL_ROLES = ("arzt", "impfend", "verwaltung", "leitung", "admin")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def prepare(path: Path, persons: int) -> tuple[str, str, str, str, list[str]]:
    db = Database.open(str(path))
    with db.session() as s:
        actor = Actor.for_session(s, "bench", ALL_ROLES)
        site = create_site(s, actor, SiteInput("Jobcenter Bielefeld", "jobcenter", "05711",
                                               "Herforder Str. 67", "33602", "Bielefeld"))
        doctor = create_staff(s, actor, StaffInput("Wagner", "Eva", "arzt", "e.wagner"))
        nurse = create_staff(s, actor, StaffInput("Koch", "Tim", "impfend", "t.koch"))
        visit = create_visit(s, actor, VisitInput(site.id, ON, dtime(8), dtime(20), persons,
                                                  "aktiv", members=[(doctor.id, "arzt"),
                                                                    (nurse.id, "impfend")]))
        lot = create_lot(s, actor, "Comirnaty", "FK1234", ON + timedelta(days=90), persons + 10)
        allocate_lot(s, actor, visit.id, lot.id, persons + 10)
        ids = []
        for i in range(persons):
            person = create_person(s, actor, PersonInput(f"Bench{i:05d}", "Anna",
                                                         date(1950 + i % 50, 1 + i % 12, 1)))
            ids.append(person.id)
    with db.session() as s:
        for person_id in ids:  # two earlier doses each: the form has a history to judge
            for number, day in ((1, date(2021, 5, 3)), (2, date(2021, 6, 1))):
                record_backentry(s, actor, BackEntryRequest(
                    person_id, day, "Comirnaty", "nachtrag_impfpass", "", number, 2), ON)
    db.dispose()
    return visit.id, lot.id, nurse.id, doctor.id, ids


_SEQ = itertools.count(1)


def bare_pair(conn: Any, person_id: str, visit_id: str, lot_id: str) -> float:
    """Two rows, one commit: the least a dose with its audit entry needs."""
    now = datetime.now().isoformat(sep=" ")
    dose_id = str(uuid.uuid4())
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO vaccination (id, person_id, visit_id, date, product_key, lot_id, "
        "lot_number, disease, dose_number, series_total, booster, consent_recorded, "
        "anamnesis_recorded, form_version, consent_items, anamnesis, source, override_reason, "
        "created_at, updated_at, created_by, origin, row_version) VALUES "
        "(?, ?, ?, ?, 'EU/1/20/1528', ?, 'FK1234', 'covid19', 3, 3, 1, 1, 1, '', '', '', "
        "'verabreicht', '', ?, ?, 'bench', 'bench', 1)",
        (dose_id, person_id, visit_id, ON.isoformat(), lot_id, now, now))
    conn.execute(
        "INSERT INTO audit_entry (id, at, user, origin, action, entity, entity_id, before, "
        "after, seq, prev_hash, hash) VALUES (?, ?, 'bench', 'bench-raw', 'create', "
        "'vaccination', ?, NULL, '{}', ?, '', '')",
        (str(uuid.uuid4()), now, dose_id, next(_SEQ)))
    conn.execute("COMMIT")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doses", type=int, default=1000)
    parser.add_argument("--out", default="benchmarks/out/bench_dose_usecase.json")
    args = parser.parse_args()
    Path("benchmarks/out").mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-dose-", dir="benchmarks/out"))  # on disk
    use_path, raw_path = work / "usecase.sqlite", work / "raw.sqlite"
    t0 = time.perf_counter()
    visit_id, lot_id, nurse_id, doctor_id, persons = prepare(use_path, args.doses)
    prepare_s = time.perf_counter() - t0
    shutil.copy(use_path, raw_path)
    # The raw library doing the same work: SQLCipher (sqlcipher3) with the same raw key,
    # the same pragmas, one explicit transaction per pair.
    raw = keyed_connect(raw_path, keystore.unlock(use_path))
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        raw.execute(f"PRAGMA {pragma}")
    db = Database.open(str(use_path))
    form = form_for("covid19", ON)
    confirmed = tuple(item.key for item in form.items)
    with db.session() as s:
        actor = Actor.for_session(s, "bench", ALL_ROLES)
    load_before = os.getloadavg()
    use_times, raw_times, form_times = [], [], []
    for index, person_id in enumerate(persons):
        first_raw = index % 2 == 0
        if first_raw:
            raw_times.append(bare_pair(raw, person_id, visit_id, lot_id))
        start = time.perf_counter()
        with db.session() as s:
            dose_form_module.dose_form(s, person_id, visit_id, ON, nurse_id)
        form_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        with db.session() as s:
            record_dose(s, actor, DoseRequest(person_id, visit_id, "Comirnaty", lot_id,
                                              nurse_id, doctor_id, form.label, confirmed), ON)
        use_times.append(time.perf_counter() - start)
        if not first_raw:
            raw_times.append(bare_pair(raw, person_id, visit_id, lot_id))
    # evaluations per form open, counted once outside the timed loop
    from core.rules import evaluate as evaluate_module
    calls = {"n": 0}
    real_eval = evaluate_module.evaluate_person

    def counted(*a: object, **k: object) -> object:
        calls["n"] += 1
        return real_eval(*a, **k)  # type: ignore[arg-type]

    import core.usecases.assessment as assessment_module
    assessment_module.evaluate_person = counted  # type: ignore[assignment]
    with db.session() as s:
        dose_form_module.dose_form(s, persons[0], visit_id, ON, nurse_id)
    assessment_module.evaluate_person = real_eval
    result = {
        "machine": {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
                    "cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in load_before],
                    "loadavg_after": [round(x, 2) for x in os.getloadavg()]},
        "n": len(use_times), "prepare_s": round(prepare_s, 1),
        "record_usecase_ms": {"p50": round(statistics.median(use_times) * 1e3, 2),
                              "p95": round(percentile(use_times, 0.95) * 1e3, 2)},
        "record_bare_sqlite_ms": {"p50": round(statistics.median(raw_times) * 1e3, 2),
                                  "p95": round(percentile(raw_times, 0.95) * 1e3, 2)},
        "dose_form_ms": {"p50": round(statistics.median(form_times) * 1e3, 2),
                         "p95": round(percentile(form_times, 0.95) * 1e3, 2)},
        "rules_evaluations_per_form_open": calls["n"],
    }
    result["ratio_p50"] = round(result["record_usecase_ms"]["p50"]
                                / result["record_bare_sqlite_ms"]["p50"], 2)
    result["ratio_p95"] = round(result["record_usecase_ms"]["p95"]
                                / result["record_bare_sqlite_ms"]["p95"], 2)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    db.dispose()
    raw.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
