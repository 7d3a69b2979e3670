"""``persons search|add|show``: the GUI's search, registration and person card, headless.

``add`` and ``show`` belong to the headless field day (issue 11): defaults and the
duplicate check come from ``core.usecases.registration``, the card from
``core.usecases.cards``.
"""

from __future__ import annotations

from typing import Any

from core.cli import CliContext, json_parent
from core.dates import parse_date
from core.db.codes import SEXES, TARGET_GROUPS
from core.errors import UserError
from core.services.search import search_persons


def register(sub: Any) -> None:
    persons = sub.add_parser("persons", help="Personen")
    commands = persons.add_subparsers(dest="persons_command", required=True)
    search = commands.add_parser("search", parents=[json_parent()], help="Person suchen")
    search.add_argument("query", help="Name (Präfix, Tippfehler erlaubt), optional Geburtsdatum")
    search.add_argument("--birth", help="Geburtsdatum (TT.MM.JJJJ oder JJJJ-MM-TT)")
    search.add_argument("--limit", type=int, default=20)
    search.set_defaults(handler=run_search)
    add = commands.add_parser("add", parents=[json_parent()], help="Person registrieren")
    add.add_argument("--family", required=True, help="Nachname")
    add.add_argument("--given", required=True, help="Vorname")
    add.add_argument("--birth", required=True, help="Geburtsdatum (TT.MM.JJJJ oder JJJJ-MM-TT)")
    add.add_argument("--sex", choices=tuple(SEXES), help="Geschlecht (Standard: u)")
    add.add_argument("--street", default="", help="Straße und Hausnummer")
    add.add_argument("--plz", default="", help="Postleitzahl")
    add.add_argument("--city", default="", help="Ort")
    add.add_argument("--phone", default="", help="Telefon")
    add.add_argument("--target-group", choices=tuple(TARGET_GROUPS),
                     help="Zielgruppe (Standard: sonstige)")
    add.add_argument("--force-duplicate", action="store_true",
                     help="trotz wahrscheinlicher Dublette anlegen (andere Person bestätigt)")
    add.set_defaults(handler=run_add)
    show = commands.add_parser("show", parents=[json_parent()],
                               help="Person mit Impfungen und Immunstatus")
    show.add_argument("id", metavar="ID", help="Person (UUID oder externe ID)")
    show.add_argument("--on", metavar="DATUM", help="Bewertungsdatum (Standard: heute)")
    show.set_defaults(handler=run_show)


def run_search(ctx: CliContext) -> int:
    args = ctx.args
    birth = parse_date(args.birth, "--birth") if args.birth else None
    with ctx.session() as session:
        hits = search_persons(session, args.query, birth=birth, limit=args.limit)
    ctx.emit([hit.to_json() for hit in hits], lambda: "\n".join(
        f"{h.score:3d}  {h.family_name}, {h.given_name}  *{h.birth_date:%d.%m.%Y}  "
        f"{h.postcode}  {h.id}" for h in hits) or "Keine Treffer.")
    return 0


def run_add(ctx: CliContext) -> int:
    from core.commands.common import today
    from core.services.persons import PersonInput
    from core.usecases.registration import DuplicateError, person_defaults, register_person

    args = ctx.args
    defaults = person_defaults()
    data = PersonInput(args.family, args.given, parse_date(args.birth, "--birth"),
                       sex=args.sex or defaults["sex"], street=args.street,
                       postcode=args.plz, city=args.city, phone=args.phone,
                       target_group=args.target_group or defaults["target_group"])
    with ctx.session() as session:
        try:
            registered = register_person(session, ctx.actor(session), data,
                                         today(), args.force_duplicate).value
        except DuplicateError as exc:
            raise UserError(f"{exc.message} Vorhandene Person: ID {exc.hits[0].id}; eine "
                            "andere Person mit --force-duplicate anlegen.") from None
    payload = {"person_id": registered.person_id,
               "duplicates": [{"id": h.id, "score": h.score} for h in registered.duplicates]}
    ctx.emit(payload, lambda: f"Person angelegt: {registered.person_id}" + "".join(
        f"\n  ähnlich: {h.family_name}, {h.given_name} *{h.birth_date:%d.%m.%Y} "
        f"({h.score} %) {h.id}" for h in registered.duplicates))
    return 0


def dose_line(dose: dict[str, Any]) -> str:
    mark = "  STORNIERT" if dose["voided"] else ""
    booster = " Auffrischung" if dose["booster"] else ""
    return (f"  {dose['date']}  {dose['product']:<14} {dose['dose_number']}/"
            f"{dose['series_total']}{booster}  Charge {dose['lot_number'] or '–'}  "
            f"{dose['source']}  {dose['id']}{mark}")


def run_show(ctx: CliContext) -> int:
    from core.commands.common import today
    from core.usecases.cards import person_card

    on = parse_date(ctx.args.on, "--on") if ctx.args.on else today()
    with ctx.session() as session:
        card = person_card(session, ctx.args.id, on)
    payload = card.to_json()

    def text() -> str:
        person = payload["person"]
        covid = payload["status"]["covid19"]
        doses = "\n".join(dose_line(d) for d in payload["doses"]) or "  (keine Impfungen)"
        return (f"{person['family_name']}, {person['given_name']} "
                f"*{person['birth_date']}  {person['id']}\nImpfungen:\n{doses}\n"
                f"COVID-19 am {payload['status']['on']}: {covid['status']}")
    ctx.emit(payload, text)
    return 0
