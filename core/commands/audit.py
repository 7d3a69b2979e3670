"""``audit [--entity ID] [--limit N] [--json]`` and ``audit verify [--json]``.

The first prints audit entries (oldest first; with ``--entity`` the whole history of one
record, else the newest ``--limit``). ``verify`` checks every chain entry by entry and
each head against its anchor (``core.security.audit_chain``): exit 0 when intact, 1 with
the findings when anything was edited, deleted, cut off or recomputed.
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import select

from core.cli import CliContext, json_parent
from core.db.models import AuditEntry
from core.errors import UserError
from core.security import audit_chain

DEFAULT_LIMIT = 1000


def register(sub: argparse._SubParsersAction) -> None:
    audit = sub.add_parser("audit", parents=[json_parent()],
                           help="Audit-Protokoll anzeigen oder prüfen (audit verify)")
    audit.add_argument("--entity", metavar="ID", help="nur Einträge zu diesem Datensatz (UUID)")
    audit.add_argument("--limit", type=int, default=DEFAULT_LIMIT,
                       help=f"höchstens N neueste Einträge (Standard {DEFAULT_LIMIT})")
    audit.set_defaults(handler=run_list)
    commands = audit.add_subparsers(dest="audit_command")
    verify = commands.add_parser("verify", parents=[json_parent()],
                                 help="Hash-Ketten und Anker prüfen (Code 1 bei Manipulation)")
    verify.set_defaults(handler=run_verify)


def entry_json(entry: AuditEntry) -> dict[str, Any]:
    return {"at": entry.at.isoformat(timespec="microseconds"), "user": entry.user,
            "action": entry.action, "entity": entry.entity, "entity_id": entry.entity_id,
            "before": entry.before, "after": entry.after}


def _line(row: dict[str, Any]) -> str:
    return f"{row['at'][:19]}  {row['user']:<16} {row['action']:<20} {row['entity']} " \
           f"{row['entity_id']}"


def run_list(ctx: CliContext) -> int:
    if ctx.args.limit is not None and ctx.args.limit < 1:
        raise UserError("--limit: bitte eine Zahl ab 1 angeben.")
    query = select(AuditEntry)
    if ctx.args.entity:
        query = query.where(AuditEntry.entity_id == ctx.args.entity.strip())
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.origin, AuditEntry.seq.desc())
    with ctx.session() as session:
        rows = [entry_json(e) for e in session.scalars(query.limit(ctx.args.limit))]
    rows.reverse()
    ctx.emit(rows, lambda: "\n".join(_line(r) for r in rows) or "Keine Audit-Einträge.")
    return 0


def _text(result: dict[str, Any]) -> str:
    lines = [f"Kette {c['origin']}: {c['entries']} Einträge, Anker "
             f"{'in Ordnung' if c['head_ok'] else 'NICHT in Ordnung'}" for c in result["chains"]]
    lines += [f"FEHLER {e['origin']} (Eintrag {e['seq']}): {e['message']}"
              for e in result["errors"]]
    lines.append("Audit-Protokoll unverändert." if result["ok"] else
                 "Audit-Protokoll wurde verändert – bitte die Leitung/Administration "
                 "informieren und die Datenbank nicht weiter bearbeiten.")
    return "\n".join(lines)


def run_verify(ctx: CliContext) -> int:
    with ctx.session() as session:
        result = audit_chain.verify(session).to_json()
    if ctx.json:
        ctx.emit(result, "")
    else:
        print(_text(result))
    if not result["ok"]:
        if not ctx.json:
            first = result["errors"][0]
            raise UserError(f"Audit-Protokoll: {first['message']} (Kette {first['origin']}); "
                            f"{len(result['errors'])} Befund(e). Bitte die Administration "
                            "informieren.")
        return 1
    return 0
