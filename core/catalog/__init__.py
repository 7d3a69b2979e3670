"""Reference data loaded from ``resources/``: products, districts, PLZ, DCC value sets."""
