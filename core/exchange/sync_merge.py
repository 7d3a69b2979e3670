"""Merging one verified sync package into this database (usually the Impfzentrum hub).

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
Everything happens in the caller's transaction; errors go to the report, and the caller
(``sync_import``) then raises so the unit of work rolls back and nothing is half-applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db.base import new_id, utcnow
from core.db.models import AuditEntry, ConflictEntry, ImportedPackage, SyncBase
from core.db.versioning import next_versions
from core.exchange.bulk import (
    IN_CHUNK,
    insert_rows,
    insert_tuples,
    placeholder,
    select_in,
    update_rows,
)
from core.exchange.common import ImportReport, Steps
from core.exchange.duplicates import DOSE_FIELDS, PERSON_FIELDS, Written, flag_duplicate_doses
from core.exchange.sync_format import (
    EntitySpec,
    differing,
    entity_specs,
    fingerprint,
    json_image,
)
from core.exchange.sync_package import Package
from core.exchange.sync_rows import Batch, EntityRows, Row, replace, typed
from core.security.audit_chain import insert_entries
from core.services.context import Actor
from core.services.records import LABELS

BASE_TABLE: Table = SyncBase.__table__  # type: ignore[assignment]
assert [c.name for c in BASE_TABLE.columns] == ["entity", "entity_id", "base_hash", "package_id"]


def chunks(values: list[Any], size: int = IN_CHUNK) -> Iterator[list[Any]]:
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
                 steps: Steps) -> None:
        self.s, self.actor, self.package, self.report, self.steps = (
            session, actor, package, report, steps)
        self.sqlite = session.connection().dialect.name == "sqlite"
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
        for part in chunks(list(set(keys))):
            result = conn.execute(select(*table.c).where(table.c[column].in_(part)))
            found += [dict(row) for row in result.mappings()]
        return found

    def raw_in(self, sql: str, keys: Iterable[Any], *params: Any) -> list[Any]:
        """``bulk.select_in`` on this session; the keys are text (UUIDs, lot numbers,
        logins), stored as they are sent."""
        return select_in(self.s.connection(), sql, keys, *params)

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
            doses = self.package.rows.get("vaccination", EntityRows())
            id_at = specs[[spec.name for spec in specs].index("vaccination")].column_names.index(
                "id")
            self.report.duplicates = flag_duplicate_doses(
                self.s, self.actor.user, self.package.package_id,
                [row[id_at] for row in doses.tuples], self.written)
            self.steps(95, "Protokoll schreiben")
            self.write_log()
        except IntegrityError as exc:
            self.report.error("Das Paket verletzt eine Regel der Datenbank "
                              f"({str(exc.orig).splitlines()[0][:200]}).")

    def write_log(self) -> None:
        """Audit: one entry for the package (what it created), one per updated record
        with before/after. Nothing at all when the package changed nothing."""
        insert_entries(self.s.connection(), self.audit_rows)  # chained, see audit_chain
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
        rows = self.package.rows.get(spec.name)
        if not rows:
            return
        batch = Batch.of(spec, rows, self.remap)
        found = self.existing_ids(spec.name, set(batch.incoming))
        local = {row["id"]: row for row in self.fetch(spec, "id", found)} if found else {}
        if spec.natural_keys:
            self.match_natural_keys(batch, local)
        self.check_foreign_keys(batch)
        if self.report.errors:
            return
        # merge bases exist only for records stored here (nothing is ever deleted)
        bases: dict[str, str] = dict(self.raw_in(
            "SELECT entity_id, base_hash FROM sync_base WHERE entity = "
            f"{placeholder(self.s.connection())} AND entity_id IN ({{}})", local,
            spec.name)) if local else {}
        creates: list[Row] = []
        updates: list[tuple[dict[str, Any], dict[str, Any]]] = []
        new_bases: dict[str, str] = {}
        for entity_id, index in batch.incoming.items():
            ih = batch.fingerprint(index)
            loc = local.get(entity_id)
            base = bases.get(entity_id)
            if loc is None:
                creates.append(batch.tuples[index])
            elif fingerprint(spec, loc) == ih or base == ih:
                self.report.count("unchanged", spec.name)
            elif base is not None and base == fingerprint(spec, loc):
                inc = batch.values(index)
                if inc["updated_at"] >= loc["updated_at"]:
                    updates.append((inc, loc))
                else:
                    self.report.count("unchanged", spec.name)
                    continue  # an older package: keep the base of the newer one
            else:
                inc = batch.values(index)
                winner = self.log_conflict(spec, loc, inc)
                if winner == "paket":
                    updates.append((inc, loc))
                else:
                    self.report.count("unchanged", spec.name)
            if base != ih:
                new_bases[entity_id] = ih
        self.apply(spec, creates, updates)
        self.save_bases(spec, new_bases, bases)
        self.present.setdefault(spec.name, set()).update(batch.incoming)

    def match_natural_keys(self, batch: Batch, local: dict[str, dict[str, Any]]) -> None:
        """A record created independently on two devices with the same unique key (same
        lot number, same login, same team member) is the same record: use our UUID."""
        spec = batch.spec
        kinds = {c.name: c.kind for c in spec.columns}
        for key in spec.natural_keys:
            rows = [i for entity_id, i in batch.incoming.items() if entity_id not in local]
            if not rows:
                return
            if all(kinds[c] == "str" for c in key):  # text needs no conversion
                pick = itemgetter(*(batch.column(c) for c in key))
                pending = [(i, pick(batch.tuples[i])) for i in rows]
                if len(key) == 1:
                    pending = [(i, (value,)) for i, value in pending]
            else:
                pending = [(i, tuple(batch.values(i)[c] for c in key)) for i in rows]
            found = self.natural_key_rows(spec, key, [value for _i, value in pending])
            id_at = batch.column("id")
            for index, value in pending:
                row = found.get(value)
                if row is None or row["id"] in batch.incoming:
                    continue
                old = batch.tuples[index][id_at]
                self.remap.setdefault(spec.name, {})[old] = row["id"]
                batch.rekey(old, row["id"])
                local[row["id"]] = row

    def natural_key_rows(self, spec: EntitySpec, key: tuple[str, ...],
                         pending: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], dict[str, Any]]:
        """Our rows with the same ``key`` as some of ``pending`` (key values), by key value.

        Text keys are first looked up at the driver level (no result processing for the
        usual case of no match at all); only the rows that match are read whole."""
        kinds = {c.name: c.kind for c in spec.columns}
        if all(kinds[c] == "str" for c in key):
            wanted = set(pending)
            columns = ", ".join(key)
            hits = [row[0] for row in self.raw_in(
                f"SELECT id, {columns} FROM {spec.name} WHERE {key[0]} IN ({{}})",
                (v[0] for v in pending)) if tuple(row[1:]) in wanted]
            rows = self.fetch(spec, "id", hits) if hits else []
        else:
            rows = self.fetch(spec, key[0], (v[0] for v in pending))
        return {tuple(row[c] for c in key): row for row in rows}

    def check_foreign_keys(self, batch: Batch) -> None:
        spec = batch.spec
        for column, target in spec.foreign_keys:
            at = batch.column(column)
            wanted = {batch.tuples[i][at] for i in batch.incoming.values()} - {None, ""}
            if target == spec.name:
                wanted -= set(batch.incoming)
            wanted -= self.present.get(target, set())
            missing = wanted - self.existing_ids(target, wanted) if wanted else set()
            for index in batch.incoming.values() if missing else ():
                value = batch.tuples[index][at]
                if value in missing:
                    sheet, number = batch.rows.where[index]
                    self.report.error(
                        f"verweist auf {LABELS.get(target, target)} {value}; dieser "
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

    def apply(self, spec: EntitySpec, creates: list[Row],
              updates: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
        if not creates and not updates:
            return
        table, names = spec.table, spec.column_names
        last = next_versions(self.s, len(creates) + len(updates))
        version = last - len(creates) - len(updates)
        at, id_at = names.index("row_version"), names.index("id")
        self_refs = [names.index(c) for c, target in spec.foreign_keys if target == spec.name]
        deferred: list[dict[str, Any]] = []
        rows: list[Row] = []
        for row in creates:
            version += 1
            row = (*row[:at], version, *row[at + 1:])
            if self_refs and any(row[i] for i in self_refs):  # set once those exist
                deferred.append({"id": row[id_at], **{names[i]: row[i] for i in self_refs}})
                row = replace(row, [(i, None) for i in self_refs])
            rows.append(row)
        self.remember(spec, creates, [inc for inc, _loc in updates])
        conn = self.s.connection()
        if self.sqlite:
            insert_tuples(conn, table, rows)
        else:  # the tuples hold SQLite's text for dates: typed values for other databases
            insert_rows(conn, table, [dict(zip(names, typed(spec.name, row), strict=True))
                                      for row in rows])
        if rows:
            self.report.count("created", spec.name, len(rows))
        if updates:
            changed = []
            for inc, _loc in updates:
                version += 1
                changed.append({**inc, "row_version": version})
            update_rows(conn, table, changed, [n for n in names if n != "id"])
            self.report.count("updated", spec.name, len(updates))
        if deferred:
            update_rows(conn, table, deferred, [names[i] for i in self_refs])
        base = {"at": self.now, "user": self.actor.user, "origin": self.actor.origin,
                "entity": spec.name}
        self.audit_rows += [{**base, "id": new_id(), "action": "sync.update",
                             "entity_id": inc["id"], "before": json_image(loc),
                             "after": json_image(inc)} for inc, loc in updates]

    def remember(self, spec: EntitySpec, created: list[Row],
                 updated: list[dict[str, Any]]) -> None:
        """What the duplicate check needs of the persons and doses written now."""
        id_at = spec.column_names.index("id")
        if spec.name == "vaccination":
            target, fields = self.written.doses, DOSE_FIELDS
        elif spec.name == "person":
            target, fields = self.written.persons, PERSON_FIELDS
            self.written.new_persons.update(row[id_at] for row in created)
        else:
            return
        pick = itemgetter(*(spec.column_names.index(f) for f in fields))
        target.update(zip([row[id_at] for row in created], map(pick, created), strict=True))
        target.update((values["id"], tuple(values[f] for f in fields)) for values in updated)

    def save_bases(self, spec: EntitySpec, new_bases: dict[str, str],
                   bases: dict[str, str]) -> None:
        pid, conn = self.package.package_id, self.s.connection()
        insert_tuples(conn, BASE_TABLE, [(spec.name, k, h, pid) for k, h in new_bases.items()
                                         if k not in bases])
        changed = [(h, pid, spec.name, k) for k, h in new_bases.items() if k in bases]
        if changed:
            mark = placeholder(conn)
            conn.exec_driver_sql(
                f"UPDATE sync_base SET base_hash = {mark}, package_id = {mark} "
                f"WHERE entity = {mark} AND entity_id = {mark}", changed)
