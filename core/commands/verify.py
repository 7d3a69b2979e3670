"""``verify INPUT [--trust PATH] [--at DATETIME] --json``: check a certificate offline.

INPUT is an ``HC1:`` text, a text file holding one, an image (PNG/JPG) with a QR code,
or ``-`` for stdin (text or image bytes). Needs no database. Exit 0 whenever the input
could be read - also when it holds no code (status ``kein_code``) or the certificate is
invalid; exit 1 only when the input or trust file cannot be read (German message).
Text input passes the keyboard-wedge repair first, so a scanner typing into a shell
with the wrong layout still verifies.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli import CliContext, json_parent
from core.errors import UserError

if TYPE_CHECKING:  # imported when run: every other command starts faster without them
    from core.certificates.trust import TrustList
    from core.certificates.verify import VerifyResult


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "verify", parents=[json_parent()], help="EU-Impfzertifikat (HC1/QR) offline prüfen",
        description="Prüft ein HC1-Zertifikat: Text, Textdatei, Bild mit QR-Code oder - (stdin).")
    parser.add_argument("input", metavar="INPUT", help="HC1:-Text, Datei (Text/PNG/JPG) oder -")
    parser.add_argument("--trust", metavar="PFAD",
                        help="Vertrauensliste: PEM/DER-Zertifikat, Ordner oder JSON-DSC-Liste "
                        "(Standard: die installierte Liste und der eigene Schlüssel)")
    parser.add_argument("--at", metavar="ZEITPUNKT",
                        help="Prüfzeitpunkt (ISO 8601, z. B. 2021-06-01T20:00:00+02:00); "
                        "Standard: jetzt")
    parser.set_defaults(handler=run)


def _looks_like_code(source: str) -> bool:
    """An HC1 text, also as a wedge scanner on the wrong layout types it (``HC1Ö``)."""
    head = source.strip()[:4].upper()
    return head[:3] == "HC1" and len(head) == 4 and not (head[3].isalnum() or head[3] in "._-")


def _read_input(source: str) -> bytes | str:
    """Bytes of the file or stdin, or the argument itself when it is an HC1 text.

    The HC1 prefix is checked first: a genuine code can contain ``/`` and be longer than
    a file name may be, so it is never tried as a path. Reads are capped (images
    ``MAX_IMAGE``, text ``MAX_HC1_TEXT``) and devices, pipes and directories refused.
    """
    from core.input_limits import (
        MAX_HC1_TEXT,
        MAX_IMAGE,
        read_file_bounded,
        read_stream_bounded,
        too_large,
    )
    from core.scanning.scan import looks_like_image

    if source == "-":
        data = read_stream_bounded(sys.stdin.buffer, MAX_IMAGE, "INPUT")
        name = "stdin"
    elif _looks_like_code(source):
        return source
    else:
        try:
            os.stat(source)
        except OSError as exc:
            if exc.errno in (errno.ENAMETOOLONG, errno.EINVAL):
                return source  # cannot be a file name: let the verifier say what it is
        except ValueError:  # embedded NUL
            return source
        data = read_file_bounded(Path(source), MAX_IMAGE, "INPUT")
        name = source
    if not looks_like_image(data) and len(data) > MAX_HC1_TEXT:
        raise too_large("INPUT", name if len(name) <= 120 else name[:117] + "…", MAX_HC1_TEXT)
    return data


def _at(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        from core.rules import parse_on

        value = parse_on(text, "--at")
        moment = value if isinstance(value, datetime) else datetime(value.year, value.month,
                                                                    value.day, 12)
    return moment if moment.tzinfo else moment.astimezone()


def _trust(path: str | None) -> TrustList | None:
    from core.certificates.trust import TrustListError, default_trust, load_trust

    try:
        return load_trust(path) if path else default_trust()
    except TrustListError as exc:
        raise UserError(str(exc)) from None


def format_result(result: VerifyResult) -> str:
    from core.certificates.verify import STATUS_TEXT

    lines = [f"Status: {STATUS_TEXT[result.status]} ({result.status})"]
    if result.person:
        person = result.person
        lines.append(f"Person: {person['family_name']}, {person['given_name']}, "
                     f"geboren {person['birth_date']}")
        if result.signature == "valid" and result.status not in ("ungueltig", "abgelaufen"):
            lines.append("Bitte Name und Geburtsdatum mit einem Ausweis vergleichen.")
    if result.decoded:
        lines.append(f"Signatur: {result.signature}, Aussteller: {result.issuer or '–'}, "
                     f"Typ: {result.certificate_type or '–'}")
    lines += [f"  {reason}" for reason in result.reasons]
    lines += [f"Fehler: {error}" for error in result.errors]
    lines += [f"Hinweis: {note}" for note in result.notes]
    return "\n".join(lines)


def run(ctx: CliContext) -> int:
    from core.scanning.scan import scan_bytes, scan_text

    at = _at(ctx.args.at)
    trust = _trust(ctx.args.trust)
    data = _read_input(ctx.args.input)
    result = scan_bytes(data, trust, at) if isinstance(data, bytes) else scan_text(data, trust, at)
    ctx.emit(result.to_dict(), lambda: format_result(result))
    return 0
