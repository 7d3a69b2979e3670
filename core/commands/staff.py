"""``staff list [--role R]``: the staff members (not voided), by family name."""

from __future__ import annotations

import argparse
from typing import Any

from core.cli import CliContext, json_parent
from core.db.codes import ROLES


def register(sub: argparse._SubParsersAction) -> None:
    staff = sub.add_parser("staff", help="Personal")
    commands = staff.add_subparsers(dest="staff_command", required=True)
    listing = commands.add_parser("list", parents=[json_parent()], help="Personal auflisten")
    listing.add_argument("--role", choices=tuple(ROLES), help="nur diese Rolle")
    listing.set_defaults(handler=run_list)


def run_list(ctx: CliContext) -> int:
    from core.services.staff import list_staff

    with ctx.session() as session:
        rows: list[dict[str, Any]] = [
            {"id": s.id, "login": s.login, "family_name": s.family_name,
             "given_name": s.given_name, "role": s.role}
            for s in list_staff(session, ctx.args.role)]
    ctx.emit(rows, lambda: "\n".join(
        f"{r['family_name']}, {r['given_name']:<20} {ROLES[r['role']]:<24} {r['login']:<16} "
        f"{r['id']}" for r in rows) or "Kein Personal.")
    return 0
