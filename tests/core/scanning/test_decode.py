"""QR decoding from files and frames, including the fallbacks for hard images."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance, ImageFilter

from core.certificates.pdf import qr_image
from core.scanning.decode import (
    ImageReadError,
    decode_frame,
    decode_image,
    decode_image_file,
    first_hc1,
)

TEXT = (
    "HC1:6BF+70790T9WJWG.FKY*4GO0.O1CV2 O5 N2FBBRW1*70HS8WY04AC*WIFN0AHCD8KD97TK0F90K"
    "ECTHGWJC0FDC:5AIA%G7X+AQB9746HS80:54IBQF60R6$A80X6S1BTYACG6M+9XG8KIAWNA91AY%6709"
    "2L4WJCT3EHS8XJC$+DXJCCWENF6OF63W5NW6WF6%JC QE/IAYJC5LEW34U3ET7DXC9 QE-ED8%E.JCBE"
    "CB1A-:8$96646AL60A60S6Q$D.UDRYA 96NF6L/5QW6307KQEPD09WEQDD+Q6TW6FA7C466KCN9E%961"
    "A6DL6FA7D46JPCT3E5JDLA7$Q6E464W5TG6..DX%DZJC6/DTZ9 QE5$CB$DA/D JC1/D3Z8WED1ECW.C"
    "CWE.Y92OAGY8MY9L+9MPCG/D5 C5IA5N9$PC5$CLPCG/D0.CW3E"
)


def _qr(scale: int = 4) -> Image.Image:
    return qr_image(TEXT, box_size=scale)


def test_plain_and_file(tmp_path: Path) -> None:
    path = tmp_path / "qr.png"
    _qr().save(path)
    assert decode_image_file(path) == [TEXT]
    jpg = tmp_path / "qr.jpg"
    _qr().convert("RGB").save(jpg, quality=70)
    assert decode_image_file(jpg) == [TEXT]


def test_transparent_png_on_white(tmp_path: Path) -> None:
    gray = _qr().convert("L")
    rgba = Image.new("RGBA", gray.size, (0, 0, 0, 0))
    rgba.putalpha(gray.point(lambda p: 255 if p < 128 else 0))  # black modules, clear rest
    assert rgba.convert("L").getextrema() == (0, 0)  # naive conversion: all black
    assert decode_image(rgba) == [TEXT]


@pytest.mark.parametrize("angle", [90, 180, 270, 17])
def test_rotated(angle: int) -> None:
    image = _qr().rotate(angle, expand=True, fillcolor=255)
    assert decode_image(image) == [TEXT]


def test_tiny_code_needs_upscaling() -> None:
    """One pixel per module: the fast attempt fails, the 2x fallback reads it."""
    small = _qr(1)
    assert decode_image(small, thorough=False) == []
    assert decode_image(small) == [TEXT]


def test_low_contrast_and_blur() -> None:
    image = ImageEnhance.Contrast(_qr(3).convert("L")).enhance(0.25)
    image = image.filter(ImageFilter.GaussianBlur(0.8))
    assert decode_image(image) == [TEXT]


def test_full_hd_frame_raw_bytes() -> None:
    frame = Image.new("L", (1920, 1080), 170)
    rng = random.Random(4)
    frame.putdata([170 + rng.randint(-20, 20) for _ in range(1920 * 1080)])
    frame.paste(_qr(5), (700, 200))
    data = frame.tobytes()
    assert decode_frame(data, 1920, 1080) == [TEXT]
    padded = b"".join(data[y * 1920:(y + 1) * 1920] + b"\0" * 64 for y in range(1080))
    assert decode_frame(padded, 1920, 1080, stride=1984) == [TEXT]


def test_no_code_and_bad_frames() -> None:
    rng = random.Random(1)
    noise = Image.new("L", (320, 240))
    noise.putdata([rng.randint(0, 255) for _ in range(320 * 240)])
    assert decode_image(noise) == []
    assert decode_frame(b"\0" * 10, 320, 240) == []
    assert decode_frame(b"", 0, 0) == []


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(ImageReadError, match="nicht gefunden"):
        decode_image_file(tmp_path / "fehlt.png")
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    with pytest.raises(ImageReadError):
        decode_image_file(broken)
    text = tmp_path / "x.png"
    text.write_text("kein Bild")
    with pytest.raises(ImageReadError, match="keine lesbare Bilddatei"):
        decode_image_file(text)


def test_first_hc1_prefers_certificate() -> None:
    assert first_hc1(["IMPFTEAM-T1:abc:1", TEXT]) == TEXT
    assert first_hc1(["IMPFTEAM-T1:abc:1"]) == "IMPFTEAM-T1:abc:1"
    assert first_hc1([]) is None
