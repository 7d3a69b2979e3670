"""``checkin VISIT --person ID | --ticket TEXT --person ID | --hc1 TEXT [--register]``.

Queues a person at today's visit (core.usecases.checkin): by id, by the queue ticket
``IMPFTEAM-T1:<visit>:<n>`` plus the person, or by an EU vaccination certificate (HC1
text, a text file holding it, or ``-`` for stdin), whose holder is found by name and
birth date and whose dose is adopted as a back-entry; ``--register`` registers an
unknown holder from the certificate.
"""

from __future__ import annotations

import argparse

from core.cli import CliContext, json_parent


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("checkin", parents=[json_parent()],
                            help="Person beim heutigen Einsatz anmelden (Warteschlange)")
    parser.add_argument("visit", metavar="VISIT", help="Einsatz (UUID oder externe ID)")
    parser.add_argument("--person", metavar="ID", help="Person (UUID oder externe ID)")
    code = parser.add_mutually_exclusive_group()
    code.add_argument("--ticket", metavar="TEXT",
                      help="Warteticket IMPFTEAM-T1:<Einsatz>:<Nummer> (mit --person)")
    code.add_argument("--hc1", metavar="TEXT",
                      help="EU-Impfzertifikat: HC1:-Text, Textdatei oder - (stdin)")
    parser.add_argument("--register", action="store_true",
                        help="mit --hc1: unbekannte Person aus dem Zertifikat registrieren")
    parser.set_defaults(handler=run, usage_error=parser.error)


def run(ctx: CliContext) -> int:
    from core.commands.common import read_code_text, today
    from core.usecases.checkin import (
        check_in_by_certificate,
        check_in_by_person,
        check_in_by_ticket,
    )

    args = ctx.args
    if args.hc1 is not None and args.person:
        args.usage_error("--hc1 findet die Person selbst; bitte ohne --person.")
    if args.hc1 is None and not args.person:
        args.usage_error("bitte --person ID, --ticket TEXT --person ID oder --hc1 TEXT angeben.")
    if args.register and args.hc1 is None:
        args.usage_error("--register gilt nur zusammen mit --hc1.")
    day = today()
    hc1 = read_code_text(args.hc1, "--hc1") if args.hc1 is not None else None
    with ctx.session() as session:
        actor = ctx.actor(session)
        if hc1 is not None:
            written = check_in_by_certificate(session, actor, args.visit, hc1, day,
                                              args.register)
        elif args.ticket is not None:
            written = check_in_by_ticket(session, actor, args.visit, args.ticket,
                                         args.person, day)
        else:
            written = check_in_by_person(session, actor, args.visit, args.person, day)
    done = written.value
    payload = {"person_id": done.person_id, "queue_number": done.queue_number,
               "registered": done.registered, "adopted_doses": done.adopted_doses,
               "skipped": list(done.skipped)}
    ctx.emit(payload, lambda: "\n".join(
        [f"Angemeldet: Nummer {done.queue_number} ({done.person_id})"]
        + (["Neu registriert aus dem Zertifikat."] if done.registered else [])
        + ([f"{done.adopted_doses} Impfung(en) aus dem Zertifikat übernommen."]
           if done.adopted_doses else [])
        + list(done.skipped)))
    return 0
