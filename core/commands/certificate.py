"""``certificate VACCINATION_ID [--key PEM --cert PEM] [--out FILE.pdf|.png|.txt]``.

Issues a DCC for a stored COVID-19 dose (default key: the installed one) and writes it
as PDF page, QR PNG or HC1 text. A dose that already has a certificate is *reprinted*
from the stored HC1 (same UVCI) unless ``--neu`` asks for a new one. ``--masern`` takes
a person instead and prints the measles confirmation (§ 20 Abs. 9 IfSG) as PDF.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.cli import CliContext, json_parent
from core.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "certificate", parents=[json_parent()],
        help="EU-Impfzertifikat für eine Impfung ausstellen/drucken (oder Masernnachweis)")
    parser.add_argument("id", metavar="VACCINATION_ID",
                        help="Impfung (UUID oder externe ID); mit --masern: Person")
    parser.add_argument("--key", metavar="PEM", help="privater Schlüssel (Standard: installiert)")
    parser.add_argument("--cert", metavar="PEM", help="DSC zum Schlüssel")
    parser.add_argument("--out", metavar="DATEI", help="Ausgabe: .pdf, .png (QR) oder .txt (HC1)")
    parser.add_argument("--neu", action="store_true",
                        help="neues Zertifikat ausstellen, auch wenn es schon eines gibt")
    parser.add_argument("--masern", action="store_true",
                        help="Masernnachweis (§ 20 Abs. 9 IfSG) als PDF für die Person ID")
    parser.set_defaults(handler=run)


def _measles(ctx: CliContext) -> int:
    from core.certificates.printing import measles_pdf

    out = ctx.args.out
    if not out or not out.lower().endswith(".pdf"):
        raise UserError("--masern braucht --out DATEI.pdf.")
    with ctx.session() as session:
        data = measles_pdf(session, ctx.args.id)
    try:
        Path(out).write_bytes(data)
    except OSError as exc:
        raise UserError(f"--out: „{out}“ kann nicht geschrieben werden ({exc.strerror}).") \
            from None
    ctx.emit({"file": out}, f"Masernnachweis geschrieben: {out}")
    return 0


def run(ctx: CliContext) -> int:
    # imported here (PDF and signing libraries): every other command starts faster
    from core.certificates.issue import active_certificate, issue_with
    from core.certificates.keys import require_identity
    from core.certificates.printing import write_certificate
    from core.db.models import Vaccination
    from core.services import records

    args = ctx.args
    if args.masern:
        return _measles(ctx)
    explicit_key = bool(args.key or args.cert)
    with ctx.session() as session:
        dose = records.find(session, Vaccination, args.id)
        certificate = None if (args.neu or explicit_key) else active_certificate(session, dose.id)
        reprint = certificate is not None
        if certificate is None:
            identity = require_identity(args.key, args.cert)
            actor = ctx.actor(session)
            certificate = issue_with(session, actor, dose.id, identity)
        file = str(write_certificate(session, certificate, Path(args.out))) if args.out else None
        payload = {"uvci": certificate.uvci, "hc1": certificate.hc1, "file": file,
                   "reprint": reprint}
    verb = "Nachdruck" if reprint else "Ausgestellt"
    detail = f"Datei: {file}" if file else str(payload["hc1"])
    ctx.emit(payload, f"{verb}: {payload['uvci']}\n{detail}")
    return 0
