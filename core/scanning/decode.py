"""QR codes from image files and camera frames (pyzbar/zbar).

The first attempt is the cheap one (grayscale, frames larger than ``FAST_WIDTH`` scaled
down), because the scan loop runs on every camera frame. Only when it finds nothing do
the fallbacks run: full resolution, upscaling for small or distant codes, contrast
stretching and a global threshold for glare, and rotations. Each returns on the first
hit. Nothing here raises for an unreadable image; callers get ``None`` or ``[]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from pyzbar.pyzbar import ZBarSymbol
from pyzbar.pyzbar import decode as zbar_decode

#: Frames wider than this are tried scaled down first (zbar time grows with pixels).
FAST_WIDTH = 960
#: Refuse images with more pixels than this (a 50 MP photo is not a scan).
MAX_PIXELS = 60_000_000


class ImageReadError(ValueError):
    """The file is not an image we can open; ``message`` is German."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _texts(image: Image.Image) -> list[str]:
    found = []
    for symbol in zbar_decode(image, symbols=[ZBarSymbol.QRCODE]):
        data: bytes = symbol.data
        try:
            found.append(data.decode("utf-8"))
        except UnicodeDecodeError:
            found.append(data.decode("latin-1"))
    return found


def _gray(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGB", image.size, "white")
        converted = image.convert("RGBA")
        background.paste(converted, mask=converted.getchannel("A"))
        image = background
    return image if image.mode == "L" else image.convert("L")


def _scaled(image: Image.Image, factor: float) -> Image.Image:
    size = (max(1, int(image.width * factor)), max(1, int(image.height * factor)))
    # BOX averages the pixels it merges: on noisy 1080p frames it is faster than BILINEAR
    # and zbar finds more codes in its output (benchmarks/README_certificates.md).
    return image.resize(size, Image.Resampling.BOX if factor < 1 else Image.Resampling.NEAREST)


def _fast(gray: Image.Image) -> Image.Image:
    """The cheap first attempt: about ``FAST_WIDTH`` wide.

    An integer factor uses ``Image.reduce`` (a 2×2 box average for 1920→960), several
    times faster than a general resize and the same picture for zbar.
    """
    factor = round(gray.width / FAST_WIDTH)
    if factor >= 2 and abs(gray.width / factor - FAST_WIDTH) <= FAST_WIDTH // 4:
        return gray.reduce(factor)
    return _scaled(gray, FAST_WIDTH / gray.width)


def _attempts(gray: Image.Image) -> Iterator[Image.Image]:
    if gray.width > FAST_WIDTH:
        yield _fast(gray)
    yield gray
    if max(gray.size) < 1600:
        yield _scaled(gray, 2.0)
    stretched = ImageOps.autocontrast(gray, cutoff=2)
    yield stretched
    yield stretched.point(lambda p: 255 if p > 128 else 0)
    for angle in (90, 180, 270):
        yield gray.rotate(angle, expand=True)
    if gray.width > FAST_WIDTH:
        yield _scaled(gray, 0.5)


def decode_image(image: Image.Image, *, thorough: bool = True) -> list[str]:
    """All QR texts found in ``image`` (first successful attempt); ``[]`` when none.

    ``thorough=False`` makes only the fast attempt (the camera loop's normal case; the
    next frame is another chance).
    """
    try:
        if image.width * image.height > MAX_PIXELS:
            return []
        gray = _gray(image)
        for index, candidate in enumerate(_attempts(gray)):
            texts = _texts(candidate)
            if texts:
                return texts
            if not thorough and index == 0:
                break
    except (OSError, ValueError):
        return []
    return []


def decode_frame(data: bytes, width: int, height: int, stride: int | None = None,
                 *, thorough: bool = False) -> list[str]:
    """QR texts from a raw 8-bit grayscale frame (row stride ``stride``, default width)."""
    stride = stride or width
    if width <= 0 or height <= 0 or len(data) < stride * (height - 1) + width:
        return []
    image = Image.frombuffer("L", (width, height), data, "raw", "L", stride, 1)
    return decode_image(image, thorough=thorough)


def open_image(path: Path | str) -> Image.Image:
    """Open an image file fully (so the file handle closes); German ``ImageReadError``."""
    from core.errors import UserError
    from core.input_limits import MAX_IMAGE, check_regular_file, too_large

    try:
        info = check_regular_file(Path(path), "Bilddatei")
    except UserError as exc:
        raise ImageReadError(exc.message) from None
    if info.st_size > MAX_IMAGE:
        raise ImageReadError(too_large("Bilddatei", str(path)[:120], MAX_IMAGE).message)
    try:
        with Image.open(path) as image:
            if image.width * image.height > MAX_PIXELS:  # checked before decoding
                raise ImageReadError(f"Bilddatei „{path}“ ist zu groß (mehr als 60 Megapixel) "
                                     "für einen Scan. Bitte ein kleineres Bild wählen.")
            image.load()
            return image.copy()
    except FileNotFoundError:
        raise ImageReadError(f"Bilddatei „{path}“ nicht gefunden.") from None
    except UnidentifiedImageError:
        raise ImageReadError(f"„{path}“ ist keine lesbare Bilddatei (PNG/JPG).") from None
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageReadError(f"Bilddatei „{path}“ nicht lesbar ({exc}).") from None


def decode_image_file(path: Path | str) -> list[str]:
    """QR texts in an image file; ``ImageReadError`` when the file cannot be opened."""
    return decode_image(open_image(path))


def first_hc1(texts: list[str]) -> str | None:
    """The first ``HC1:`` text among several codes (e.g. a ticket QR next to the DCC)."""
    for text in texts:
        if text.strip().startswith("HC1:"):
            return text.strip()
    return texts[0].strip() if texts else None
