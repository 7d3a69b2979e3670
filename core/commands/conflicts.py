"""``conflicts [--json]``: the conflict log of merged sync packages."""

from __future__ import annotations

from typing import Any

from core.cli import CliContext, json_parent
from core.exchange.conflict_log import list_conflicts


def register(sub: Any) -> None:
    parser = sub.add_parser("conflicts", parents=[json_parent()],
                            help="Konfliktprotokoll der Zusammenführungen")
    parser.add_argument("--limit", type=int, default=None, help="höchstens N Einträge")
    parser.set_defaults(handler=run)


def run(ctx: CliContext) -> int:
    with ctx.session() as session:
        rows = list_conflicts(session, ctx.args.limit)
    ctx.emit([row.to_json() for row in rows],
             lambda: "\n".join(row.text() for row in rows) or "Keine Konflikte.")
    return 0
