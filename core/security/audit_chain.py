"""The audit trail as one hash chain per origin (device), anchored outside the database.

Every ``audit_entry`` row carries ``seq`` (1, 2, … per origin), ``prev_hash`` (the hash of
entry ``seq - 1``, ``GENESIS`` for the first) and ``hash`` = SHA-256 over the canonical
JSON of the entry's fields and ``prev_hash`` (``entry_hash``). Triggers (migration 0007)
refuse UPDATE and DELETE of entries on SQLite and PostgreSQL.

The head of each chain is kept in ``audit_anchor`` (origin, seq, hash) together with an
HMAC-SHA256 over those values made with a key that is *not* in the database
(``<data dir>/keys/audit-anchor.key``, 0600). Someone who can write the database file
but not the key store can edit entries (the hash no longer matches), delete one (a gap),
cut the chain short (the anchor points past the end) or recompute all hashes (the
anchor's HMAC no longer matches) — ``verify`` reports each. The anchor is updated in
the same transaction as the entries, so there is no window in which a commit and its
anchor disagree.

Appending takes the chain head row ``FOR UPDATE`` (PostgreSQL; SQLite has one writer
anyway): appends to the *same* origin serialise, different origins never wait for each
other. Before extending a chain its anchor's HMAC is checked; a head that was tampered
with is not silently re-signed: the anchor gets a ``broken`` note (covered by the HMAC,
so it cannot be cleared without the key) and ``verify`` keeps failing.

Entries are chained automatically wherever they are written through the ORM: new
``AuditEntry`` objects in a flush (``before_flush``) and ``session.execute(insert(
AuditEntry), rows)`` (``do_orm_execute``). Core writers (the sync merge) call
``insert_entries``. The columns are NOT NULL, so a writer that bypasses all three fails
loudly instead of leaving an unchained entry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, event, func, insert, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from core.db.base import new_id, utcnow
from core.db.models_log import AuditAnchor, AuditEntry, AuditRemoteHead
from core.security.keyfiles import key_store, write_private

GENESIS = "0" * 64
ANCHOR_KEY_FILE = "audit-anchor.key"
HASH_FIELDS = ("id", "at", "user", "origin", "action", "entity", "entity_id", "before",
               "after")
MAX_BROKEN = 2000
AUDIT: Table = AuditEntry.__table__  # type: ignore[assignment]
ANCHOR: Table = AuditAnchor.__table__  # type: ignore[assignment]
REMOTE: Table = AuditRemoteHead.__table__  # type: ignore[assignment]


# -- hashing ---------------------------------------------------------------------------
def _stamp(value: Any) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"at: {value!r}")
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


def canonical(values: dict[str, Any], seq: int, prev_hash: str) -> bytes:
    """The bytes an entry's hash is taken over (format 1; never change it)."""
    doc = [1, values["origin"], seq, prev_hash, values["id"], _stamp(values["at"]),
           values["user"], values["action"], values["entity"], values["entity_id"],
           values.get("before"), values.get("after")]
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str).encode("utf-8")


def entry_hash(values: dict[str, Any], seq: int, prev_hash: str) -> str:
    return hashlib.sha256(canonical(values, seq, prev_hash)).hexdigest()


# -- the anchor key (outside the database) ---------------------------------------------
_keys: dict[str, bytes] = {}


def anchor_key_path() -> Path:
    return key_store() / ANCHOR_KEY_FILE


def anchor_key() -> bytes:
    """The HMAC key of this data dir, made on first use (32 random bytes, file 0600).

    Read once per data dir and process (``IMPFTEAM_HOME`` is the only thing that moves the
    data dir), so a commit pays no file system call for it."""
    home = os.environ.get("IMPFTEAM_HOME", "")
    cached = _keys.get(home)
    if cached is not None:
        return cached
    path = anchor_key_path()
    if path.exists():
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    else:
        key = secrets.token_bytes(32)
        write_private(path, key.hex().encode("ascii") + b"\n")
    _keys[home] = key
    return key


def forget_anchor_key() -> None:
    """Drop the cached key (after the key file was replaced or removed)."""
    _keys.clear()


