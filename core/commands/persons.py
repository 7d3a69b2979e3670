"""``persons search QUERY [--birth DATE] [--limit N]``: the GUI's search, headless."""

from __future__ import annotations

from typing import Any

from core.cli import CliContext, json_parent
from core.dates import parse_date
from core.services.search import search_persons


def register(sub: Any) -> None:
    persons = sub.add_parser("persons", help="Personen")
    commands = persons.add_subparsers(dest="persons_command", required=True)
    search = commands.add_parser("search", parents=[json_parent()], help="Person suchen")
    search.add_argument("query", help="Name (Präfix, Tippfehler erlaubt), optional Geburtsdatum")
    search.add_argument("--birth", help="Geburtsdatum (TT.MM.JJJJ oder JJJJ-MM-TT)")
    search.add_argument("--limit", type=int, default=20)
    search.set_defaults(handler=run_search)


def run_search(ctx: CliContext) -> int:
    args = ctx.args
    birth = parse_date(args.birth, "--birth") if args.birth else None
    with ctx.session() as session:
        hits = search_persons(session, args.query, birth=birth, limit=args.limit)
    ctx.emit([hit.to_json() for hit in hits], lambda: "\n".join(
        f"{h.score:3d}  {h.family_name}, {h.given_name}  *{h.birth_date:%d.%m.%Y}  "
        f"{h.postcode}  {h.id}" for h in hits) or "Keine Treffer.")
    return 0
