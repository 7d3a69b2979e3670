"""``visits list [--from DATE] [--to DATE]``."""

from __future__ import annotations

from typing import Any

from core.cli import CliContext, json_parent
from core.dates import parse_date
from core.errors import UserError
from core.services.visits import list_visits


def register(sub: Any) -> None:
    visits = sub.add_parser("visits", help="Einsätze")
    commands = visits.add_subparsers(dest="visits_command", required=True)
    listing = commands.add_parser("list", parents=[json_parent()], help="Einsätze auflisten")
    listing.add_argument("--from", dest="date_from", help="ab Datum (einschließlich)")
    listing.add_argument("--to", dest="date_to", help="bis Datum (einschließlich)")
    listing.set_defaults(handler=run_list)


def run_list(ctx: CliContext) -> int:
    args = ctx.args
    start = parse_date(args.date_from, "--from") if args.date_from else None
    end = parse_date(args.date_to, "--to") if args.date_to else None
    if start and end and end < start:
        raise UserError("--to liegt vor --from. Bitte den Zeitraum prüfen.")
    with ctx.session() as session:
        rows = list_visits(session, start, end)
    ctx.emit([row.to_json() for row in rows], lambda: "\n".join(
        f"{r.date:%d.%m.%Y} {r.start}–{r.end}  {r.site_name:<35} {r.status:<13} "
        f"{r.doses_given:>4}/{r.planned_capacity:<4} {r.id}" for r in rows)
        or "Keine Einsätze im Zeitraum.")
    return 0