def anchor_mac(origin: str, seq: int, head: str, broken: str, key: bytes | None = None
               ) -> str:
    message = "\x00".join(("impfteam-audit-anchor-1", origin, str(seq), head, broken))
    return hmac.new(key or anchor_key(), message.encode("utf-8"), hashlib.sha256).hexdigest()


# -- appending -------------------------------------------------------------------------
@dataclass(slots=True)
class _Head:
    seq: int
    hash: str
    broken: str
    exists: bool


def _note(broken: str, text: str) -> str:
    joined = f"{broken}; {text}" if broken else text
    return joined[:MAX_BROKEN]


def _lock_head(conn: Connection, origin: str) -> _Head:
    """The chain head of ``origin`` (row locked until commit), its anchor checked."""
    # driver-level SQL: this runs in every writing transaction (about 0.1 ms saved per
    # statement against a compiled Core statement)
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    lock = "" if conn.dialect.name == "sqlite" else " FOR UPDATE"
    row = conn.exec_driver_sql(
        f"SELECT seq, hash, broken, mac FROM audit_anchor WHERE origin = {mark}{lock}",
        (origin,)).first()
    if row is None:
        last = conn.execute(select(AUDIT.c.seq, AUDIT.c.hash).where(AUDIT.c.origin == origin)
                            .order_by(AUDIT.c.seq.desc()).limit(1)).first()
        if last is None:
            return _Head(0, GENESIS, "", False)
        when = f"{utcnow():%d.%m.%Y %H:%M}"
        return _Head(int(last[0]), str(last[1]),
                     f"Anker der Kette fehlte bei Eintrag {last[0]} ({when} UTC)", False)
    seq, head, broken, mac = int(row[0]), str(row[1]), str(row[2] or ""), str(row[3])
    if not hmac.compare_digest(mac, anchor_mac(origin, seq, head, broken)):
        when = f"{utcnow():%d.%m.%Y %H:%M}"
        broken = _note(broken, f"Anker ungültig bei Eintrag {seq} ({when} UTC)")
    return _Head(seq, head, broken, True)


def _save_head(conn: Connection, origin: str, head: _Head) -> None:
    values = {"seq": head.seq, "hash": head.hash, "broken": head.broken,
              "mac": anchor_mac(origin, head.seq, head.hash, head.broken),
              "updated_at": utcnow()}
    if head.exists:
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        stamp: Any = values["updated_at"]
        if conn.dialect.name == "sqlite":  # the text SQLAlchemy's DateTime stores
            stamp = stamp.isoformat(" ", "microseconds")
        conn.exec_driver_sql(
            f"UPDATE audit_anchor SET seq = {mark}, hash = {mark}, broken = {mark}, "
            f"mac = {mark}, updated_at = {mark} WHERE origin = {mark}",
            (head.seq, head.hash, head.broken, values["mac"], stamp, origin))
    else:
        conn.execute(insert(ANCHOR).values(origin=origin, **values))


