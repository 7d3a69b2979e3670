"""Formula (CSV) injection escaping for every text cell we write.

A name like ``=HYPERLINK("http://…")`` typed at the registration desk must never run when
the Impfzentrum opens an export in Excel or LibreOffice. OWASP's advice: prefix text that
starts with ``= + - @`` or a tab/CR with an apostrophe, so spreadsheet programs show it as
text. A text that already starts with an apostrophe gets one more, which makes the
escaping reversible: sync packages ``unescape`` on import and get the exact original back.
"""

from __future__ import annotations

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def escape_text(value: str) -> str:
    """Text safe to put in a cell or CSV field (no formula can start)."""
    if value and (value[0] in DANGEROUS or value[0] == QUOTE):
        return QUOTE + value
    return value


def unescape_text(value: str) -> str:
    """Inverse of ``escape_text`` for files we wrote ourselves."""
    if len(value) >= 2 and value[0] == QUOTE and (value[1] in DANGEROUS or value[1] == QUOTE):
        return value[1:]
    return value


def is_dangerous(value: str) -> bool:
    return bool(value) and value[0] in DANGEROUS
