"""Machine-readable names (``fnt``/``gnt``) for the DCC: ICAO 9303 and ELOT 743.

Verifiers match a certificate to its holder's passport on the transliterated names, so
``fnt``/``gnt`` must be what the travel document's machine-readable zone would say:

* Latin letters follow ICAO 9303 Part 3, section 6 (``Ä`` -> ``AE``, ``ß`` -> ``SS``,
  ``Ł`` -> ``L``, ``Ş`` -> ``S`` ...); letters with diacritics not in the table lose them
  (NFKD), special letters without a decomposition (``Æ Ø Þ Ð Đ Ħ Ŋ ı`` ...) are tabled.
* Cyrillic follows the ICAO 9303 table, with its Ukrainian (``И`` -> ``Y``) and
  Belarusian (``Г`` -> ``H``, ``Ё`` -> ``IO``) exceptions when a name shows letters only
  those alphabets have.
* Greek follows ELOT 743 (the standard of Greek passports), word by word, because its
  digraph rules depend on the neighbours: ``ΟΥ`` -> ``OU``, ``ΑΥ/ΕΥ/ΗΥ`` -> ``AV/EV/IV``
  before vowels and voiced consonants, ``AF/EF/IF`` before voiceless ones and at the end
  of a word, ``ΜΠ`` -> ``B`` at the start or end of a word, ``MP`` inside, ``ΓΓ`` ->
  ``NG``, ``ΓΞ`` -> ``NX``, ``ΓΧ`` -> ``NCH`` (``ΓΚ`` stays ``GK`` as in ELOT 743).
  Accents (tonos) are dropped, but a tonos on the first vowel or a dialytika on the
  second splits a digraph (``άυ`` -> ``AY``, ``αϋ`` -> ``AY``), as in Greek spelling.

A letter of any other script (Arabic, Hebrew, CJK ...) is refused with a German message:
a letter-by-letter table (as ICAO 9303 has for Arabic) gives consonant skeletons
(``محمد`` -> ``MHMD``) that match no passport, so the name has to be entered in the Latin
spelling of the ID instead (``Mohammed``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from core.errors import ValidationError

MAX_NAME = 80

#: ICAO 9303 Part 3 section 6 Latin letters that NFKD decomposition does not give (or
#: gives differently: the German umlauts and Å are two letters, not a stripped vowel).
_LATIN = {
    "Ä": "AE", "Ö": "OE", "Ü": "UE", "Å": "AA", "Æ": "AE", "Ø": "OE", "Œ": "OE", "ẞ": "SS",
    "ß": "SS", "Þ": "TH", "Ð": "D", "Đ": "D", "Ł": "L", "Ħ": "H", "Ŋ": "N", "Ĳ": "IJ",
    "İ": "I", "ı": "I", "Ŧ": "T", "Ŀ": "L",
}

#: ICAO 9303 Part 3 section 6 Cyrillic table (Russian column plus the letters of the
#: other Cyrillic alphabets it lists). ``Ь`` is omitted by the standard, not by us.
_CYRILLIC = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Ґ": "G", "Д": "D", "Ѓ": "G", "Ђ": "D", "Е": "E",
    "Ё": "E", "Є": "IE", "Ж": "ZH", "З": "Z", "Ѕ": "DZ", "И": "I", "І": "I", "Ї": "I",
    "Й": "I", "Ј": "J", "К": "K", "Ќ": "K", "Л": "L", "Љ": "LJ", "М": "M", "Н": "N",
    "Њ": "NJ", "О": "O", "П": "P", "Р": "R", "С": "S", "Т": "T", "Ћ": "C", "У": "U",
    "Ў": "U", "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH", "Џ": "DZ", "Ш": "SH", "Щ": "SHCH",
    "Ъ": "IE", "Ы": "Y", "Ь": "", "Э": "E", "Ю": "IU", "Я": "IA", "Ѫ": "U", "Ѵ": "Y",
}
#: ICAO 9303 language exceptions, applied when a name has letters only that language has.
_UKRAINIAN = {"И": "Y"}
_BELARUSIAN = {"Г": "H", "Ё": "IO"}

#: ELOT 743 single letters (upper case, accents already removed).
_GREEK = {
    "Α": "A", "Β": "V", "Γ": "G", "Δ": "D", "Ε": "E", "Ζ": "Z", "Η": "I", "Θ": "TH", "Ι": "I",
    "Κ": "K", "Λ": "L", "Μ": "M", "Ν": "N", "Ξ": "X", "Ο": "O", "Π": "P", "Ρ": "R", "Σ": "S",
    "Τ": "T", "Υ": "Y", "Φ": "F", "Χ": "CH", "Ψ": "PS", "Ω": "O",
}
#: ELOT 743: ``αυ``/``ευ``/``ηυ`` become ``f`` before these and at the end of a word.
_VOICELESS = frozenset("ΘΚΞΠΣΤΦΧΨ")
_GREEK_ACCENTS = frozenset("\u0301\u0300\u0342")  # tonos/oxia, varia, perispomeni
_DIALYTIKA = "\u0308"

#: Characters that separate name parts and become the filler ``<``.
_SEPARATORS = frozenset(" -‐‑–—_,.")

#: German adjective for scripts we refuse, by the first word of the Unicode name.
_SCRIPTS_DE = {
    "ARABIC": "arabischer", "HEBREW": "hebräischer", "CJK": "chinesischer",
    "HIRAGANA": "japanischer", "KATAKANA": "japanischer", "HANGUL": "koreanischer",
    "ARMENIAN": "armenischer", "GEORGIAN": "georgischer", "ETHIOPIC": "äthiopischer",
    "DEVANAGARI": "indischer", "BENGALI": "bengalischer", "TAMIL": "tamilischer",
    "THAI": "thailändischer", "SYRIAC": "syrischer", "THAANA": "maledivischer",
}


def _script(ch: str) -> str:
    """``LATIN``, ``CYRILLIC``, ``GREEK`` or the first word of another script's name."""
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def _refuse(ch: str) -> ValidationError:
    script = _script(ch)
    if script in ("LATIN", "CYRILLIC", "GREEK"):
        return ValidationError(
            f"Buchstabe „{ch}“ hat keine Umschrift nach ICAO 9303: bitte die lateinische "
            "Schreibweise wie im Ausweis eintragen.")
    adjective = _SCRIPTS_DE.get(script, "nicht lateinischer")
    return ValidationError(
        f"Name in {adjective} Schrift: bitte die lateinische Schreibweise wie im Ausweis "
        "eintragen (Zertifikate brauchen den Namen in Lateinschrift, ICAO 9303).")


