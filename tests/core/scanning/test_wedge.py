"""Keyboard-wedge repair: layout mix-ups are undone only when the checksum agrees."""

from __future__ import annotations

import pytest

from core.certificates.verify import verify_hc1
from core.scanning.wedge import german_layout_repair, repair_scanner_input, us_to_german
from tests.core.certificates.helpers import VACCINATION, signed, training

HC1 = signed(VACCINATION, training())
#: A text whose Base45 part has every character the German layout garbles.
SPECIAL = next(t for t in (signed(VACCINATION | {"dob": f"1980-04-{d:02d}"}, training())
                           for d in range(10, 29))
               if all(c in t[4:] for c in "YZ*+-/:"))


def test_clean_input_passes_unchanged() -> None:
    result = repair_scanner_input(HC1 + "\r\n")
    assert (result.text, result.repaired) == (HC1, False)


def test_us_scanner_on_german_layout() -> None:
    garbled = us_to_german(SPECIAL)
    assert garbled.startswith("HC1Ö") and garbled != SPECIAL
    assert "ß" in garbled or "(" in garbled or "`" in garbled or "À" in garbled
    result = repair_scanner_input(garbled)
    assert result.ok and result.repaired and result.text == SPECIAL
    assert "Tastaturbelegung" in result.message
    assert verify_hc1(result.text or "", None).decoded


def test_dead_key_grave_merged_with_vowel() -> None:
    assert german_layout_repair("HC1ÖAÀB") == "HC1:A+AB"
    assert us_to_german("HC1:+A+B") == "HC1ÖÀ`B"


def test_german_scanner_on_us_layout() -> None:
    """The reverse mix-up: Y/Z swapped, ':' -> '>', '-' -> '/', '/' -> '&', '+' -> ']'."""
    table = str.maketrans({":": ">", "-": "/", "/": "&", "*": "}", "+": "]", "Y": "Z",
                           "Z": "Y"})
    garbled = SPECIAL.translate(table)
    assert garbled.startswith("HC1>")
    result = repair_scanner_input(garbled)
    assert result.ok and result.text == SPECIAL and "US" in result.message


def test_caps_lock() -> None:
    result = repair_scanner_input(HC1.lower())
    assert result.ok and result.text == HC1 and "Feststelltaste" in result.message
    result = repair_scanner_input(us_to_german(SPECIAL).lower())
    assert result.ok and result.text == SPECIAL


@pytest.mark.parametrize(("raw", "fragment"), [
    ("", "Keine Eingabe"),
    ("\r\n", "Keine Eingabe"),
    ("Hallo", "beginnt nicht mit „HC1:“"),
    ("IMPFTEAM-T1:abc:1", "beginnt nicht mit"),
])
def test_rejections(raw: str, fragment: str) -> None:
    result = repair_scanner_input(raw)
    assert not result.ok and fragment in result.message


def test_truncated_scan_is_rejected_not_guessed() -> None:
    result = repair_scanner_input(us_to_german(SPECIAL)[:-25])
    assert not result.ok
    assert "beschädigt oder unvollständig" in result.message


def test_wrong_swap_cannot_pass_the_checksum() -> None:
    """Swapping Y/Z in clean input gives a text whose zlib checksum fails."""
    text = SPECIAL
    swapped = text[:4] + text[4:].translate(str.maketrans("YZ", "ZY"))
    assert repair_scanner_input(swapped).text in (None, text)
