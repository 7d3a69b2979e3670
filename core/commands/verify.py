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
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from core.certificates.trust import TrustList, TrustListError, default_trust, load_trust
from core.certificates.verify import STATUS_TEXT, VerifyResult, no_code, verify_hc1
from core.cli import CliContext, json_parent
from core.errors import UserError
from core.rules import parse_on
from core.scanning.decode import decode_image, first_hc1
from core.scanning.wedge import repair_scanner_input

_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"RIFF")
MAX_INPUT = 20 * 1024 * 1024


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


def _read_input(source: str) -> bytes | str:
    """Bytes of the file or stdin, or the argument itself when it is an HC1 text."""
    if source == "-":
        return sys.stdin.buffer.read(MAX_INPUT)
    path = Path(source)
    looks_like_code = source.strip()[:3].upper() == "HC1"
    if looks_like_code and not path.exists():
        return source
    try:
        if path.is_dir():
            raise UserError(f"INPUT: „{source}“ ist ein Verzeichnis, keine Datei.")
        with path.open("rb") as handle:
            return handle.read(MAX_INPUT)
    except FileNotFoundError:
        raise UserError(f"INPUT: Datei „{source}“ nicht gefunden.") from None
    except OSError as exc:
        raise UserError(f"INPUT: Datei „{source}“ nicht lesbar ({exc.strerror}).") from None


def _verify_text(text: str, trust: TrustList | None, at: datetime) -> VerifyResult:
    repaired = repair_scanner_input(text)
    result = verify_hc1(repaired.text if repaired.ok and repaired.text else text, trust, at)
    if repaired.repaired:
        result.notes.append(repaired.message)
    return result


def verify_input(data: bytes | str, trust: TrustList | None, at: datetime) -> VerifyResult:
    """Verify what was read: image bytes go through the QR decoder, the rest is text."""
    if isinstance(data, bytes) and data.startswith(_IMAGE_MAGIC):
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                texts = decode_image(image)
        except (OSError, ValueError, Image.DecompressionBombError):
            return no_code("Bild ist beschädigt oder kein unterstütztes Format.")
        text = first_hc1(texts)
        if text is None:
            return no_code("Im Bild wurde kein QR-Code gefunden.")
        return _verify_text(text, trust, at)
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return no_code("Eingabe ist weder Text noch ein Bild mit QR-Code.")
    return _verify_text(data, trust, at)


def _at(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        value = parse_on(text, "--at")
        moment = value if isinstance(value, datetime) else datetime(value.year, value.month,
                                                                    value.day, 12)
    return moment if moment.tzinfo else moment.astimezone()


def _trust(path: str | None) -> TrustList | None:
    try:
        return load_trust(path) if path else default_trust()
    except TrustListError as exc:
        raise UserError(str(exc)) from None


def format_result(result: VerifyResult) -> str:
    lines = [f"Status: {STATUS_TEXT[result.status]} ({result.status})"]
    if result.person:
        person = result.person
        lines.append(f"Person: {person['family_name']}, {person['given_name']}, "
                     f"geboren {person['birth_date']}")
        lines.append("Bitte Name und Geburtsdatum mit einem Ausweis vergleichen.")
    if result.decoded:
        lines.append(f"Signatur: {result.signature}, Aussteller: {result.issuer or '–'}, "
                     f"Typ: {result.certificate_type or '–'}")
    lines += [f"  {reason}" for reason in result.reasons]
    lines += [f"Fehler: {error}" for error in result.errors]
    lines += [f"Hinweis: {note}" for note in result.notes]
    return "\n".join(lines)


def run(ctx: CliContext) -> int:
    at = _at(ctx.args.at)
    trust = _trust(ctx.args.trust)
    data = _read_input(ctx.args.input)
    result = verify_input(data, trust, at)
    ctx.emit(result.to_dict(), lambda: format_result(result))
    return 0
