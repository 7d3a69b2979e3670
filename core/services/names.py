"""Name keys for search: ASCII-folded lower case and Kölner Phonetik.

Stored beside the name so search runs on indexed columns; "Müller", "Mueller" and
"muller" meet, and "Maier"/"Meyer" meet through the phonetic code.
"""

from __future__ import annotations

import unicodedata

import cologne_phonetics

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def fold(text: str) -> str:
    """Lower-case ASCII letters only (umlauts expanded, accents and punctuation dropped)."""
    lowered = text.casefold().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if "a" <= ch <= "z")


def phonetic(text: str) -> str:
    """Kölner Phonetik of all words, space-separated ('' for no letters)."""
    words = [w for w in text.replace("-", " ").split() if fold(w)]
    if not words:
        return ""
    return " ".join(code for _word, code in cologne_phonetics.encode(" ".join(words)) if code)


def prefix_upper_bound(prefix: str) -> str:
    """Smallest string greater than every string starting with ``prefix`` (ASCII)."""
    return prefix + "\x7f"