def chain_rows(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Give each row (dicts of entry values, in order) ``id``/``at`` when missing and its
    ``seq``/``prev_hash``/``hash``; moves each origin's anchor to its new head."""
    by_origin: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        row.setdefault("before", None)
        row.setdefault("after", None)
        if not row.get("id"):
            row["id"] = new_id()
        if row.get("at") is None:
            row["at"] = utcnow()
        row["origin"] = row.get("origin") or ""
        by_origin.setdefault(row["origin"], []).append(row)
    for origin in sorted(by_origin):  # one lock order: two writers never deadlock
        head = _lock_head(conn, origin)
        for row in by_origin[origin]:
            seq = head.seq + 1
            row["seq"], row["prev_hash"] = seq, head.hash
            row["hash"] = entry_hash(row, seq, head.hash)
            head.seq, head.hash = seq, row["hash"]
        _save_head(conn, origin, head)


def insert_entries(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Chain and INSERT audit rows written with Core (not through the ORM)."""
    if not rows:
        return
    chain_rows(conn, rows)
    conn.execute(insert(AUDIT), list(rows))


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    pending = [obj for obj in session.new if isinstance(obj, AuditEntry) and not obj.hash]
    if not pending:
        return
    rows = [{name: getattr(obj, name) for name in HASH_FIELDS} for obj in pending]
    chain_rows(session.connection(), rows)
    for obj, row in zip(pending, rows, strict=True):
        for name in ("id", "at", "origin", "seq", "prev_hash", "hash"):
            setattr(obj, name, row[name])


def _bulk_insert(state: ORMExecuteState) -> Any:
    """``session.execute(insert(AuditEntry), rows)`` (the demo generator): chain them."""
    if not state.is_insert:
        return None
    table = getattr(state.statement, "table", None)  # an annotated copy of AUDIT
    if getattr(table, "name", None) != AUDIT.name:
        return None
    params = state.parameters
    rows = [dict(p) for p in params] if isinstance(params, list) else (
        [dict(params)] if isinstance(params, dict) else [])
    if not rows or all(r.get("hash") for r in rows):
        return None
    chain_rows(state.session.connection(), rows)
    return state.invoke_statement(params=rows if isinstance(params, list) else rows[0])


def install() -> None:
    """Register the session hooks once for all sessions."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    if not event.contains(Session, "do_orm_execute", _bulk_insert):
        event.listen(Session, "do_orm_execute", _bulk_insert)


install()


# -- heads for packages ----------------------------------------------------------------
def chain_heads(session: Session) -> dict[str, dict[str, Any]]:
    """``{origin: {"seq", "hash"}}`` of every chain here (carried in signed packages)."""
    rows = session.connection().execute(select(ANCHOR.c.origin, ANCHOR.c.seq, ANCHOR.c.hash)
                                        .order_by(ANCHOR.c.origin))
    return {str(o): {"seq": int(s), "hash": str(h)} for o, s, h in rows}


def record_remote_heads(session: Session, heads: dict[str, Any], package_id: str,
                        to_version: int) -> list[str]:
    """Keep the team chain heads a signed package carries; returns German problems.

    A later package (``to_version`` not lower) whose head is *behind* the last one
    received, or at the same place with another hash, means the team's audit trail was
    cut short or rewritten. The problem is kept with the head (``audit verify`` on the
    hub reports it); the package's data, signed by a registered device, is still merged.
    """
    own = {row[0] for row in session.connection().execute(select(ANCHOR.c.origin))}
    conn, problems = session.connection(), []
    known = {row.origin: row for row in conn.execute(
        select(REMOTE).where(REMOTE.c.origin.in_(list(heads))))} if heads else {}
    now = utcnow()
    for origin, head in sorted(heads.items()):
        if origin in own:
            continue
        seq, digest = int(head["seq"]), str(head["hash"])
        old = known.get(origin)
        if old is None:
            conn.execute(insert(REMOTE).values(
                origin=origin, seq=seq, hash=digest, to_version=to_version,
                package_id=package_id, received_at=now, problem=""))
            continue
        problem = ""
        if to_version >= old.to_version and (
                seq < old.seq or (seq == old.seq and digest != old.hash)):
            problem = (f"Audit-Kette von {origin}: Paket {package_id} meldet Eintrag {seq}, "
                       f"ein früheres Paket bereits {old.seq} – das Protokoll des "
                       "Team-Geräts wurde gekürzt oder neu geschrieben")
            problems.append(problem)
        if problem or seq > old.seq:
            conn.execute(update(REMOTE).where(REMOTE.c.origin == origin).values(
                seq=max(seq, old.seq) if problem else seq,
                hash=old.hash if problem and seq <= old.seq else digest,
                to_version=max(to_version, old.to_version), package_id=package_id,
                received_at=now, problem=_note(old.problem or "", problem)
                if problem else old.problem))
    return problems


# -- verifying -------------------------------------------------------------------------
@dataclass(slots=True)
class ChainReport:
    origin: str
    entries: int = 0
    head_ok: bool = False


@dataclass(slots=True)
class VerifyReport:
    chains: list[ChainReport] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, origin: str, seq: int | None, message: str) -> None:
        self.errors.append({"origin": origin, "seq": seq, "message": message})

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok,
                "chains": [{"origin": c.origin, "entries": c.entries, "head_ok": c.head_ok}
                           for c in self.chains],
                "errors": list(self.errors)}


MAX_ERRORS_PER_CHAIN = 20


def _chain_entries(conn: Connection) -> Iterable[Any]:
    columns = [AUDIT.c[name] for name in (*HASH_FIELDS, "seq", "prev_hash", "hash")]
    query = (select(*columns).order_by(AUDIT.c.origin, AUDIT.c.seq)
             .execution_options(yield_per=5000))
    for partition in conn.execute(query).mappings().partitions():
        yield from partition


