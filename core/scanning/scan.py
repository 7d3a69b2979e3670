"""One call per input kind for the scan page and the CLI: image, frame or scanner text in,
``VerifyResult`` out. Decoding and verification stay pure and thread-safe, so the GUI can
run them in its worker thread; nothing here touches Qt or the database.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from PIL import Image

from core.certificates.trust import TrustList
from core.certificates.verify import VerifyResult, no_code, verify_hc1
from core.scanning.decode import (
    MAX_PIXELS,
    ImageReadError,
    decode_frame,
    decode_image,
    first_hc1,
    open_image,
)
from core.scanning.wedge import repair_scanner_input

_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"RIFF")


def looks_like_image(data: bytes) -> bool:
    """True when ``data`` starts like one of the image formats we decode."""
    return data.startswith(_IMAGE_MAGIC)


def scan_text(text: str, trust: TrustList | None, at: datetime | None = None) -> VerifyResult:
    """Scanner line / pasted text: keyboard-wedge repair, then verification."""
    repaired = repair_scanner_input(text)
    result = verify_hc1(repaired.text if repaired.ok and repaired.text else text, trust, at)
    if repaired.repaired:
        result.notes.append(repaired.message)
    return result


def scan_image(image: Image.Image, trust: TrustList | None,
               at: datetime | None = None) -> VerifyResult:
    """A picture (file import, screenshot): all fallbacks; ``kein_code`` without a QR."""
    text = first_hc1(decode_image(image))
    if text is None:
        return no_code("Im Bild wurde kein QR-Code gefunden.")
    return scan_text(text, trust, at)


def scan_image_file(path: Path | str, trust: TrustList | None,
                    at: datetime | None = None) -> VerifyResult:
    """An image file; raises ``ImageReadError`` (German) when the file cannot be opened."""
    return scan_image(open_image(path), trust, at)


def scan_frame(data: bytes, width: int, height: int, trust: TrustList | None,
               at: datetime | None = None, stride: int | None = None) -> VerifyResult | None:
    """A camera frame (8-bit grayscale bytes): ``None`` when it shows no QR code, so the
    camera loop simply waits for the next frame (fast path only, ~10 ms at 1080p)."""
    text = first_hc1(decode_frame(data, width, height, stride))
    return scan_text(text, trust, at) if text is not None else None


def scan_bytes(data: bytes, trust: TrustList | None, at: datetime | None = None
               ) -> VerifyResult:
    """File or stdin content of unknown kind: image bytes are decoded, the rest is text."""
    if looks_like_image(data):
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:  # checked before decoding
                    return no_code("Bild ist zu groß (mehr als 60 Megapixel) für einen Scan.")
                image.load()
                return scan_image(image, trust, at)
        except (OSError, ValueError, Image.DecompressionBombError):
            return no_code("Bild ist beschädigt oder kein unterstütztes Format.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return no_code("Eingabe ist weder Text noch ein Bild mit QR-Code.")
    return scan_text(text, trust, at)


__all__ = ["ImageReadError", "scan_bytes", "scan_frame", "scan_image", "scan_image_file",
           "scan_text"]
