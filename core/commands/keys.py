"""``keys training --out DIR``, ``keys install --key PEM --cert PEM``, ``keys show`` and
``keys trust FILE`` (install a DSC trust list into the data dir).

The private key is never printed: ``install`` and ``show`` report the kid, the DSC's
subject, validity and whether it is a training key, nothing else.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from core.certificates.keys import (
    SigningIdentity,
    install_identity,
    installed_identity,
    write_training_files,
)
from core.cli import CliContext, json_parent
from core.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    keys = sub.add_parser("keys", help="Signaturschlüssel für Impfzertifikate")
    commands = keys.add_subparsers(dest="keys_command", required=True)
    training = commands.add_parser(
        "training", parents=[json_parent()],
        help="Schulungsschlüssel (MUSTER) erzeugen: csca.pem, dsc.pem, dsc.key.pem, "
        "trustlist.json")
    training.add_argument("--out", required=True, metavar="ORDNER")
    training.add_argument("--alg", choices=("ES256", "PS256"), default="ES256",
                          help="Signaturverfahren (Standard ES256)")
    training.set_defaults(handler=run_training)
    install = commands.add_parser(
        "install", parents=[json_parent()],
        help="Von der IT bereitgestellten Schlüssel und DSC in den Schlüsselspeicher übernehmen")
    install.add_argument("--key", required=True, metavar="PEM", help="privater Schlüssel (PEM)")
    install.add_argument("--cert", required=True, metavar="PEM",
                         help="Document Signer Certificate (PEM)")
    install.set_defaults(handler=run_install)
    show = commands.add_parser("show", parents=[json_parent()],
                               help="installierten Schlüssel anzeigen (ohne den Schlüssel selbst)")
    show.set_defaults(handler=run_show)
    trust = commands.add_parser(
        "trust", parents=[json_parent()],
        help="Vertrauensliste (JSON-DSC-Liste oder PEM/DER-Zertifikat) installieren; "
        "Scan-Seite und verify ohne --trust nutzen sie")
    trust.add_argument("file", metavar="FILE",
                       help="JSON-DSC-Liste, PEM- oder DER-Datei (oder ein Ordner davon)")
    trust.set_defaults(handler=run_trust)


def describe(identity: SigningIdentity) -> dict[str, Any]:
    cert = identity.certificate
    return {
        "kid": identity.kid_b64,
        "subject": cert.subject.rfc4514_string(),
        "valid_from": cert.not_valid_before_utc.isoformat(),
        "valid_until": cert.not_valid_after_utc.isoformat(),
        "training": identity.training,
    }


def _text(info: dict[str, Any]) -> str:
    mark = " – SCHULUNGSSCHLÜSSEL (MUSTER)" if info["training"] else ""
    return (f"Schlüssel-ID (kid): {info['kid']}{mark}\nZertifikat: {info['subject']}\n"
            f"Gültig: {info['valid_from'][:10]} bis {info['valid_until'][:10]}")


def run_training(ctx: CliContext) -> int:
    out = Path(ctx.args.out)
    try:
        files = write_training_files(out, ctx.args.alg)
    except OSError as exc:
        raise UserError(f"--out: Ordner „{out}“ nicht beschreibbar ({exc.strerror}).") from None
    payload = {name: str(path) for name, path in files.items()} | {"training": True}
    ctx.emit(payload, "Schulungsschlüssel (MUSTER, nie für echte Zertifikate) geschrieben:\n"
             + "\n".join(f"  {path}" for path in files.values()))
    return 0


def run_install(ctx: CliContext) -> int:
    identity = install_identity(Path(ctx.args.key), Path(ctx.args.cert))
    info = describe(identity)
    ctx.emit(info, "Schlüssel installiert.\n" + _text(info))
    return 0


def run_show(ctx: CliContext) -> int:
    identity = installed_identity()
    if identity is None:
        raise UserError("Kein Signaturschlüssel installiert (keys install --key … --cert …).")
    info = describe(identity)
    ctx.emit(info, _text(info))
    return 0


def run_trust(ctx: CliContext) -> int:
    """Check the whole list first; only a readable list with certificates is stored."""
    from core.certificates.trust import TrustListError, install_trust_list, load_trust

    source = Path(ctx.args.file)
    try:
        if not len(load_trust(source)):
            raise UserError(f"Vertrauensliste „{source}“ enthält kein Zertifikat.")
        installed = install_trust_list(source)
    except TrustListError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"Vertrauensliste kann nicht gespeichert werden ({exc.strerror}).") \
            from None
    stamp = installed.updated_at
    payload = {"certificates": len(installed),
               "list_date": stamp.isoformat(timespec="seconds") if stamp else None}
    ctx.emit(payload, f"Vertrauensliste installiert: {len(installed)} Signaturzertifikat(e)"
             + (f", Stand {stamp:%d.%m.%Y}." if stamp else "."))
    return 0
