"""``dose suggest|record|backentry|void|undo``: the dose form and dose writes, headless.

``suggest`` prints the dose form's read model (core.usecases.dose_form): the product the
rules suggest, its lot, numbers, warnings, the consent form in force and the defaults.
``record`` sends the choices to ``core.usecases.doses.record_dose``, which checks every
rule (visit started today, team, lot, consent form and items, Anamnese, warnings need
``--override-reason``). ``--consent all`` expands to the items of the form named by
``--form``; core then checks that form is the one in force.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from core.cli import CliContext, json_parent
from core.errors import UserError

ANAMNESIS_EXAMPLE = "schwere_allergie=nein,schwanger=nein"


def register(sub: argparse._SubParsersAction) -> None:
    dose = sub.add_parser("dose", help="Impfungen erfassen, nachtragen, stornieren")
    commands = dose.add_subparsers(dest="dose_command", required=True)

    suggest = commands.add_parser("suggest", parents=[json_parent()],
                                  help="Vorschlag des Impfformulars (Produkt, Charge, Dosis)")
    suggest.add_argument("--person", required=True, metavar="ID")
    suggest.add_argument("--visit", required=True, metavar="ID")
    suggest.set_defaults(handler=run_suggest)

    record = commands.add_parser("record", parents=[json_parent()],
                                 help="verabreichte Impfung beim heutigen Einsatz erfassen")
    record.add_argument("--person", required=True, metavar="ID")
    record.add_argument("--visit", required=True, metavar="ID")
    record.add_argument("--product", required=True, help="Impfstoff (EU-Nummer oder Name)")
    record.add_argument("--lot", required=True, metavar="LOT",
                        help="Chargen-ID oder CHARGE@PRODUKT (z. B. FK1234@Comirnaty)")
    record.add_argument("--vaccinator", metavar="STAFF", help="Impfende/r (ID oder Benutzername)")
    record.add_argument("--physician", metavar="STAFF",
                        help="verantwortliche Ärztin/verantwortlicher Arzt")
    record.add_argument("--informed-by", metavar="STAFF", help="aufgeklärt von")
    record.add_argument("--form", metavar="ID:VERSION",
                        help="gezeigter Aufklärungsbogen (aus dose suggest)")
    record.add_argument("--consent", required=True, metavar="all|KEY,…",
                        help="bestätigte Punkte des Bogens; all nur zusammen mit --form")
    record.add_argument("--anamnesis", default="", metavar="KEY=VALUE,…",
                        help=f"Antworten der Anamnese, z. B. {ANAMNESIS_EXAMPLE}")
    record.add_argument("--indication", help="alter | beruf | medizinisch | pflegeheim | sonstige")
    record.add_argument("--injection-site",
                        help="oa_links | oa_rechts | os_links | os_rechts")
    record.add_argument("--dose", type=int, metavar="N", help="Dosisnummer (mit --of)")
    record.add_argument("--of", type=int, metavar="M", help="Serienlänge (mit --dose)")
    record.add_argument("--booster", action="store_true",
                        help="als Auffrischimpfung erwartet (Core prüft die Zählweise)")
    record.add_argument("--override-reason", default="", metavar="TEXT",
                        help="Begründung, um trotz Warnung zu impfen")
    record.set_defaults(handler=run_record)

    back = commands.add_parser("backentry", parents=[json_parent()],
                               help="frühere Impfung nachtragen (Impfpass oder Zertifikat)")
    back.add_argument("--person", required=True, metavar="ID")
    back.add_argument("--date", required=True, help="Impfdatum")
    back.add_argument("--product", required=True, help="Impfstoff (EU-Nummer oder Name)")
    back.add_argument("--lot", default="", metavar="NUMBER", help="Chargennummer")
    back.add_argument("--dose", type=int, metavar="N")
    back.add_argument("--of", type=int, metavar="M")
    back.add_argument("--source", required=True,
                      choices=("nachtrag_impfpass", "nachtrag_zertifikat"))
    back.add_argument("--confirm-reason", default="", metavar="TEXT",
                      help="Begründung, wenn die Angaben Auffälligkeiten haben")
    back.set_defaults(handler=run_backentry)

    void = commands.add_parser("void", parents=[json_parent()],
                               help="Impfung mit Begründung stornieren")
    void.add_argument("id", metavar="ID")
    void.add_argument("--reason", required=True)
    void.set_defaults(handler=run_void)

    undo = commands.add_parser("undo", parents=[json_parent()],
                               help="eigene Impfung der letzten 10 Minuten zurücknehmen")
    undo.add_argument("id", metavar="ID")
    undo.set_defaults(handler=run_undo)


def _write_dose(ctx: CliContext, write: Callable[[Any, Any], Any], verb: str) -> int:
    """Run one dose use case (``write(session, actor)`` returns its ``Written``) in a
    session, then print the stored dose as ``persons show`` shows it."""
    from core.commands.persons import dose_line
    from core.usecases.cards import dose_json

    with ctx.session() as session:
        dose = write(session, ctx.actor(session)).value
        session.flush()
        data = dose_json(dose)
    ctx.emit(data, lambda: f"{verb}:\n{dose_line(data)}")
    return 0


def _signed_in_staff(session: Any, login: str) -> str | None:
    from core.errors import NotFoundError
    from core.services.dose_checks import find_staff

    try:
        return find_staff(session, login).id
    except NotFoundError:
        return None


def suggestion_json(form: Any) -> dict[str, Any]:
    """The ``dose suggest`` shape of a ``DoseForm``."""
    chosen = form.product(form.suggested_product)
    consent = form.consent_form(form.suggested_product)
    defaults = form.defaults
    return {
        "product": chosen.key if chosen else None,
        "lot_id": chosen.lots[0].usage.lot_id if chosen and chosen.lots else None,
        "dose_number": chosen.dose_number if chosen else None,
        "series_total": chosen.series_total if chosen else None,
        "booster": chosen.booster if chosen else None,
        "warnings": list(chosen.warnings) if chosen else [],
        "reasons": list(form.reasons),
        "consent_form": {"id": consent.id, "version": consent.version, "label": consent.label,
                         "items": [{"key": i.key, "text": i.text} for i in consent.items]}
        if consent else None,
        "anamnesis": [{"key": q.key, "text": q.text, "answers": list(q.answers),
                       "default": defaults.anamnesis.get(q.key, q.default)}
                      for q in consent.anamnesis] if consent else [],
        "defaults": {"indication": defaults.indication,
                     "injection_site": defaults.injection_site},
        "vaccinator_id": defaults.vaccinator_id,
        "physician_id": defaults.physician_id,
        "informed_by_id": defaults.informed_by_id,
        "blocked": form.blocked or None,
        "products": [{"product": p.key, "name": p.name,
                      "lot_ids": [lot.usage.lot_id for lot in p.lots],
                      "dose_number": p.dose_number, "series_total": p.series_total,
                      "booster": p.booster, "warnings": list(p.warnings)}
                     for p in form.products],
    }


def _suggestion_text(data: dict[str, Any]) -> str:
    lines = []
    if data["blocked"]:
        lines.append(f"Keine Impfung möglich: {data['blocked']}")
    if data["product"]:
        booster = " (Auffrischung)" if data["booster"] else ""
        lines.append(f"Vorschlag: {data['product']} Dosis {data['dose_number']}/"
                     f"{data['series_total']}{booster}, Charge {data['lot_id']}")
        form = data["consent_form"]
        lines.append(f"Aufklärungsbogen: {form['label']} – Punkte: "
                     + ",".join(item["key"] for item in form["items"]))
    lines += [f"Warnung: {w}" for w in data["warnings"]]
    lines += [f"  {r}" for r in data["reasons"]]
    return "\n".join(lines)


def run_suggest(ctx: CliContext) -> int:
    from core.commands.common import today
    from core.usecases.dose_form import dose_form

    with ctx.session() as session:
        form = dose_form(session, ctx.args.person, ctx.args.visit, today(),
                         _signed_in_staff(session, ctx.user))
        data = suggestion_json(form)
    ctx.emit(data, lambda: _suggestion_text(data))
    return 0


def _confirmed(consent: str, form_label: str | None) -> tuple[str, ...]:
    """``--consent`` as item keys; ``all`` means every item of the form the caller names."""
    from core.catalog.forms import load_forms
    from core.commands.common import key_list

    if consent.strip().lower() != "all":
        return key_list(consent)
    if not form_label:
        raise UserError("--consent all nur zusammen mit --form ID:VERSION (dem gezeigten "
                        "Aufklärungsbogen, siehe dose suggest).")
    shown = next((f for f in load_forms() if f.label == form_label.strip()), None)
    return tuple(item.key for item in shown.items) if shown else ()


def run_record(ctx: CliContext) -> int:
    from core.commands.common import key_values, lot_id, staff_id, today
    from core.usecases.doses import DoseRequest, record_dose

    args = ctx.args
    confirmed = _confirmed(args.consent, args.form)
    answers = key_values(args.anamnesis, "--anamnesis", ANAMNESIS_EXAMPLE)
    with ctx.session() as session:  # resolving lot and staff reads the database
        request = DoseRequest(
            person_id=args.person, visit_id=args.visit, product=args.product,
            lot_id=lot_id(session, args.lot),
            vaccinator_id=staff_id(session, args.vaccinator),
            physician_id=staff_id(session, args.physician),
            form=args.form or "", confirmed=confirmed, anamnesis=answers,
            informed_by_id=staff_id(session, args.informed_by),
            indication=args.indication, injection_site=args.injection_site,
            dose_number=args.dose, series_total=args.of,
            booster=True if args.booster else None, override_reason=args.override_reason)
    return _write_dose(ctx, lambda session, actor: record_dose(session, actor, request,
                                                                today()), "Impfung erfasst")


def run_backentry(ctx: CliContext) -> int:
    from core.commands.common import today
    from core.dates import parse_date
    from core.usecases.doses import BackEntryRequest, record_backentry

    args = ctx.args
    request = BackEntryRequest(args.person, parse_date(args.date, "--date"), args.product,
                               args.source, lot_number=args.lot, dose_number=args.dose,
                               series_total=args.of, confirm_reason=args.confirm_reason)
    return _write_dose(ctx, lambda session, actor: record_backentry(session, actor, request,
                                                                     today()),
                       "Impfung nachgetragen")


def run_void(ctx: CliContext) -> int:
    from core.usecases.doses import void_dose

    return _write_dose(ctx, lambda session, actor: void_dose(session, actor, ctx.args.id,
                                                              ctx.args.reason),
                       "Impfung storniert")


def run_undo(ctx: CliContext) -> int:
    from core.usecases.doses import undo_dose

    return _write_dose(ctx, lambda session, actor: undo_dose(session, actor, ctx.args.id),
                       "Impfung zurückgenommen")
