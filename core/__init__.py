"""Impfteam core: pure Python domain, storage and services (never imports Qt)."""
