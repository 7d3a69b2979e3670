"""``visits list|show|start|member add|remove|close``: the visits and a visit's day.

``show``, ``start``, ``member`` and ``close`` are the headless field day (issue 11): they
parse, call ``core.usecases`` (every rule lives there) and print its result.
"""

from __future__ import annotations

from typing import Any

from core.cli import CliContext, json_parent
from core.dates import parse_date
from core.db.codes import ROLES
from core.errors import UserError
from core.services.visits import list_visits


def register(sub: Any) -> None:
    visits = sub.add_parser("visits", help="Einsätze")
    commands = visits.add_subparsers(dest="visits_command", required=True)
    listing = commands.add_parser("list", parents=[json_parent()], help="Einsätze auflisten")
    listing.add_argument("--from", dest="date_from", help="ab Datum (einschließlich)")
    listing.add_argument("--to", dest="date_to", help="bis Datum (einschließlich)")
    listing.set_defaults(handler=run_list)
    show = commands.add_parser("show", parents=[json_parent()],
                               help="Einsatz mit Team und Chargen anzeigen")
    show.add_argument("id", metavar="ID", help="Einsatz (UUID oder externe ID)")
    show.set_defaults(handler=run_show)
    start = commands.add_parser("start", parents=[json_parent()],
                                help="Einsatz beginnen (nur am Einsatztag)")
    start.add_argument("id", metavar="ID")
    start.set_defaults(handler=run_start)
    member = commands.add_parser("member", help="Team des Einsatzes ändern (Vertretung)")
    member_commands = member.add_subparsers(dest="member_command", required=True)
    add = member_commands.add_parser("add", parents=[json_parent()],
                                     help="ins Team aufnehmen (z. B. Vertretung)")
    add.add_argument("id", metavar="ID", help="Einsatz")
    add.add_argument("staff", metavar="STAFF", help="Mitarbeiter/in (ID oder Benutzername)")
    add.add_argument("--role", choices=tuple(ROLES),
                     help="Rolle im Einsatz (Standard: die eigene Rolle)")
    add.set_defaults(handler=run_member_add)
    remove = member_commands.add_parser("remove", parents=[json_parent()],
                                        help="aus dem Team nehmen")
    remove.add_argument("id", metavar="ID", help="Einsatz")
    remove.add_argument("staff", metavar="STAFF", help="Mitarbeiter/in (ID oder Benutzername)")
    remove.set_defaults(handler=run_member_remove)
    close = commands.add_parser("close", parents=[json_parent()],
                                help="Einsatz abschließen (verworfene Dosen buchen)")
    close.add_argument("id", metavar="ID")
    close.add_argument("--discard", action="append", default=[],
                       metavar="CHARGE=N:GRUND",
                       help="verworfene Dosen einer Charge (Chargen-ID, Chargennummer oder "
                       "CHARGE@PRODUKT), z. B. FK1234=2:Rest; mehrfach möglich")
    close.set_defaults(handler=run_close)


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


def team_text(team: list[dict[str, Any]]) -> str:
    return "\n".join(f"  {m['name']:<28} {ROLES.get(m['role'], m['role']):<24} {m['login']}"
                     for m in team) or "  (kein Team)"


def visit_text(card: dict[str, Any]) -> str:
    if card.get("voided"):
        head = f"Einsatz {card['id']} (storniert)"
    else:
        head = (f"{card['site_name']} am {card['date']} {card['start']}–{card['end']}, "
                f"Status {card['status']}, {card['doses_given']}/{card['planned_capacity']} "
                f"Impfungen\n{card['id']}")
    lots = "\n".join(
        f"  {lot['number']:<12} {lot['product']:<14} bis {lot['expiry']}  "
        f"{lot['doses_left']:>4} übrig" + ("" if lot["usable"] else f"  ({lot['reason']})")
        for lot in card["lots"]) or "  (keine Chargen)"
    return f"{head}\nTeam:\n{team_text(card['team'])}\nChargen:\n{lots}"


def run_show(ctx: CliContext) -> int:
    from core.commands.common import today
    from core.usecases.cards import visit_card

    with ctx.session() as session:
        card = visit_card(session, ctx.args.id, today())
    ctx.emit(card, lambda: visit_text(card))
    return 0


def run_start(ctx: CliContext) -> int:
    from core.commands.common import today
    from core.usecases.cards import visit_card
    from core.usecases.visit_rules import start_visit

    day = today()
    with ctx.session() as session:
        visit = start_visit(session, ctx.actor(session), ctx.args.id,
                            day).value
        session.flush()
        card = visit_card(session, visit.id, day)
    ctx.emit(card, lambda: "Einsatz begonnen.\n" + visit_text(card))
    return 0


def _member(ctx: CliContext, adding: bool) -> int:
    from core.usecases.cards import team_json
    from core.usecases.visit_rules import add_team_member, remove_team_member

    args = ctx.args
    with ctx.session() as session:
        actor = ctx.actor(session)
        if adding:
            change = add_team_member(session, actor, args.id, args.staff, args.role).value
        else:
            change = remove_team_member(session, actor, args.id, args.staff).value
        session.flush()
        members = team_json(session, change.visit_id)
    verb = "aufgenommen" if adding else "herausgenommen"
    ctx.emit(members, lambda: f"{args.staff} {verb}. Team:\n{team_text(members)}")
    return 0


def run_member_add(ctx: CliContext) -> int:
    return _member(ctx, adding=True)


def run_member_remove(ctx: CliContext) -> int:
    return _member(ctx, adding=False)


def parse_discard(text: str) -> tuple[str, int, str]:
    """``LOT=N:REASON`` (reason optional for 0) as (lot key, count, reason)."""
    lot, sep, rest = text.partition("=")
    count_text, _, reason = rest.partition(":")
    if not sep or not lot.strip() or not count_text.strip().isdigit():
        raise UserError(f"--discard: „{text}“ ist keine Angabe CHARGE=ANZAHL:GRUND "
                        "(z. B. FK1234=2:Rest).")
    return lot.strip(), int(count_text), reason.strip()


def run_close(ctx: CliContext) -> int:
    from core.commands.common import lot_id
    from core.usecases.visit_rules import close_visit

    args = ctx.args
    discards = [parse_discard(text) for text in args.discard]
    with ctx.session() as session:
        resolved = [(lot_id(session, key) if "@" in key else key, count, reason)
                    for key, count, reason in discards]
        closed = close_visit(session, ctx.actor(session), args.id,
                             resolved).value
        payload = closed.to_json()
    ctx.emit(payload, lambda: _closed_text(payload))
    return 0


def _closed_text(payload: dict[str, Any]) -> str:
    doses = ", ".join(f"{product}: {n}" for product, n in payload["doses_by_product"].items())
    lots = "\n".join(f"  {lot['number']:<12} verimpft {lot['used']}, verworfen "
                     f"{lot['discarded']}, übrig {lot['left']}" for lot in payload["lots"])
    return (f"Einsatz abgeschlossen. Impfungen: {doses or 'keine'}; storniert: "
            f"{payload['voided']}.\nChargen:\n{lots or '  (keine)'}")
