"""Code lists of the data model (design.md), one place for DB checks, services and UI.

The UI maps each code to translated text; core keeps the German labels for the CLI and
exports.
"""

from __future__ import annotations

SITE_KINDS = {
    "jobcenter": "Jobcenter",
    "kommunal": "Kommunale Liegenschaft",
    "sonstige": "Sonstige",
}
VISIT_STATUSES = {"geplant": "geplant", "aktiv": "aktiv", "abgeschlossen": "abgeschlossen"}
ROLES = {
    "arzt": "Ärztin/Arzt",
    "impfend": "Impfende/r (inkl. MFA)",
    "verwaltung": "Verwaltung/Anmeldung",
    "leitung": "Teamleitung",
    "admin": "IT-Administration",
}
SEXES = {"w": "weiblich", "m": "männlich", "d": "divers", "u": "unbekannt"}
TARGET_GROUPS = {
    "sgb2_kunde": "Kundin/Kunde des Jobcenters (SGB II)",
    "jobcenter_personal": "Beschäftigte/r des Jobcenters",
    "sonstige": "Sonstige",
}
DISEASES = {"covid19": "COVID-19", "measles": "Masern"}
INDICATIONS = {
    "alter": "Alter",
    "beruf": "Beruf",
    "medizinisch": "medizinische Indikation",
    "pflegeheim": "Pflegeheim",
    "sonstige": "Sonstige",
}
SOURCES = {
    "verabreicht": "verabreicht",
    "nachtrag_impfpass": "Nachtrag aus Impfpass",
    "nachtrag_zertifikat": "Nachtrag aus Zertifikat",
}
INJECTION_SITES = {
    "oa_links": "Oberarm links",
    "oa_rechts": "Oberarm rechts",
    "os_links": "Oberschenkel links",
    "os_rechts": "Oberschenkel rechts",
}
TEST_TYPES = {"PCR": "PCR", "NAAT": "NAAT", "RAT": "Antigen-Schnelltest"}
MEASLES_EVIDENCE_KINDS = {
    "immunitaet": "ärztliches Zeugnis über Immunität",
    "kontraindikation": "ärztliches Zeugnis über Kontraindikation",
    "bestaetigung": "Bestätigung einer staatlichen Stelle/Einrichtung",
}
CHECKIN_STATUSES = {"wartend": "wartend", "geimpft": "geimpft", "gegangen": "gegangen"}
VOID_REASON_UNDO = "rueckgaengig"


def check_in(column: str, codes: dict[str, str]) -> str:
    """SQL CHECK expression limiting ``column`` to ``codes`` (same on SQLite and PostgreSQL).

    An OR chain, not ``IN (…)``: SQLite builds a temporary table for an IN list on every
    row it checks (migration 0005)."""
    return "(" + " OR ".join(f"{column} = '{code}'" for code in codes) + ")"
