"""Human-readable German rendering of a ``StatusResult`` (CLI without ``--json``)."""

from __future__ import annotations

from core.rules.datemath import de
from core.rules.result import StatusResult

_COVID = {
    "geimpft": "geimpft",
    "genesen": "genesen",
    "getestet": "getestet",
    "unvollstaendig": "unvollständig geimpft",
    "ungeimpft": "ungeimpft",
}
_MEASLES = {
    "erfuellt": "erfüllt",
    "nicht_erfuellt": "nicht erfüllt",
    "nicht_erforderlich": "nicht erforderlich",
    "befreit": "befreit (Kontraindikation)",
}


def _day(value: object) -> str:
    from datetime import date

    return de(value) if isinstance(value, date) else "–"


def format_status(result: StatusResult) -> str:
    """Multi-line German summary: verdict, key dates, reasons and warnings."""
    c, m = result.covid19, result.measles
    lines = [
        f"Bewertung zum {result.on_text()}",
        f"COVID-19: {_COVID.get(c.status, c.status)}",
        f"  Grundimmunisierung vollständig: {'ja' if c.series_complete else 'nein'}; "
        f"Auffrischimpfung: {'ja' if c.booster else 'nein'}",
        f"  geimpft ab: {_day(c.protected_from)}; testbefreit durch Impfung bis: "
        f"{_day(c.protected_until)}; heute testbefreit: {'ja' if c.test_exempt else 'nein'}",
        f"  Auffrischimpfung fällig ab: {_day(c.booster_due_from)}; nächste Impfung frühestens: "
        f"{_day(c.next_dose_earliest)}",
    ]
    lines += [f"  - {reason}" for reason in c.reasons]
    lines += [f"  ! {warning.message}" for warning in c.warnings]
    lines.append(
        f"Masern: {_MEASLES.get(m.status, m.status)} (Nachweis erforderlich: "
        f"{'ja' if m.required else 'nein'}; gezählte Impfungen: {m.doses_counted})"
    )
    lines += [f"  - {reason}" for reason in m.reasons]
    lines += [f"  ! {warning.message}" for warning in m.warnings]
    return "\n".join(lines)
