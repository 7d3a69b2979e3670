"""The conflict log a user reviews: resolved edit conflicts and probable duplicate doses.

One flat list (newest first) so the CLI's ``conflicts`` command and the GUI page show the
same thing: what happened, to which record, what was kept and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalog.products import get_catalog
from core.db.models import ConflictEntry, DuplicateDoseFlag
from core.services.records import LABELS


@dataclass(frozen=True, slots=True)
class ConflictRow:
    id: str
    at: datetime
    kind: str  # "konflikt" | "doppelimpfung"
    entity: str
    entity_id: str
    package_id: str
    kept: str  # "lokal" | "paket" | "beide"
    rule: str
    message: str
    details: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at.isoformat(timespec="seconds"), "kind": self.kind,
                "entity": self.entity, "entity_id": self.entity_id,
                "package_id": self.package_id, "kept": self.kept, "rule": self.rule,
                "message": self.message, "details": self.details}

    def text(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M}  {self.kind:<13} {self.message}"


def _product(key: str) -> str:
    product = get_catalog().resolve(key)
    return product.name if product else key


def list_conflicts(session: Session, limit: int | None = None) -> list[ConflictRow]:
    rows: list[ConflictRow] = []
    for c in session.scalars(select(ConflictEntry).order_by(ConflictEntry.at.desc())):
        label = LABELS.get(c.entity, c.entity)
        kept = ("eigene Fassung behalten" if c.winner == "lokal"
                else "Fassung aus dem Paket übernommen")
        rows.append(ConflictRow(
            c.id, c.at, "konflikt", c.entity, c.entity_id, c.package_id, c.winner, c.rule,
            f"{label} {c.entity_id}: beide Seiten geändert ({c.fields or '–'}); {kept} – "
            f"{c.reason}.",
            {"fields": [f for f in c.fields.split(", ") if f], "local": c.local,
             "incoming": c.incoming}))
    for d in session.scalars(select(DuplicateDoseFlag).order_by(DuplicateDoseFlag.at.desc())):
        rows.append(ConflictRow(
            d.id, d.at, "doppelimpfung", "vaccination", d.vaccination_id, d.package_id,
            "beide", "gleiche_person_tag_impfstoff",
            f"Mögliche Doppelimpfung am {d.date:%d.%m.%Y} mit {_product(d.product_key)}: "
            f"Impfungen {d.vaccination_id} ({d.origin}) und {d.other_vaccination_id} "
            f"({d.other_origin}); bitte prüfen und eine davon stornieren ({d.status}).",
            {"vaccination_ids": [d.vaccination_id, d.other_vaccination_id],
             "person_ids": [d.person_id, d.other_person_id], "date": d.date.isoformat(),
             "product_key": d.product_key, "origins": [d.origin, d.other_origin],
             "doses": d.dose_count, "status": d.status}))
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows[:limit] if limit else rows
