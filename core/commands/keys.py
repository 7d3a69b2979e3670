"""``keys training --out DIR``, ``keys install --key PEM --cert PEM``, ``keys show``,
``keys trust FILE`` (install a DSC trust list into the data dir), and for sync packages
``keys signing init|export`` (this device's Ed25519 key pair) and ``keys signer add|list``
(the devices whose packages this database accepts).

The private keys are never printed: ``install`` and ``show`` report the kid, the DSC's
subject, validity and whether it is a training key, and the key id of the package
signing key, nothing else.
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
    signing = commands.add_parser(
        "signing", help="eigener Schlüssel zum Signieren von Synchronisationspaketen")
    signing_cmds = signing.add_subparsers(dest="signing_command", required=True)
    init = signing_cmds.add_parser("init", parents=[json_parent()],
                                   help="Schlüsselpaar erzeugen (falls noch keines da ist)")
    init.add_argument("--force", action="store_true",
                      help="neues Schlüsselpaar, auch wenn eines da ist (alte Pakete bleiben "
                      "gültig, neue brauchen den neuen Schlüssel beim Impfzentrum)")
    init.set_defaults(handler=run_signing_init)
    export = signing_cmds.add_parser(
        "export", parents=[json_parent()],
        help="öffentlichen Schlüssel als Datei für das Impfzentrum schreiben")
    export.add_argument("--out", required=True, metavar="DATEI")
    export.add_argument("--label", default="", help="Bezeichnung, z. B. „Team 3 Laptop 1“")
    export.set_defaults(handler=run_signing_export)
    signer = commands.add_parser(
        "signer", help="Geräte, deren Synchronisationspakete hier angenommen werden")
    signer_cmds = signer.add_subparsers(dest="signer_command", required=True)
    add = signer_cmds.add_parser("add", parents=[json_parent()],
                                 help="öffentlichen Schlüssel eines Geräts eintragen")
    add.add_argument("file", metavar="FILE", help="Datei aus „keys signing export“")
    add.set_defaults(handler=run_signer_add)
    listing = signer_cmds.add_parser("list", parents=[json_parent()],
                                     help="eingetragene Geräteschlüssel anzeigen")
    listing.set_defaults(handler=run_signer_list)


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
    from core.security.signing import key_id, load_signing_key

    identity = installed_identity()
    package_key = load_signing_key()
    if identity is None and package_key is None:
        raise UserError("Kein Signaturschlüssel installiert (keys install --key … --cert …).")
    info: dict[str, Any] = describe(identity) if identity is not None else {}
    info["sync_signing_key_id"] = key_id(package_key.public_key()) if package_key else None
    text = _text(info) if identity is not None else "Kein DSC installiert."
    if package_key is not None:
        text += f"\nPaket-Signaturschlüssel (Ed25519): {info['sync_signing_key_id']}"
    ctx.emit(info, text)
    return 0


def run_signing_init(ctx: CliContext) -> int:
    from core.security.signing import init_signing_key, key_id, key_path

    key, created = init_signing_key(force=ctx.args.force)
    info = {"key_id": key_id(key.public_key()), "created": created, "file": str(key_path())}
    ctx.emit(info, ("Neues Schlüsselpaar erzeugt" if created else "Schlüsselpaar ist schon da")
             + f": {info['key_id']}. Öffentlichen Schlüssel für das Impfzentrum: "
             "keys signing export --out DATEI")
    return 0


def run_signing_export(ctx: CliContext) -> int:
    import json

    from core.exchange.common import atomic_output
    from core.security.signing import own_signer, signer_document
    from core.settings import get_setting

    with ctx.session() as session:
        team, device = get_setting(session, "team_id"), get_setting(session, "device_id")
    out = Path(ctx.args.out)
    signer = own_signer(team, device, ctx.args.label.strip()[:200])
    doc = signer_document(signer)
    try:
        with atomic_output(out) as part:
            part.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n",
                            encoding="utf-8")
    except OSError as exc:
        raise UserError(f"--out: „{out}“ ist nicht beschreibbar ({exc.strerror}).") from None
    info = {"file": str(out), "key_id": signer.key_id, "team_id": team, "device_id": device}
    ctx.emit(info, f"Öffentlicher Schlüssel {signer.key_id} geschrieben: {out}. Im "
             "Impfzentrum eintragen: keys signer add DATEI")
    return 0


def run_signer_add(ctx: CliContext) -> int:
    from core.security.signing import read_signer_file, register_signer
    from core.services.context import Actor

    signer = read_signer_file(Path(ctx.args.file))
    with ctx.session() as session:
        actor = Actor.for_session(session, ctx.user)
        _row, added = register_signer(session, actor.user, actor.origin, signer)
    info = {"key_id": signer.key_id, "added": added, "team_id": signer.team_id,
            "device_id": signer.device_id, "label": signer.label}
    ctx.emit(info, f"Geräteschlüssel {signer.key_id} "
             + ("eingetragen." if added else "war schon eingetragen."))
    return 0


def run_signer_list(ctx: CliContext) -> int:
    from core.security.signing import list_signers

    with ctx.session() as session:
        rows = list_signers(session)
    ctx.emit(rows, lambda: "\n".join(
        f"{r['key_id']}  Team {r['team_id'] or '–'}  Gerät {r['device_id'] or '–'}  "
        f"{r['label']}{'  (gesperrt)' if r['revoked'] else ''}" for r in rows)
        or "Keine Geräteschlüssel eingetragen.")
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
