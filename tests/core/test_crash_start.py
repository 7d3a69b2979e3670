"""SIGKILL at random moments: first start, migration, dose loop. The file always opens.

A helper process (the "zygote") imports the app once and forks one child per run, so a
run costs milliseconds instead of an interpreter start; the test kills the child with
SIGKILL after a random delay and then opens the file itself. Each child traces every SQL
statement (sqlite3 trace callback, with a monotonic time stamp) into an events file, so
the test knows where each kill landed: inside the schema transaction (after its BEGIN
and at least one DDL statement, before its COMMIT) or elsewhere. During first start and
upgrade the child pauses up to ``PAUSE`` seconds before each DDL statement (a slow disk);
half of the kills come at a random moment of the whole start, the other half just after
the child traced a randomly chosen DDL statement (the count of an unkilled run), so many
kills land inside DDL.

After every kill the file must pass ``PRAGMA integrity_check``, hold exactly the old or
the new schema (``sqlite_master`` compared with an unkilled run), keep its data, and open
with ``Database.open``; an upgrade leaves exactly one pre-migration copy. The dose loop
prints each committed dose id; every printed id must be in the database.

``IMPFTEAM_CRASH_RUNS`` (default 60 per scenario) and ``IMPFTEAM_CRASH_SEED`` make a
longer soak (benchmarks/soak_crash.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from core.db.engine import Database, connect_sqlite_file
from core.db.migrate import head_revision
from core.services.context import Actor
from core.services.vaccinations import VaccinationInput
from tests.conftest import TODAY, World

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("IMPFTEAM_CRASH_RUNS", "60"))
SEED = int(os.environ.get("IMPFTEAM_CRASH_SEED", "12"))
PAUSE = 0.004  # longest pause before a DDL statement in the child (seconds)

ZYGOTE = r'''
import json, os, random, signal, sys, time, traceback
from datetime import date

from sqlalchemy import Engine, event

import core.db.backup
import core.db.models
from core.db.engine import Database
from core.db.migrate import head_revision
from core.services.context import Actor
from core.services.persons import PersonInput, create_person
from core.services.vaccinations import VaccinationInput, record_vaccination

head_revision()  # reads the migration scripts once, before any fork
# One first start on a scratch file runs every lazy import (and Alembic's script loading)
# here, so the children's timing is the database work; no connection stays open.
import tempfile
with tempfile.TemporaryDirectory() as scratch:
    Database.open(os.path.join(scratch, "warm.sqlite")).dispose()
DDL = ("CREATE", "DROP", "ALTER")


def is_ddl(sql):
    head = sql.lstrip().upper()
    return (head.startswith(DDL) or head.startswith("UPDATE SQLITE_MASTER")
            or head.startswith("PRAGMA WRITABLE_SCHEMA"))


def child(job):
    out = os.open(job["events"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    err = os.open(job["events"] + ".err", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(err, 2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    rng = random.Random(os.getpid())
    pause = job["pause"]

    def note(kind, text=""):
        os.write(out, f"{time.monotonic():.6f}\t{kind}\t{text}\n".encode())

    def trace(sql):
        ddl = is_ddl(sql)
        note("DDL" if ddl else "SQL", " ".join(sql.split()[:3])[:60])
        if ddl and pause:
            time.sleep(rng.uniform(0, pause))

    @event.listens_for(Engine, "connect")
    def traced(dbapi_connection, _record):
        dbapi_connection.set_trace_callback(trace)

    note("START")
    if job["mode"] in ("start", "upgrade"):
        Database.open(job["path"]).dispose()
        note("DONE")
        return
    db = Database.open(job["path"], migrate=False)
    ids = job["ids"]
    n = 0
    while True:
        n += 1
        with db.session() as s:
            actor = Actor.for_session(s, "t.koch")
            person = create_person(s, actor, PersonInput(
                f"Kill{os.getpid()}", f"Lauf{n}", date(1970, 1, 1), "w"))
            s.flush()
            dose = record_vaccination(s, actor, VaccinationInput(
                person_id=person.id, date=date.fromisoformat(ids["today"]),
                product="EU/1/20/1528", dose_number=1, series_total=2,
                visit_id=ids["visit"], lot_id=ids["lot"], indication="alter",
                injection_site="oa_links", physician_id=ids["doctor"],
                vaccinator_id=ids["nurse"], consent_recorded=True, anamnesis_recorded=True,
                form_version="2021-11"))
            dose_id = dose.id
        note("DOSE", dose_id)  # printed only after the commit returned


signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
print("READY", flush=True)
for line in sys.stdin:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            child(job)
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stderr.flush()
            os._exit(code)
    print(pid, flush=True)
'''


class Zygote:
    """The helper process that forks one child per run."""

    def __init__(self) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
        self.proc = subprocess.Popen([sys.executable, "-c", ZYGOTE], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "READY"

    def fork(self, **job: object) -> int:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def zygote() -> Iterator[Zygote]:
    helper = Zygote()
    yield helper
    helper.close()


def gone(pid: int, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.002)
    raise AssertionError(f"child {pid} did not end")


@dataclass
class Events:
    lines: list[tuple[float, str, str]]

    @classmethod
    def read(cls, path: Path) -> Events:
        rows = []
        for line in path.read_text().splitlines() if path.exists() else []:
            at, kind, text = line.split("\t", 2)
            rows.append((float(at), kind, text))
        return cls(rows)

    def kinds(self, kind: str) -> list[tuple[float, str, str]]:
        return [row for row in self.lines if row[1] == kind]

    def done(self) -> bool:
        return any(kind == "DONE" for _, kind, _ in self.lines)

    def schema_transaction(self) -> tuple[float, float | None] | None:
        """(first DDL, COMMIT or None) of the transaction that holds the DDL."""
        begin_at = None
        first_ddl = None
        for at, kind, text in self.lines:
            word = text.split(" ", 1)[0].upper()
            if kind == "SQL" and word == "BEGIN":
                begin_at, first_ddl = at, None
            elif kind == "DDL" and begin_at is not None and first_ddl is None:
                first_ddl = at
            elif kind == "SQL" and word in ("COMMIT", "ROLLBACK") and first_ddl is not None:
                return first_ddl, at
        return (first_ddl, None) if first_ddl is not None else None

    def killed_inside_ddl(self) -> bool:
        window = self.schema_transaction()
        return window is not None and window[1] is None and not self.done()


@dataclass
class Figures:
    scenario: str
    runs: int = 0
    inside_ddl: int = 0
    before_ddl: int = 0
    after_commit: int = 0
    opened_ok: int = 0
    states: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.states.items()))
        return (f"{self.scenario}: {self.runs} SIGKILLs, {self.inside_ddl} inside the schema "
                f"transaction, {self.before_ddl} before it, {self.after_commit} after its "
                f"commit; file opened OK {self.opened_ok}/{self.runs}; state found: {states}")


def _lines(sql: str) -> tuple[str, ...]:
    """A definition's lines, sorted: Alembic's batch mode writes the constraints of a
    recreated table in set order, which differs between processes."""
    return tuple(sorted(line.strip().rstrip(",").strip() for line in sql.splitlines()))


def schema_dump(path: Path) -> tuple[str | None, list[tuple[str, str, tuple[str, ...]]]]:
    """(revision, sorted sqlite_master rows) of a file, read outside the engine."""
    conn = connect_sqlite_file(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = sorted((kind, name, _lines(sql)) for kind, name, sql in conn.execute(
            "SELECT type, name, coalesce(sql, '') FROM sqlite_master "
            "WHERE name NOT LIKE 'sqlite_%'"))
        names = {name for _, name, _ in rows}
        row = (conn.execute("SELECT version_num FROM alembic_version").fetchone()
               if "alembic_version" in names else None)
        revision = row[0] if row else None
    finally:
        conn.close()
    return revision, rows


@dataclass(frozen=True)
class Kill:
    """When to kill: ``delay`` seconds after the child started, or (``at_ddl``) that long
    after the child traced its ``at_ddl``-th DDL statement."""

    delay: float
    at_ddl: int | None = None


def plan(rng: random.Random, calibration: Events, runs: int) -> list[Kill]:
    """Half at a random moment of the whole start, half at a random DDL statement."""
    start = calibration.kinds("START")[0][0]
    end = calibration.kinds("DONE")[0][0]
    ddl = len(calibration.kinds("DDL"))
    assert ddl and calibration.schema_transaction() is not None
    return [Kill(rng.uniform(0, (end - start) * 1.1)) if i % 2
            else Kill(rng.uniform(0, PAUSE), rng.randint(1, ddl)) for i in range(runs)]


def _ddl_seen(events: Path) -> int:
    try:
        return events.read_bytes().count(b"\tDDL\t")
    except FileNotFoundError:
        return 0


def kill_after(zygote: Zygote, kill: Kill, **job: object) -> Events:
    events = Path(str(job["events"]))
    pid = zygote.fork(pause=job.pop("pause", PAUSE), **job)
    deadline = time.monotonic() + 10
    while not events.exists() and time.monotonic() < deadline:  # the child has started
        time.sleep(0.0005)
    if kill.at_ddl is not None:
        while (_ddl_seen(events) < kill.at_ddl and time.monotonic() < deadline
               and b"\tDONE\t" not in events.read_bytes()):
            time.sleep(0.0002)
    time.sleep(kill.delay)
    with contextlib.suppress(ProcessLookupError):  # it may have finished
        os.kill(pid, signal.SIGKILL)
    gone(pid)
    err = Path(f"{events}.err")
    assert not (err.exists() and err.read_text().strip()), err.read_text()
    return Events.read(events)


def classify(figures: Figures, events: Events) -> None:
    figures.runs += 1
    window = events.schema_transaction()
    if events.killed_inside_ddl():
        figures.inside_ddl += 1
    elif window is None:
        figures.before_ddl += 1
    else:
        figures.after_commit += 1


def calibrate(zygote: Zygote, path: Path, events: Path) -> Events:
    pid = zygote.fork(mode="start" if not path.exists() else "upgrade", path=str(path),
                      events=str(events), pause=PAUSE)
    gone(pid)
    result = Events.read(events)
    assert result.done(), Path(f"{events}.err").read_text()
    return result


def report(figures: Figures) -> None:
    line = figures.line()
    print("\n" + line)
    out = os.environ.get("IMPFTEAM_CRASH_REPORT")
    if out:
        with open(out, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def test_kill_during_first_start_leaves_empty_or_complete_file(tmp_path: Path,
                                                               zygote: Zygote) -> None:
    rng = random.Random(SEED)
    reference = tmp_path / "reference.sqlite"
    calibration = calibrate(zygote, reference, tmp_path / "reference.events")
    head = schema_dump(reference)
    assert head[0] == head_revision()
    figures = Figures("first start")
    for i, kill in enumerate(plan(rng, calibration, RUNS)):
        run = tmp_path / f"run{i}"
        run.mkdir()
        path = run / "impfteam.sqlite"
        events = kill_after(zygote, kill, mode="start", path=str(path),
                            events=str(run / "events"))
        classify(figures, events)
        state = schema_dump(path) if path.exists() else (None, [])
        if state == (None, []):
            figures.states["empty"] = figures.states.get("empty", 0) + 1
        else:
            assert state == head, f"run {i}: half-built schema after kill ({events.lines[-3:]})"
            figures.states["complete"] = figures.states.get("complete", 0) + 1
        db = Database.open(str(path))
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert (conn.exec_driver_sql("SELECT count(*) FROM setting").scalar() or 0) >= 4
        db.dispose()
        assert schema_dump(path) == head
        figures.opened_ok += 1
        shutil.rmtree(run)
    report(figures)
    assert figures.opened_ok == figures.runs == RUNS
    assert figures.inside_ddl >= RUNS // 4, figures.line()


@pytest.fixture
def old_file(tmp_path: Path, world: World, db: Database, db_path: Path) -> Path:
    """A database with a visit and doses, migrated back to 0004 (as test_db does)."""
    from alembic import command

    from core.db.migrate import alembic_config

    _doses(db, world, 5)
    config = alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0004")
    db.dispose()
    old = tmp_path / "old-0004.sqlite"
    raw = connect_sqlite_file(db_path)
    raw.execute("VACUUM INTO ?", (str(old),))
    raw.close()
    assert schema_dump(old)[0] == "0004"
    return old


def _doses(db: Database, world: World, count: int) -> list[str]:
    from datetime import date

    from core.services.persons import PersonInput, create_person
    from core.services.vaccinations import record_vaccination

    ids = []
    for n in range(count):
        with db.session() as s:
            actor = Actor.for_session(s, "t.koch")
            person = create_person(s, actor, PersonInput("Alt", f"Person{n}", date(1960, 1, 1),
                                                         "m"))
            s.flush()
            dose = record_vaccination(s, actor, dose_input(world, person.id))
            ids.append(dose.id)
    return ids


def dose_input(world: World, person_id: str) -> VaccinationInput:
    return VaccinationInput(
        person_id=person_id, date=TODAY, product="EU/1/20/1528", dose_number=1,
        series_total=2, visit_id=world.visit_id, lot_id=world.lot_id, indication="alter",
        injection_site="oa_links", physician_id=world.doctor_id,
        vaccinator_id=world.vaccinator_id, consent_recorded=True, anamnesis_recorded=True,
        form_version="2021-11")


def data_of(path: Path) -> list[tuple[str, ...]]:
    conn = connect_sqlite_file(path)
    try:
        return sorted(conn.execute(
            "SELECT v.id, v.lot_id, p.family_name, p.given_name FROM vaccination v "
            "JOIN person p ON p.id = v.person_id").fetchall())
    finally:
        conn.close()


def test_kill_during_upgrade_leaves_old_or_new_schema(tmp_path: Path, zygote: Zygote,
                                                      old_file: Path) -> None:
    rng = random.Random(SEED + 1)
    old = schema_dump(old_file)
    data = data_of(old_file)
    assert len(data) == 5
    reference = tmp_path / "reference" / "impfteam.sqlite"
    reference.parent.mkdir()
    shutil.copy(old_file, reference)
    calibration = calibrate(zygote, reference, tmp_path / "reference.events")
    new = schema_dump(reference)
    assert new[0] == head_revision() and data_of(reference) == data
    figures = Figures("upgrade 0004 -> head")
    for i, kill in enumerate(plan(rng, calibration, RUNS)):
        run = tmp_path / f"run{i}"
        run.mkdir()
        path = run / "impfteam.sqlite"
        shutil.copy(old_file, path)
        events = kill_after(zygote, kill, mode="upgrade", path=str(path),
                            events=str(run / "events"))
        classify(figures, events)
        state = schema_dump(path)
        if state == old:
            figures.states["old (0004)"] = figures.states.get("old (0004)", 0) + 1
        else:
            assert state == new, f"run {i}: half-migrated schema after kill"
            figures.states["new (head)"] = figures.states.get("new (head)", 0) + 1
        assert data_of(path) == data
        db = Database.open(str(path))
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        db.dispose()
        assert schema_dump(path) == new and data_of(path) == data
        copies = [p for p in run.iterdir() if ".vor-update-" in p.name]
        assert len(copies) == 1 and copies[0].name.startswith("impfteam.vor-update-0004-"), \
            f"run {i}: {sorted(p.name for p in run.iterdir())}"
        assert schema_dump(copies[0]) == old and data_of(copies[0]) == data
        figures.opened_ok += 1
        shutil.rmtree(run)
    report(figures)
    assert figures.opened_ok == figures.runs == RUNS
    assert figures.inside_ddl >= RUNS // 4, figures.line()


def test_kill_during_dose_loop_loses_no_committed_dose(tmp_path: Path, zygote: Zygote,
                                                      world: World, db: Database,
                                                      db_path: Path, actor: Actor) -> None:
    from core.services.lots import allocate_lot, create_lot

    with db.session() as s:
        lot = create_lot(s, actor, "Comirnaty", "KILL01", TODAY + timedelta(days=60), 100000)
        allocate_lot(s, actor, world.visit_id, lot.id, 100000)
        lot_id = lot.id
    db.dispose()
    ids = {"visit": world.visit_id, "lot": lot_id, "doctor": world.doctor_id,
           "nurse": world.vaccinator_id, "today": TODAY.isoformat()}
    rng = random.Random(SEED + 2)
    printed: list[str] = []
    kills = 0
    for i in range(max(RUNS, 50)):
        events = kill_after(zygote, Kill(rng.uniform(0.05, 0.4)), mode="doses", path=str(db_path),
                            events=str(tmp_path / f"doses{i}.events"), ids=ids, pause=0)
        kills += 1
        printed += [text for _, _, text in events.kinds("DOSE")]
        conn = connect_sqlite_file(db_path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            stored = {row[0] for row in conn.execute("SELECT id FROM vaccination")}
        finally:
            conn.close()
        missing = [dose for dose in printed if dose not in stored]
        assert not missing, f"kill {i}: committed doses lost: {missing[:3]}"
    line = (f"dose loop: {kills} SIGKILLs, {len(printed)} committed doses printed, "
            f"all {len(printed)} in the database")
    print("\n" + line)
    if out := os.environ.get("IMPFTEAM_CRASH_REPORT"):
        with open(out, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    assert len(printed) >= kills  # the loop really ran between the kills
