"""Reference data: products, districts, PLZ, value sets load and agree."""

from __future__ import annotations

from datetime import date

from core.catalog.districts import get_districts
from core.catalog.products import get_catalog
from core.catalog.validate import validate_catalogs


def test_catalogs_validate_cleanly() -> None:
    assert validate_catalogs() == []


def test_products_resolve_by_code_name_and_alias_case_insensitively() -> None:
    catalog = get_catalog()
    assert catalog.resolve("eu/1/20/1528").name == "Comirnaty"  # type: ignore[union-attr]
    assert catalog.resolve("BIONTECH").key == "EU/1/20/1528"  # type: ignore[union-attr]
    for name in ("M-M-RvaxPro", "priorix", "Priorix-Tetra", "proquad"):
        product = catalog.resolve(name)
        assert product is not None and product.disease == "measles"
    assert catalog.resolve("Sputnik") is None
    janssen = catalog.resolve("Janssen")
    assert janssen is not None and janssen.standard_doses == 1


def test_districts_cover_nrw_and_hessen() -> None:
    districts = get_districts()
    states = {d.state for d in districts.districts}
    assert len(districts.districts) == 79
    assert states == {"Nordrhein-Westfalen", "Hessen"}
    assert districts.require("05334").name == "Städteregion Aachen"
    assert [d.ags for d in districts.districts_for_plz("33330")] == ["05754"]
    assert {d.ags for d in districts.districts_for_plz("34127")} == {"06611", "06633"}


def test_startup_validation_covers_rules_and_forms() -> None:
    from core.catalog.forms import form_for
    from core.startup import validate_resources

    assert validate_resources() == []
    form = form_for("covid19", date(2021, 12, 1))
    assert form.consent_item in {item.key for item in form.items}
