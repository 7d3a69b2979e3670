"""``demo --persons N [--seed S]``: fill the database with realistic fake data."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.cli import CliContext, json_parent
from core.errors import UserError
from core.services.context import Actor


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", parents=[json_parent()],
                            help="Datenbank mit Beispieldaten füllen")
    parser.add_argument("--persons", type=int, required=True, help="Anzahl Personen")
    parser.add_argument("--seed", type=int, default=1, help="Startwert (gleiche Daten)")
    parser.set_defaults(handler=run)


def _require_empty(session: Session) -> None:
    """Demo data goes only into an empty database (never beside real records)."""
    from core.db.models import Lot, Person, Site, Staff, Visit

    for model in (Person, Staff, Site, Visit, Lot):
        if session.scalar(select(model.id).limit(1)) is not None:
            raise UserError("Die Datenbank enthält schon Daten – Beispieldaten werden nur in "
                            "eine leere Datenbank geschrieben. Bitte mit --db eine neue "
                            "Datei angeben.")


def run(ctx: CliContext) -> int:
    from core.demo.accounts import (
        DEMO_ADMIN,
        add_demo_accounts,
        demo_password,
        require_no_accounts,
    )
    from core.demo.generator import generate_demo  # here: other commands start faster

    args: argparse.Namespace = ctx.args
    if args.persons < 1 or args.persons > 10_000_000:
        raise UserError("--persons: bitte eine Zahl zwischen 1 und 10.000.000 angeben.")

    def progress(percent: int, message: str) -> None:
        if not ctx.json and sys.stderr.isatty():
            sys.stderr.write(f"\r{percent:3d} % {message}   ")

    with ctx.session() as session:
        _require_empty(session)
        require_no_accounts(session)
        actor = Actor.for_session(session, DEMO_ADMIN)
        report = generate_demo(session, actor.user, actor.origin, args.persons, args.seed,
                               progress=progress)
        training = add_demo_accounts(session, report, demo_password())
    payload = {"sites": report.sites, "visits": report.visits, "staff": report.staff,
               "lots": report.lots, "persons": report.persons, "doses": report.doses,
               "audit_entries": report.audit_entries} | training
    ctx.emit(payload, lambda: (
        f"Beispieldaten angelegt: {report.persons} Personen, {report.doses} Impfungen, "
        f"{report.visits} Einsätze an {report.sites} Standorten, {report.lots} Chargen."))
    return 0
