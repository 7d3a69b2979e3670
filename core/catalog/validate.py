"""Start-up validation of all reference data: fail early with a clear message."""

from __future__ import annotations

from core.catalog.districts import get_districts
from core.catalog.products import get_catalog
from core.catalog.valuesets import value_set


def validate_catalogs() -> list[str]:
    """Load every catalog; return a list of problems (empty when all is well)."""
    problems: list[str] = []
    try:
        catalog = get_catalog()
        vp, mp, ma = value_set("vp"), value_set("mp"), value_set("ma")
        for product in catalog.products:
            if product.disease != "covid19":
                continue
            for field, codes, code in (("vp", vp, product.vp), ("mp", mp, product.mp),
                                       ("ma", ma, product.ma)):
                if code not in codes:
                    problems.append(
                        f"products.json: {product.key} {field}={code} fehlt in der Werteliste"
                    )
    except (OSError, ValueError, KeyError) as exc:
        problems.append(f"Produktliste unlesbar: {exc}")
    try:
        districts = get_districts()
        if len(districts.districts) < 79:
            problems.append("districts.csv: weniger als 79 Kreise")
    except (OSError, ValueError, KeyError) as exc:
        problems.append(f"Kreisliste unlesbar: {exc}")
    return problems