def verify(session: Session, key: bytes | None = None) -> VerifyReport:
    """Check every chain entry by entry and every head against its anchor."""
    conn = session.connection()
    if key is None:
        forget_anchor_key()  # verify reads the key file as it is now
        key = anchor_key() if anchor_key_path().exists() else b""
    anchors = {row.origin: row for row in conn.execute(select(ANCHOR))}
    report = VerifyReport()
    tails: dict[str, tuple[int, str]] = {}
    current: ChainReport | None = None
    expected_seq, prev, problems = 0, GENESIS, 0

    def fail(origin: str, seq: int | None, message: str) -> None:
        nonlocal problems
        problems += 1
        if problems <= MAX_ERRORS_PER_CHAIN:
            report.error(origin, seq, message)

    for row in _chain_entries(conn):
        origin = row["origin"]
        if current is None or current.origin != origin:
            if current is not None:
                tails[current.origin] = (expected_seq, prev)
            current = ChainReport(origin)
            report.chains.append(current)
            expected_seq, prev, problems = 0, GENESIS, 0
        current.entries += 1
        seq = int(row["seq"])
        if seq != expected_seq + 1:
            fail(origin, seq, f"Eintrag {seq} folgt auf {expected_seq}: "
                              f"{seq - expected_seq - 1} Eintrag/Einträge fehlen (gelöscht)")
        if row["prev_hash"] != prev:
            fail(origin, seq, f"Eintrag {seq} verweist nicht auf seinen Vorgänger "
                              "(Eintrag gelöscht oder ausgetauscht)")
        try:
            digest = entry_hash(dict(row), seq, row["prev_hash"])
        except (TypeError, ValueError):
            digest = ""
        if digest != row["hash"]:
            fail(origin, seq, f"Eintrag {seq} wurde nachträglich verändert "
                              "(Prüfsumme stimmt nicht)")
        expected_seq, prev = seq, str(row["hash"])
    if current is not None:
        tails[current.origin] = (expected_seq, prev)

    for origin in sorted(set(anchors) - set(tails)):
        chain = ChainReport(origin)
        report.chains.append(chain)
        tails[origin] = (0, GENESIS)
    for chain in report.chains:
        anchor = anchors.get(chain.origin)
        seq, head = tails[chain.origin]
        if anchor is None:
            report.error(chain.origin, seq, "Die Kette hat keinen Anker (Anker gelöscht)")
            continue
        mac_ok = bool(key) and hmac.compare_digest(
            str(anchor.mac), anchor_mac(chain.origin, int(anchor.seq), str(anchor.hash),
                                        str(anchor.broken or ""), key))
        if not key:
            report.error(chain.origin, None, "Der Anker-Schlüssel fehlt im Schlüsselspeicher "
                                             f"({ANCHOR_KEY_FILE}); Anker nicht prüfbar")
        elif not mac_ok:
            report.error(chain.origin, int(anchor.seq),
                         "Der Anker ist ungültig: Kette neu berechnet oder Anker verändert")
        if anchor.broken:
            report.error(chain.origin, int(anchor.seq), f"Früher festgestellt: {anchor.broken}")
        if int(anchor.seq) > seq:
            report.error(chain.origin, seq, f"Die Kette endet bei Eintrag {seq}, der Anker "
                                            f"steht bei {anchor.seq}: Einträge am Ende gelöscht")
        elif int(anchor.seq) < seq:
            report.error(chain.origin, seq, f"Einträge nach dem Anker ({anchor.seq}) "
                                            "wurden ohne die Anwendung angefügt")
        elif str(anchor.hash) != head:
            report.error(chain.origin, seq, "Der letzte Eintrag passt nicht zum Anker")
        chain.head_ok = (mac_ok and not anchor.broken and int(anchor.seq) == seq
                         and str(anchor.hash) == head)
    report.chains.sort(key=lambda c: c.origin)
    for row in conn.execute(select(REMOTE).where(REMOTE.c.problem != "")):
        report.error(row.origin, int(row.seq), row.problem)
    return report


def entry_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AUDIT)) or 0)
