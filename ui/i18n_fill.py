"""Fill English translations in resources/i18n/impfteam_en.ts from the glossary.

Run by ``./impfteam i18n`` after pyside6-lupdate: the glossary (German source → English,
a list for plural forms) is the reviewed source of truth; a text missing from it stays
"unfinished" and is listed, so nothing ships half-translated unnoticed.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "i18n" / "impfteam_en.ts"
GLOSSARY = ROOT / "resources" / "i18n" / "glossary_en.json"


def fill(ts_path: Path = TS, glossary_path: Path = GLOSSARY) -> list[str]:
    glossary: dict[str, str | list[str]] = json.loads(glossary_path.read_text("utf-8"))
    tree = ET.parse(ts_path)
    missing = []
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            continue
        value = glossary.get(source)
        if value is None:
            if translation.get("type") == "unfinished":
                missing.append(source)
            continue
        translation.attrib.pop("type", None)
        for child in list(translation):
            translation.remove(child)
        if isinstance(value, list):
            translation.text = None
            for form in value:
                ET.SubElement(translation, "numerusform").text = form
        else:
            translation.text = value
    tree.write(ts_path, encoding="utf-8", xml_declaration=True)
    return missing


if __name__ == "__main__":
    gaps = fill()
    for text in gaps:
        print(f"untranslated: {text!r}", file=sys.stderr)
    sys.exit(1 if gaps else 0)
