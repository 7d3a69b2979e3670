"""Translated labels for the code lists of core.db.codes (German source, English .qm)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CTX = "Labels"

ROLES = {
    "arzt": QT_TRANSLATE_NOOP("Labels", "Ärztin/Arzt"),
    "impfend": QT_TRANSLATE_NOOP("Labels", "Impfende/r"),
    "verwaltung": QT_TRANSLATE_NOOP("Labels", "Verwaltung"),
    "leitung": QT_TRANSLATE_NOOP("Labels", "Teamleitung"),
    "admin": QT_TRANSLATE_NOOP("Labels", "IT"),
}
SEXES = {
    "w": QT_TRANSLATE_NOOP("Labels", "weiblich"),
    "m": QT_TRANSLATE_NOOP("Labels", "männlich"),
    "d": QT_TRANSLATE_NOOP("Labels", "divers"),
    "u": QT_TRANSLATE_NOOP("Labels", "unbekannt"),
}
TARGET_GROUPS = {
    "sgb2_kunde": QT_TRANSLATE_NOOP("Labels", "Kundin/Kunde Jobcenter (SGB II)"),
    "jobcenter_personal": QT_TRANSLATE_NOOP("Labels", "Beschäftigte/r Jobcenter"),
    "sonstige": QT_TRANSLATE_NOOP("Labels", "Sonstige"),
}
INDICATIONS = {
    "alter": QT_TRANSLATE_NOOP("Labels", "Alter"),
    "beruf": QT_TRANSLATE_NOOP("Labels", "Beruf"),
    "medizinisch": QT_TRANSLATE_NOOP("Labels", "medizinische Indikation"),
    "pflegeheim": QT_TRANSLATE_NOOP("Labels", "Pflegeheim"),
    "sonstige": QT_TRANSLATE_NOOP("Labels", "Sonstige"),
}
INJECTION_SITES = {
    "oa_links": QT_TRANSLATE_NOOP("Labels", "Oberarm links"),
    "oa_rechts": QT_TRANSLATE_NOOP("Labels", "Oberarm rechts"),
    "os_links": QT_TRANSLATE_NOOP("Labels", "Oberschenkel links"),
    "os_rechts": QT_TRANSLATE_NOOP("Labels", "Oberschenkel rechts"),
}
SITE_KINDS = {
    "jobcenter": QT_TRANSLATE_NOOP("Labels", "Jobcenter"),
    "kommunal": QT_TRANSLATE_NOOP("Labels", "Kommunale Liegenschaft"),
    "sonstige": QT_TRANSLATE_NOOP("Labels", "Sonstige"),
}
VISIT_STATUSES = {
    "geplant": QT_TRANSLATE_NOOP("Labels", "geplant"),
    "aktiv": QT_TRANSLATE_NOOP("Labels", "aktiv"),
    "abgeschlossen": QT_TRANSLATE_NOOP("Labels", "abgeschlossen"),
}
QUEUE_STATUSES = {
    "wartend": QT_TRANSLATE_NOOP("Labels", "wartet"),
    "geimpft": QT_TRANSLATE_NOOP("Labels", "geimpft"),
    "gegangen": QT_TRANSLATE_NOOP("Labels", "gegangen"),
}
COVID_STATUSES = {
    "geimpft": QT_TRANSLATE_NOOP("Labels", "geimpft"),
    "genesen": QT_TRANSLATE_NOOP("Labels", "genesen"),
    "getestet": QT_TRANSLATE_NOOP("Labels", "getestet"),
    "unvollstaendig": QT_TRANSLATE_NOOP("Labels", "unvollständig"),
    "ungeimpft": QT_TRANSLATE_NOOP("Labels", "ungeimpft"),
}
MEASLES_STATUSES = {
    "erfuellt": QT_TRANSLATE_NOOP("Labels", "erfüllt"),
    "nicht_erfuellt": QT_TRANSLATE_NOOP("Labels", "nicht erfüllt"),
    "nicht_erforderlich": QT_TRANSLATE_NOOP("Labels", "nicht erforderlich"),
    "befreit": QT_TRANSLATE_NOOP("Labels", "befreit"),
}
SOURCES = {
    "verabreicht": QT_TRANSLATE_NOOP("Labels", "verabreicht"),
    "nachtrag_impfpass": QT_TRANSLATE_NOOP("Labels", "Nachtrag aus Impfpass"),
    "nachtrag_zertifikat": QT_TRANSLATE_NOOP("Labels", "Nachtrag aus Zertifikat"),
}


def label(table: dict[str, object], code: str | None) -> str:
    """Translated label of ``code`` in ``table`` (the code itself when unknown)."""
    if code is None:
        return ""
    text = table.get(code)
    return QCoreApplication.translate(CTX, str(text)) if text is not None else code
