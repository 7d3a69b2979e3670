"""``import sync``: merge a team's package into this database (usually the Impfzentrum hub).

Records merge by UUID. Provenance (``created_*``, ``updated_at``, ``origin``) is kept as the
team wrote it, but ``row_version`` comes from *this* database's counter, so the hub can
export its own deltas later. Rows are therefore written with Core statements, not the
ORM: the ``before_flush`` hook of ``core.db.versioning`` would overwrite ``updated_at``.

Merge rule per record (documented in docs/formats.md, "Konfliktregel"):
- unknown here → created;
- equal to ours (all columns but row_version) → unchanged;
- equal to the version we took from an earlier package (``SyncBase``) → unchanged (our
  later edit stays);
- ours is still that earlier version → updated (the team changed it), unless the package
  is older than what we have (imported out of order) → unchanged;
- otherwise both sides changed it: a conflict, decided by ``decide`` and logged in
  ``ConflictEntry``.
Everything happens in the caller's transaction; any error raises ``ImportFailed`` so the
unit of work rolls back and nothing is half-applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db.base import new_id, utcnow
from core.db.models import AuditEntry, ConflictEntry, ImportedPackage, SyncBase
from core.db.versioning import next_versions
from core.errors import UserError
from core.exchange.bulk import insert_rows, placeholder, update_rows
from core.exchange.common import Cancel, ImportReport, Progress, Steps
from core.exchange.duplicates import Written, flag_duplicate_doses
from core.exchange.package_reader import PackageReader, load_package
from core.exchange.sync_format import EntitySpec, differing, entity_specs, fingerprint, json_image
from core.exchange.sync_package import Package, read_package
from core.services.context import Actor
from core.services.records import LABELS

AUDIT_TABLE: Table = AuditEntry.__table__  # type: ignore[assignment]
BASE_TABLE: Table = SyncBase.__table__  # type: ignore[assignment]
CHUNK = 2_000  # ids per IN (...): below SQLite's 32,766 variables, few round trips


class ImportFailed(UserError):
    """Errors were found; the report lists them and nothing was applied."""

    def __init__(self, report: ImportReport) -> None:
        first = report.errors[0].text() if report.errors else ""
        super().__init__(f"{len(report.errors)} Fehler, nichts übernommen. Erster: {first}")
        self.report = report


def chunks(values: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def decide(local: dict[str, Any], incoming: dict[str, Any]) -> tuple[str, str, str]:
    """The conflict rule: (winner ``lokal``/``paket``, rule code, German reason).

    1. A void beats an edit: a record voided on one side stays voided (a void is a
       deliberate correction; an edit made without knowing of it must not revive it).
    2. Otherwise the later ``updated_at`` wins (the most recent knowledge).
    3. On a tie our version stays (the hub does not flip-flop on re-imports).
    """
    local_void = local.get("voided_at") is not None
    incoming_void = incoming.get("voided_at") is not None
    if local_void != incoming_void:
        winner = "lokal" if local_void else "paket"
        return winner, "storno_gewinnt", "Stornierung geht vor Änderung"
    if incoming["updated_at"] > local["updated_at"]:
        return "paket", "neuere_aenderung", "Änderung im Paket ist neuer"
    if incoming["updated_at"] < local["updated_at"]:
        return "lokal", "neuere_aenderung", "eigene Änderung ist neuer"
    return "lokal", "gleichstand_lokal", "gleicher Zeitstempel, eigene Fassung bleibt"


class Merger:
    """Applies one verified package; collects counts, conflicts and audit rows."""

    def __init__(self, session: Session, actor: Actor, package: Package, report: ImportReport,
                 steps: Steps, hashes: dict[str, list[str]] | None = None) -> None:
        self.s, self.actor, self.package, self.report, self.steps = (
            session, actor, package, report, steps)
        self.hashes = hashes or {}  # fingerprints of the rows as read (package_reader)
        self.remap: dict[str, dict[str, str]] = {}
        self.audit_rows: list[dict[str, Any]] = []
        self.now = utcnow()
        # ids known to exist in each table: every record of an entity already merged from
        # this package (created or found), so foreign keys to them need no query
        self.present: dict[str, set[str]] = {}
        self.written = Written()  # persons and doses as written, for the duplicate check

    # -- queries ---------------------------------------------------------------------
    def fetch(self, spec: EntitySpec, column: str, keys: Iterable[Any]) -> list[dict[str, Any]]:
        """Whole rows (Python values, as SQLAlchemy reads them) whose ``column`` is in keys."""
        table, found, conn = spec.table, [], self.s.connection()
        for part in chunks(sorted(set(keys), key=str)):
            result = conn.execute(select(*table.c).where(table.c[column].in_(part)))
            found += [dict(row) for row in result.mappings()]
        return found

    def raw_in(self, sql: str, keys: Iterable[Any], *params: Any) -> list[Any]:
        """Driver-level ``sql`` with ``{}`` replaced by an IN list, once per chunk of keys.

        Existence checks need no result processing and no SQL compilation per chunk; the
        keys are text (UUIDs, lot numbers, logins), stored as they are sent."""
        conn, mark = self.s.connection(), placeholder(self.s.connection())
        found: list[Any] = []
        for part in chunks(sorted(set(keys), key=str)):
            statement = sql.replace("{}", ", ".join([mark] * len(part)))
            found += conn.exec_driver_sql(statement, (*params, *part)).fetchall()
        return found

    def existing_ids(self, table_name: str, ids: set[str]) -> set[str]:
        if not ids:
            return set()
        return {row[0] for row in self.raw_in(f"SELECT id FROM {table_name} WHERE id IN ({{}})",
                                              ids)}

    # -- steps -----------------------------------------------------------------------
    def run(self) -> None:
        specs = entity_specs()
        try:
            for index, spec in enumerate(specs):
                self.merge_entity(spec)
                if self.report.errors:
                    return
                self.steps(40 + int(50 * (index + 1) / len(specs)), f"{spec.name} übernommen")
            self.report.duplicates = flag_duplicate_doses(
                self.s, self.actor.user, self.package.package_id,
                [v["id"] for _, _, v in self.package.rows.get("vaccination", [])],
                self.written)
            self.steps(95, "Protokoll schreiben")
            self.write_log()
        except IntegrityError as exc:
            self.report.error("Das Paket verletzt eine Regel der Datenbank "
                              f"({str(exc.orig).splitlines()[0][:200]}).")

    def write_log(self) -> None:
        """Audit: one entry for the package (what it created), one per updated record
        with before/after. Nothing at all when the package changed nothing."""
        insert_rows(self.s.connection(), AUDIT_TABLE, self.audit_rows)
        known = self.s.scalar(select(ImportedPackage.id).where(
            ImportedPackage.data_sha256 == self.package.data_sha256))
        if known is not None and not self.report.created and not self.report.updated:
            return
        m = self.package.manifest
        entry = ImportedPackage(
            package_id=self.package.package_id, data_sha256=self.package.data_sha256,
            imported_by=self.actor.user, team_id=str(m.get("team_id", "")),
            device_id=str(m.get("device_id", "")), from_version=int(m.get("from_version", 0)),
            to_version=int(m.get("to_version", 0)), counts=self.report.to_json())
        if known is None:
            self.s.add(entry)
            self.s.flush()
        self.s.add(AuditEntry(
            user=self.actor.user, origin=self.actor.origin, action="sync.import",
            entity="imported_package", entity_id=known or entry.id, before=None,
            after={"package_id": self.package.package_id, "team_id": entry.team_id,
                   "device_id": entry.device_id, "created": self.report.created,
                   "updated": self.report.updated, "conflicts": self.report.conflicts}))
        self.s.flush()

    def merge_entity(self, spec: EntitySpec) -> None:
        rows = self.package.rows.get(spec.name, [])
        if not rows:
            return
        known = self.hashes.get(spec.name)
        if known is not None and len(known) != len(rows):
            known = None
        hashes: dict[str, str] = {}  # still valid fingerprints, by id
        for index, (_, _, values) in enumerate(rows):
            changed = False
            for column, target in spec.foreign_keys:
                mapping = self.remap.get(target)
                if mapping and values.get(column) in mapping:
                    values[column] = mapping[values[column]]
                    changed = True
            if known is not None and not changed:
                hashes[values["id"]] = known[index]
        incoming = {values["id"]: (sheet, number, values) for sheet, number, values in rows}
        found = self.existing_ids(spec.name, set(incoming))
        local = {row["id"]: row for row in self.fetch(spec, "id", found)} if found else {}
        if spec.natural_keys:
            self.match_natural_keys(spec, incoming, local)
        self.check_foreign_keys(spec, incoming)
        if self.report.errors:
            return
        bases: dict[str, str] = dict(self.raw_in(
            "SELECT entity_id, base_hash FROM sync_base WHERE entity = "
            f"{placeholder(self.s.connection())} AND entity_id IN ({{}})", incoming, spec.name))
        creates: list[dict[str, Any]] = []
        updates: list[tuple[dict[str, Any], dict[str, Any]]] = []
        new_bases: dict[str, str] = {}
        for entity_id, (_sheet, _number, inc) in incoming.items():
            ih = hashes.get(entity_id) or fingerprint(spec, inc)
            loc = local.get(entity_id)
            base = bases.get(entity_id)
            if loc is None:
                creates.append(inc)
            elif fingerprint(spec, loc) == ih or base == ih:
                self.report.count("unchanged", spec.name)
            elif base is not None and base == fingerprint(spec, loc):
                if inc["updated_at"] >= loc["updated_at"]:
                    updates.append((inc, loc))
                else:
                    self.report.count("unchanged", spec.name)
                    continue  # an older package: keep the base of the newer one
            else:
                winner = self.log_conflict(spec, loc, inc)
                if winner == "paket":
                    updates.append((inc, loc))
                else:
                    self.report.count("unchanged", spec.name)
            if base != ih:
                new_bases[entity_id] = ih
        self.apply(spec, creates, updates)
        self.save_bases(spec, new_bases, bases)
        self.present.setdefault(spec.name, set()).update(incoming)

    def match_natural_keys(self, spec: EntitySpec, incoming: dict[str, Any],
                           local: dict[str, dict[str, Any]]) -> None:
        """A record created independently on two devices with the same unique key (same
        lot number, same login, same team member) is the same record: use our UUID."""
        for key in spec.natural_keys:
            pending = [v for _s, _n, v in incoming.values() if v["id"] not in local]
            if not pending:
                return
            found = self.natural_key_rows(spec, key, pending)
            for values in pending:
                row = found.get(tuple(values[c] for c in key))
                if row is None or row["id"] in incoming:
                    continue
                old = values["id"]
                self.remap.setdefault(spec.name, {})[old] = row["id"]
                values["id"] = row["id"]
                incoming[row["id"]] = incoming.pop(old)
                local[row["id"]] = row

    def natural_key_rows(self, spec: EntitySpec, key: tuple[str, ...],
                         pending: list[dict[str, Any]]) -> dict[tuple[Any, ...], dict[str, Any]]:
        """Our rows with the same ``key`` as some of ``pending``, by key value.

        Text keys are first looked up at the driver level (no result processing for the
        usual case of no match at all); only the rows that match are read whole."""
        kinds = {c.name: c.kind for c in spec.columns}
        if all(kinds[c] == "str" for c in key):
            wanted = {tuple(v[c] for c in key) for v in pending}
            columns = ", ".join(key)
            hits = [row[0] for row in self.raw_in(
                f"SELECT id, {columns} FROM {spec.name} WHERE {key[0]} IN ({{}})",
                (v[key[0]] for v in pending)) if tuple(row[1:]) in wanted]
            rows = self.fetch(spec, "id", hits) if hits else []
        else:
            rows = self.fetch(spec, key[0], (v[key[0]] for v in pending))
        return {tuple(row[c] for c in key): row for row in rows}

    def check_foreign_keys(self, spec: EntitySpec, incoming: dict[str, Any]) -> None:
        for column, target in spec.foreign_keys:
            wanted = {v[column] for _s, _n, v in incoming.values() if v.get(column)}
            if target == spec.name:
                wanted -= set(incoming)
            wanted -= self.present.get(target, set())
            missing = wanted - self.existing_ids(target, wanted) if wanted else set()
            for sheet, number, values in incoming.values():
                if values.get(column) in missing:
                    self.report.error(
                        f"verweist auf {LABELS.get(target, target)} {values[column]}; dieser "
                        "Datensatz fehlt hier. Bitte zuerst das ältere Paket einlesen oder "
                        "beim Team ein Vollpaket (export sync --full) anfordern.",
                        sheet, number, column)

    def log_conflict(self, spec: EntitySpec, loc: dict[str, Any], inc: dict[str, Any]) -> str:
        winner, rule, reason = decide(loc, inc)
        fields = differing(spec, loc, inc)
        self.s.add(ConflictEntry(
            user=self.actor.user, package_id=self.package.package_id, entity=spec.name,
            entity_id=inc["id"], winner=winner, rule=rule, reason=reason,
            fields=", ".join(fields), local=json_image(loc), incoming=json_image(inc)))
        self.report.conflicts += 1
        return winner

    def apply(self, spec: EntitySpec, creates: list[dict[str, Any]],
              updates: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
        if not creates and not updates:
            return
        table = spec.table
        last = next_versions(self.s, len(creates) + len(updates))
        version = last - len(creates) - len(updates)
        self_refs = [c for c, target in spec.foreign_keys if target == spec.name]
        deferred: list[dict[str, Any]] = []
        rows = []
        for values in creates:
            version += 1
            row = {**values, "row_version": version}
            if any(row.get(c) for c in self_refs):
                deferred.append({"id": row["id"], **{c: row[c] for c in self_refs}})
                row.update({c: None for c in self_refs})
            rows.append(row)
        self.remember(spec.name, creates, [inc for inc, _loc in updates])
        conn = self.s.connection()
        if rows:
            insert_rows(conn, table, rows)
            self.report.count("created", spec.name, len(rows))
        names = [c.name for c in spec.columns if c.name != "id"]
        if updates:
            changed = []
            for inc, _loc in updates:
                version += 1
                changed.append({**inc, "row_version": version})
            update_rows(conn, table, changed, names)
            self.report.count("updated", spec.name, len(updates))
        if deferred:
            update_rows(conn, table, deferred, self_refs)
        base = {"at": self.now, "user": self.actor.user, "origin": self.actor.origin,
                "entity": spec.name}
        self.audit_rows += [{**base, "id": new_id(), "action": "sync.update",
                             "entity_id": inc["id"], "before": json_image(loc),
                             "after": json_image(inc)} for inc, loc in updates]

    def remember(self, entity: str, created: list[dict[str, Any]],
                 updated: list[dict[str, Any]]) -> None:
        if entity == "vaccination":
            self.written.doses.update((v["id"], v) for v in (*created, *updated))
        elif entity == "person":
            self.written.persons.update((v["id"], v) for v in (*created, *updated))
            self.written.new_persons.update(v["id"] for v in created)

    def save_bases(self, spec: EntitySpec, new_bases: dict[str, str],
                   bases: dict[str, str]) -> None:
        pid, conn = self.package.package_id, self.s.connection()
        inserts = [{"entity": spec.name, "entity_id": k, "base_hash": h, "package_id": pid}
                   for k, h in new_bases.items() if k not in bases]
        insert_rows(conn, BASE_TABLE, inserts)
        changed = [(h, pid, spec.name, k) for k, h in new_bases.items() if k in bases]
        if changed:
            mark = placeholder(conn)
            conn.exec_driver_sql(
                f"UPDATE sync_base SET base_hash = {mark}, package_id = {mark} "
                f"WHERE entity = {mark} AND entity_id = {mark}", changed)


@contextmanager
def _tuned(session: Session) -> Iterator[None]:
    """A 256 MB page cache (default 2 MB) while merging: the indexes of a growing hub
    file stay in memory between packages. Durability is untouched (WAL,
    ``synchronous=FULL``); the previous size is restored afterwards."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        if isinstance(before, int):
            conn.exec_driver_sql(f"PRAGMA cache_size = {before}")


