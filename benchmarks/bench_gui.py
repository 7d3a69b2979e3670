"""GUI timing goals of the field-day issue, measured on a large demo database.

* search as you type: per keystroke, query + model update on the GUI thread ≤ 50 ms
  at 1,000,000 persons (p50/p95/max over typed prefixes of real names);
* saving a dose from the dose dialog (validated, audited, committed, queue updated)
  ≤ 50 ms of GUI-thread time;
* cold start from source to an interactive main window ≤ 1.5 s (fresh interpreter).

Usage: python benchmarks/bench_gui.py --db benchmarks/out/foundation.sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

STARTUP = """
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from PySide6.QtCore import QTimer
from ui.app import create_application, install_translators
from core.db.engine import Database
from ui.main_window import MainWindow
app = create_application()
install_translators(app, "de")
db = Database.open({db!r})
window = MainWindow(db, "bench")
window.show()
def ready():
    print(time.perf_counter() - t0)
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
"""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_keystrokes(db_path: str) -> dict[str, float]:
    from core.db.engine import Database
    from core.services.search import search_persons
    from ui.app import create_application
    from ui.models.persons_model import PersonHitModel

    create_application()
    db = Database.open(db_path)
    model = PersonHitModel()
    words = ["Müller Anna", "Schmidt", "Yilmaz Mehmet", "Schneider Lena", "Wagner, Karl",
             "Hoffmann 10.04.1980", "Kowalski", "Schäfer Uwe", "Meier", "Zimmermann Eva"]
    times = []
    with db.session() as session:
        for word in words:
            for end in range(1, len(word) + 1):
                start = time.perf_counter()
                hits = search_persons(session, word[:end], limit=50) if word[:end].strip() \
                    else []
                model.set_rows(hits)
                times.append((time.perf_counter() - start) * 1000)
    db.dispose()
    return {"keystrokes": len(times), "p50_ms": statistics.median(times),
            "p95_ms": pct(times, 0.95), "max_ms": max(times)}


def bench_save(db_path: str) -> dict[str, float]:
    from core.db.engine import Database
    from core.security.permissions import ALL_ROLES
    from core.services.checkin import check_in_person
    from core.services.context import Actor
    from core.services.lots import allocate_lot, create_lot
    from core.services.persons import PersonInput, create_person
    from core.services.visits import list_visits
    from ui.app import create_application
    from ui.dialogs.dose_dialog import DoseDialog
    from ui.field_session import FieldSession

    create_application()
    db = Database.open(db_path)
    today = date.today()
    with db.session() as s:
        actor = Actor.for_session(s, "bench", ALL_ROLES)
        visit = list_visits(s, today, today)[0]
        # fresh stock, so earlier runs cannot have used the visit's lots up (not timed)
        lot = create_lot(s, actor, "Comirnaty", f"GUI{time.time_ns() % 10**9}",
                         today + timedelta(days=60), 100)
        allocate_lot(s, actor, visit.id, lot.id, 100)
    session = FieldSession("", "bench", "Bench", "impfend", visit.id)
    times = []
    for i in range(30):
        with db.session() as s:
            person = create_person(s, actor, PersonInput(f"Bench{i}", "Gui", date(1970, 1, 1)))
            check_in_person(s, actor, visit.id, person.id)
        dialog = DoseDialog(db, actor, session, visit.id, person.id, today)
        dialog.confirm_all()
        start = time.perf_counter()
        dialog.save()
        times.append((time.perf_counter() - start) * 1000)
        assert dialog.saved_dose_id, dialog.message.text()
        dialog.deleteLater()
    db.dispose()
    return {"saves": len(times), "p50_ms": statistics.median(times), "p95_ms": pct(times, 0.95),
            "max_ms": max(times)}


def bench_startup(db_path: str, runs: int = 5) -> dict[str, float]:
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", STARTUP.format(root=str(ROOT), db=db_path)],
                             capture_output=True, text=True, check=True,
                             env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return {"runs": runs, "median_s": statistics.median(times), "max_s": max(times)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--save-db", help="a copy to write doses into (default: --db)")
    args = parser.parse_args()
    result = {"keystroke_search": bench_keystrokes(args.db),
              "startup": bench_startup(args.db),
              "dose_save": bench_save(args.save_db or args.db)}
    print(json.dumps(result, indent=2))
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "gui.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