def _clusters(word: str) -> Iterator[tuple[str, str]]:
    """``(base, marks)`` per letter of an NFD word; stray leading marks are dropped."""
    base, marks = "", ""
    for ch in word:
        if unicodedata.combining(ch):
            marks += ch
            continue
        if base:
            yield base, marks
        base, marks = ch, ""
    if base:
        yield base, marks


def _latin(base: str, marks: str) -> str:
    composed = unicodedata.normalize("NFC", base + marks)
    for candidate in (composed, base):
        if candidate in _LATIN:
            return _LATIN[candidate]
    if "A" <= base <= "Z":
        return base
    compat = "".join(c for c in unicodedata.normalize("NFKD", base) if "A" <= c <= "Z")
    if not compat:
        raise _refuse(composed)
    return compat


def _cyrillic_table(text: str) -> dict[str, str]:
    """The ICAO table with the exceptions of the language ``text`` is recognisably in."""
    letters = set(text)
    if "Ў" in letters or ("І" in letters and letters & set("ЫЭЁЪ")):
        return {**_CYRILLIC, **_BELARUSIAN}
    if letters & set("ЄЇҐ") or {"І", "И"} <= letters:
        return {**_CYRILLIC, **_UKRAINIAN}
    return _CYRILLIC


def _cyrillic(base: str, marks: str, table: dict[str, str]) -> str:
    composed = unicodedata.normalize("NFC", base + marks)
    for candidate in (composed, base):
        if candidate in table:
            return table[candidate]
    raise _refuse(composed)


def _greek_letter(base: str) -> str:
    if base not in _GREEK:
        base = unicodedata.normalize("NFKD", base)[:1]  # ϐ ϑ ϒ ... -> Β Θ Υ
    if base not in _GREEK:
        raise _refuse(base)
    return _GREEK[base]


def _greek(word: list[tuple[str, str]]) -> str:
    """ELOT 743 for one Greek word (letters upper case, NFD ``(base, marks)``)."""
    bases = [base for base, _ in word]
    accented = [bool(set(marks) & _GREEK_ACCENTS) for _, marks in word]
    split = [_DIALYTIKA in marks for _, marks in word]
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        c, nxt = bases[i], bases[i + 1] if i + 1 < n else ""
        after = bases[i + 2] if i + 2 < n else ""
        digraph_u = nxt == "Υ" and not accented[i] and not split[i + 1]
        if c in "ΑΕΗ" and digraph_u:
            out.append(_GREEK[c] + ("F" if not after or after in _VOICELESS else "V"))
            i += 2
        elif c == "Ο" and digraph_u:
            out.append("OU")
            i += 2
        elif c == "Γ" and nxt in ("Γ", "Ξ", "Χ"):
            out.append("N" + _GREEK[nxt])
            i += 2
        elif c == "Μ" and nxt == "Π":
            out.append("B" if i == 0 or i + 2 == n else "MP")
            i += 2
        else:
            out.append(_greek_letter(c))
            i += 1
    return "".join(out)


def transliterate(name: str) -> str:
    """ICAO 9303 machine-readable form: ``Müller`` -> ``MUELLER``, ``Smith-Jones`` ->
    ``SMITH<JONES``, ``Παπαδόπουλος`` -> ``PAPADOPOULOS``; apostrophes, digits and other
    non-letters vanish (``O'Brien`` -> ``OBRIEN``).

    Raises ``ValidationError`` (German) for a letter without a table, so no letter is
    silently lost: the certificate is refused instead of matching nobody.
    """
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFC", name).upper())
    table = _cyrillic_table(unicodedata.normalize("NFC", text))
    out: list[str] = []
    greek: list[tuple[str, str]] = []
    for base, marks in _clusters(text):
        script = _script(base)
        if script == "GREEK":
            greek.append((base, marks))
            continue
        if greek:
            out.append(_greek(greek))
            greek = []
        if base in _SEPARATORS:
            if out and out[-1] != "<":
                out.append("<")
        elif not base.isalpha() or unicodedata.category(base) == "Lm":
            continue  # apostrophes, digits, ʼ ʿ ʾ (modifier letters) carry no letter
        elif script == "LATIN":
            out.append(_latin(base, marks))
        elif script == "CYRILLIC":
            out.append(_cyrillic(base, marks, table))
        else:
            raise _refuse(base)
    if greek:
        out.append(_greek(greek))
    return "".join(out).strip("<")[:MAX_NAME].rstrip("<")


def transliterate_part(value: str, field: str) -> str:
    """``transliterate`` for one form field: the refusal names the field (GUI, CLI)."""
    try:
        return transliterate(value)
    except ValidationError as exc:
        raise ValidationError(f"{field}: {exc.message}", field=field) from None