def import_sync(session: Session, actor: Actor, path: Path, *, progress: Progress | None = None,
                cancel: Cancel | None = None) -> ImportReport:
    """Verify and merge a sync package in the caller's transaction.

    Returns the report; raises ``ImportFailed`` (with the report) on any error so the
    caller's unit of work rolls back, and ``UserError`` for unreadable packages.
    """
    steps = Steps(progress, cancel)
    report = ImportReport()
    steps(0, "Paket prüfen")
    package = read_package(Path(path), steps, report)
    if report.errors:
        raise ImportFailed(report)
    with _tuned(session):
        Merger(session, actor, package, report, steps).run()
    if report.errors:
        raise ImportFailed(report)
    steps(100, "Fertig")
    return report


def import_sync_many(session: Session, actor: Actor, paths: Sequence[Path], *,
                     progress: Progress | None = None,
                     cancel: Cancel | None = None) -> ImportReport:
    """Merge several packages in the caller's transaction, all or nothing, in the given
    order; returns the summed report.

    While one package is merged, the next is read and verified in a helper process (see
    ``package_reader``), and the whole batch needs one commit instead of one per package –
    the Impfzentrum's evening run of 50 packages. The first package is read here while the
    reader process starts.
    """
    steps = Steps(progress, cancel)
    total = ImportReport()
    paths = [Path(p) for p in paths]
    if not paths:
        return total
    reader = PackageReader(cancel) if len(paths) > 1 else None
    try:
        with _tuned(session):
            if reader is not None:
                reader.start(paths[1])
            loaded = load_package(paths[0], cancel)
            for index, path in enumerate(paths):
                steps(int(100 * index / len(paths)), f"Paket {index + 1} von {len(paths)}: "
                                                     f"{path.name}")
                if index > 0:
                    assert reader is not None
                    loaded = reader.take()
                    if index + 1 < len(paths):
                        reader.start(paths[index + 1])
                package, report, error, hashes = loaded
                if error is not None:
                    raise UserError(f"{path.name}: {error.message}") from error
                if package is not None and not report.errors:
                    Merger(session, actor, package, report, Steps(None, cancel), hashes).run()
                if report.errors:
                    for problem in report.errors:
                        problem.message = f"{path.name}: {problem.message}"
                    raise ImportFailed(report)
                total.add(report)
    finally:
        if reader is not None:
            reader.close()
    steps(100, "Fertig")
    return total
