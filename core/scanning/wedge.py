"""Repair of text typed by a USB barcode scanner in keyboard-wedge mode.

A wedge scanner "types" the QR content as key presses for the layout it is configured
for (usually US; the reverse case, a German-configured scanner on a US layout, is
handled too). On a German (QWERTZ) desktop the same keys give other characters:
``Y``/``Z`` swap, ``:`` arrives as ``Ö``, ``-`` as ``ß``, ``/`` as ``-``, ``*`` as ``(``
and ``+`` as the dead key ``` ` ``` (which may merge with the next vowel: ``+A`` ->
``À``). Caps Lock lower-cases letters. Base45 uses exactly these characters, so such
input never decodes. We undo the mapping and keep a candidate only when its zlib
checksum (Adler-32) verifies after Base45 decoding: a wrong repair cannot slip through.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from core.certificates.codec import PREFIX, DecodeError, decode_hc1

_B45 = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")

#: Character typed on a German layout -> character the (US) scanner meant.
_DE_TO_US = {
    "Ö": ":", "ö": ":", "ß": "-", "-": "/", "(": "*", "`": "+", "´": "=", "_": "?",
    "Y": "Z", "Z": "Y", "y": "Z", "z": "Y",
}
#: The reverse case: a scanner set to German typing into a US layout.
_US_TO_DE_SCANNER = {">": ":", "/": "-", "&": "/", "}": "*", "]": "+", "Y": "Z", "Z": "Y",
                     "y": "Z", "z": "Y"}
#: Dead-key grave (from ``+``) merged with a vowel.
_GRAVE = {"À": "+A", "È": "+E", "Ì": "+I", "Ò": "+O", "Ù": "+U",
          "à": "+A", "è": "+E", "ì": "+I", "ò": "+O", "ù": "+U"}
#: Scanners that end with Enter/Tab, and stray control characters.
_STRIP = "\r\n\t\x00\x1b"


@dataclass(frozen=True, slots=True)
class WedgeResult:
    """``text`` is the usable HC1 text (or None); ``message`` says what was done, German."""

    text: str | None
    repaired: bool
    message: str

    @property
    def ok(self) -> bool:
        return self.text is not None


def _clean(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw).strip(_STRIP + " ")
    return "".join(ch for ch in text if ch not in _STRIP)


def german_layout_repair(text: str) -> str:
    """Undo a US-scanner-on-German-keyboard mix-up (also under Caps Lock)."""
    out = []
    for ch in text:
        if ch in _GRAVE:
            out.append(_GRAVE[ch])
        elif ch in _DE_TO_US:
            out.append(_DE_TO_US[ch])
        else:
            out.append(ch.upper())
    return "".join(out)


def us_layout_repair(text: str) -> str:
    """Undo a German-configured scanner typing into a US layout (``HC1>`` prefix)."""
    return "".join(_US_TO_DE_SCANNER.get(ch, ch.upper()) for ch in text)


def _decodes(text: str) -> bool:
    try:
        decode_hc1(text)
    except DecodeError:
        return False
    return True


def repair_scanner_input(raw: str) -> WedgeResult:
    """Return the HC1 text a wedge scanner meant, or a German rejection."""
    text = _clean(raw)
    if not text:
        return WedgeResult(None, False, "Keine Eingabe vom Scanner.")
    if text.startswith(PREFIX) and _decodes(text):
        return WedgeResult(text, False, "Zertifikat gelesen.")
    candidates = []
    if text.upper() != text and text.upper().startswith(PREFIX):
        candidates.append(("Feststelltaste war aktiv", text.upper()))
    candidates.append(("Tastaturbelegung Deutsch/US vertauscht", german_layout_repair(text)))
    candidates.append(("Scanner auf Deutsch, Tastatur auf US", us_layout_repair(text)))
    for reason, candidate in candidates:
        if candidate.startswith(PREFIX) and _decodes(candidate):
            return WedgeResult(candidate, True, f"Scannereingabe repariert ({reason}).")
    head = text[:4]
    if not head.upper().startswith("HC1"):
        return WedgeResult(None, False, "Kein EU-Impfzertifikat: die Eingabe beginnt nicht mit "
                           "„HC1:“. Ist der Scanner richtig eingestellt?")
    bad = sorted({ch for ch in text[4:] if ch not in _B45})
    detail = f" Unerwartete Zeichen: {' '.join(bad[:6])}." if bad else ""
    return WedgeResult(None, False, "Scannereingabe beschädigt oder unvollständig; bitte erneut "
                       "scannen oder Scanner auf Tastaturlayout Deutsch (QWERTZ) stellen."
                       + detail)


def us_to_german(text: str) -> str:
    """Simulate a US-configured scanner typing ``text`` on a German layout (for tests)."""
    us_to_de = {":": "Ö", "-": "ß", "/": "-", "*": "(", "Y": "Z", "Z": "Y", "=": "´"}
    out = []
    for index, ch in enumerate(text):
        if ch == "+":
            following = text[index + 1] if index + 1 < len(text) else ""
            out.append("" if following and following in "AEIOU" else "`")
            continue
        if index > 0 and text[index - 1] == "+" and ch in "AEIOU":
            out.append({"A": "À", "E": "È", "I": "Ì", "O": "Ò", "U": "Ù"}[ch])
            continue
        out.append(us_to_de.get(ch, ch))
    return "".join(out)
