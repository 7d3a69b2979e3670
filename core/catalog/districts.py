"""Districts (Kreise, kreisfreie Städte) and PLZ → Kreis, from ``resources/reference``.

Sources and licence (dl-de/by-2-0, attribution required) are in
``resources/reference/SOURCES.md``. A PLZ may span two Kreise, so the lookup returns a
list and the GUI offers a choice.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.errors import ValidationError
from core.paths import resource_path

ATTRIBUTION = (
    "Datenquelle: Robert Koch-Institut (RKI), „RKI Corona Landkreise“, dl-de/by-2-0. "
    "Einwohnerzahlen: Destatis, Stand 31.12.2020, dl-de/by-2-0. "
    "PLZ-Zuordnung: OpenStreetMap-Mitwirkende (ODbL) über suche-postleitzahl.org."
)


@dataclass(frozen=True, slots=True)
class District:
    ags: str
    name: str
    kind: str
    state: str
    population: int

    @property
    def label(self) -> str:
        return f"{self.name} ({self.kind})"


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    plz: str
    ags: str
    place: str


class DistrictCatalog:
    def __init__(self, districts: list[District], plz_rows: list[PlaceMatch]) -> None:
        self.districts = tuple(districts)
        self._by_ags = {d.ags: d for d in districts}
        self._by_plz: dict[str, list[PlaceMatch]] = {}
        for row in plz_rows:
            if row.ags not in self._by_ags:
                raise ValueError(f"plz_kreis.csv: unknown AGS {row.ags} for PLZ {row.plz}")
            self._by_plz.setdefault(row.plz, []).append(row)

    def get(self, ags: str) -> District | None:
        return self._by_ags.get(ags.strip())

    def require(self, ags: str, field: str = "Kreis") -> District:
        district = self.get(ags)
        if district is None:
            raise ValidationError(
                f"{field}: Unbekannter Kreisschlüssel „{ags}“. Erwartet wird der "
                "fünfstellige AGS eines Kreises in NRW oder Hessen, z. B. 05754.",
                field=field,
            )
        return district

    def by_plz(self, plz: str) -> list[PlaceMatch]:
        return list(self._by_plz.get(plz.strip(), []))

    def districts_for_plz(self, plz: str) -> list[District]:
        seen: dict[str, District] = {}
        for match in self.by_plz(plz):
            seen.setdefault(match.ags, self._by_ags[match.ags])
        return list(seen.values())

    def plz_for_district(self, ags: str) -> list[PlaceMatch]:
        return [m for rows in self._by_plz.values() for m in rows if m.ags == ags]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_districts(directory: Path) -> DistrictCatalog:
    districts = [
        District(r["ags"], r["name"], r["type"], r["state"], int(r["population"]))
        for r in _read_csv(directory / "districts.csv")
    ]
    plz = [PlaceMatch(r["plz"], r["ags"], r["ort"]) for r in _read_csv(directory / "plz_kreis.csv")]
    return DistrictCatalog(districts, plz)


@lru_cache(maxsize=1)
def get_districts() -> DistrictCatalog:
    return load_districts(resource_path("reference"))
