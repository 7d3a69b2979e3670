"""Vaccine products from ``resources/products.json``.

Products are data so a new vaccine or alias needs no code change. Lookup accepts the
product key (EU code or our stable key) and every name and alias, case-insensitively,
because field staff type "biontech" as often as "EU/1/20/1528".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.errors import ValidationError
from core.paths import resource_path

DISEASES = ("covid19", "measles")


@dataclass(frozen=True, slots=True)
class Product:
    key: str
    name: str
    aliases: tuple[str, ...]
    disease: str
    standard_doses: int
    vp: str | None
    mp: str | None
    ma: str | None
    manufacturer: str
    booster_only: bool = False
    combination: str | None = None


class ProductCatalog:
    """All known products, indexed by every accepted spelling."""

    def __init__(self, products: list[Product]) -> None:
        self.products = tuple(products)
        self._index: dict[str, Product] = {}
        for product in products:
            for spelling in (product.key, product.name, *product.aliases):
                norm = spelling.strip().casefold()
                other = self._index.get(norm)
                if other is not None and other.key != product.key:
                    raise ValueError(f"products.json: '{spelling}' names two products")
                self._index[norm] = product

    def resolve(self, name_or_code: str) -> Product | None:
        return self._index.get(name_or_code.strip().casefold())

    def require(self, name_or_code: str, field: str = "Produkt") -> Product:
        """Resolve or raise a German UserError listing what is accepted."""
        product = self.resolve(name_or_code)
        if product is None:
            known = ", ".join(p.name for p in self.products)
            raise ValidationError(
                f"{field}: Unbekannter Impfstoff „{name_or_code}“. Bekannt sind: {known}.",
                field=field,
            )
        return product

    def for_disease(self, disease: str) -> list[Product]:
        return [p for p in self.products if p.disease == disease]


def load_products(path: Path) -> ProductCatalog:
    """Load and validate a product file; raises ValueError on malformed data."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    products: list[Product] = []
    for entry in raw["products"]:
        if entry["disease"] not in DISEASES:
            raise ValueError(f"products.json: unknown disease {entry['disease']!r}")
        if int(entry["standard_doses"]) < 1:
            raise ValueError(f"products.json: {entry['key']} needs standard_doses >= 1")
        products.append(
            Product(
                key=entry["key"],
                name=entry["name"],
                aliases=tuple(entry.get("aliases", [])),
                disease=entry["disease"],
                standard_doses=int(entry["standard_doses"]),
                vp=entry.get("vp"),
                mp=entry.get("mp"),
                ma=entry.get("ma"),
                manufacturer=entry.get("manufacturer", ""),
                booster_only=bool(entry.get("booster_only", False)),
                combination=entry.get("combination"),
            )
        )
    return ProductCatalog(products)


@lru_cache(maxsize=1)
def get_catalog() -> ProductCatalog:
    return load_products(resource_path("products.json"))
