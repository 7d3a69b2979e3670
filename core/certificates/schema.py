"""Validation of DCC payloads against the EU JSON schema shipped in resources/dcc-schema.

The schema's ``$ref``s point to ``https://id.uvci.eu/DCC.*.schema.json``; they are
resolved from the local copies through a ``referencing.Registry`` so validation works
offline and never fetches anything. Only schema 1.3.x is shipped (the EU published no
separate machine-readable 1.0.x/1.2.x files in the copy we have), so a payload naming an
older ``ver`` is validated against 1.3.3 and the result says so in ``note``. The changes
from 1.0 to 1.3 were mostly added constraints (at least one of ``fnt``/``gnt``, the
``dob`` range), and every schema verdict in the public test data (``ver`` 1.0.x) comes
out as expected under 1.3.3 (tests/core/certificates/test_vectors.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError
from referencing import Registry, Resource

from core.paths import resource_path

SCHEMA_FILES = (
    "DCC.schema.json",
    "DCC.Core.Types.schema.json",
    "DCC.Types.schema.json",
    "DCC.ValueSets.schema.json",
)
SHIPPED_VERSION = "1.3.3"
_VER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
#: Most messages a result carries; one broken field tends to cascade via oneOf.
MAX_ERRORS = 5


@dataclass(frozen=True, slots=True)
class SchemaResult:
    """Outcome of one validation: ``errors`` are German, ``note`` explains the version."""

    valid: bool
    schema_version: str
    errors: list[str] = field(default_factory=list)
    note: str | None = None


@cache
def _validator() -> Draft202012Validator:
    folder = resource_path("dcc-schema")
    resources = []
    root: dict[str, Any] = {}
    for name in SCHEMA_FILES:
        contents = json.loads((folder / name).read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
        if name == "DCC.schema.json":
            root = contents
    registry: Registry[Any] = Registry().with_resources(resources)
    return Draft202012Validator(root, registry=registry)


def _path(error: SchemaError) -> str:
    parts = [str(p) for p in error.absolute_path]
    return "/".join(parts) if parts else "(Wurzel)"


def _german(error: SchemaError) -> str:
    where = _path(error)
    kind = error.validator
    if kind == "required":
        return f"{where}: Pflichtfeld fehlt ({error.message.split(' ')[0]})."
    if kind == "pattern":
        return f"{where}: Wert {error.instance!r} hat nicht das vorgeschriebene Format."
    if kind in ("maxItems", "minItems"):
        return f"{where}: genau ein Eintrag erlaubt (ein Ereignis je Zertifikat)."
    if kind == "anyOf":
        return f"{where}: keine erlaubte Variante (z. B. fehlen fnt und gnt)."
    if kind == "oneOf":
        return f"{where}: genau eine Gruppe v, t oder r erwartet."
    if kind == "type":
        return f"{where}: falscher Datentyp ({type(error.instance).__name__})."
    if kind == "additionalProperties":
        return f"{where}: unbekanntes Feld ({error.message})."
    if kind in ("maxLength", "minLength", "minimum", "maximum", "format", "enum"):
        return f"{where}: Wert {error.instance!r} ist nicht zulässig ({kind})."
    return f"{where}: {error.message}"


def version_note(ver: Any) -> str | None:
    """Why the payload is checked against 1.3.3 instead of the version it names."""
    if not isinstance(ver, str) or not _VER.match(ver):
        return None
    if ver.startswith("1.3."):
        return None
    return (f"Schema {ver} ist nicht hinterlegt; geprüft wurde gegen Schema {SHIPPED_VERSION} "
            "(die Test-Vektoren 1.0.x bestehen dieselben Prüfungen).")


def validate_payload(payload: Any) -> SchemaResult:
    """Validate a DCC payload (``hcert`` claim key 1) against the shipped schema."""
    validator = _validator()
    errors = sorted(validator.iter_errors(payload), key=lambda e: list(e.absolute_path))
    messages: list[str] = []
    for error in errors:
        text = _german(error)
        if text not in messages:
            messages.append(text)
        if len(messages) >= MAX_ERRORS:
            break
    ver = payload.get("ver") if isinstance(payload, dict) else None
    return SchemaResult(not errors, SHIPPED_VERSION, messages, version_note(ver))
