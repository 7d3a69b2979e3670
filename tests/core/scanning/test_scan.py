"""The scan page's calls: frame/image/text in, VerifyResult (or None for an empty frame)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from core.certificates.pdf import qr_image
from core.certificates.trust import TrustList
from core.scanning.scan import (
    ImageReadError,
    scan_bytes,
    scan_frame,
    scan_image_file,
    scan_text,
)
from core.scanning.wedge import us_to_german
from tests.core.certificates.helpers import NOW, VACCINATION, signed, training

IDENTITY = training()
TRUST = TrustList.of([IDENTITY.certificate])
HC1 = signed(VACCINATION, IDENTITY)


def test_frame_with_and_without_code() -> None:
    frame = Image.new("L", (1280, 720), 200)
    assert scan_frame(frame.tobytes(), 1280, 720, TRUST, NOW) is None
    frame.paste(qr_image(HC1, 4), (300, 100))
    result = scan_frame(frame.tobytes(), 1280, 720, TRUST, NOW)
    assert result is not None and result.status == "vollstaendig"


def test_image_file_and_bytes(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    qr_image(HC1).save(path)
    assert scan_image_file(path, TRUST, NOW).signature == "valid"
    assert scan_bytes(path.read_bytes(), TRUST, NOW).status == "vollstaendig"
    blank = io.BytesIO()
    Image.new("L", (50, 50), 255).save(blank, format="PNG")
    assert scan_bytes(blank.getvalue(), TRUST, NOW).status == "kein_code"
    assert scan_bytes(b"\x89PNG broken", TRUST, NOW).status == "kein_code"
    assert scan_bytes(b"\xff\xfe\x00garbage\x81", TRUST, NOW).status == "kein_code"
    with pytest.raises(ImageReadError):
        scan_image_file(tmp_path / "fehlt.png", TRUST, NOW)


def test_scanner_text_is_repaired_and_noted() -> None:
    result = scan_text(us_to_german(HC1), TRUST, NOW)
    assert result.status == "vollstaendig"
    assert any("repariert" in note for note in result.notes)
    assert scan_bytes(HC1.encode(), TRUST, NOW).status == "vollstaendig"
