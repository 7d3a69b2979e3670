"""Issue 11, headless field day: every refusal is exit 1 and one German line, no traceback.

One database is prepared per module (imported master data, E-1 started); a refused
command writes nothing, so the cases share it. ``IMPFTEAM_TODAY=2021-12-01``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from core.catalog.forms import form_for
from tests.core.test_cli_field_day import Cli, imported, write_masterdata

FORM = form_for("covid19", date(2021, 12, 1))
LABEL = FORM.label
ALL_KEYS = ",".join(item.key for item in FORM.items)

Prepared = dict[str, str]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Cli, Prepared]:
    base = tmp_path_factory.mktemp("refusals")
    cli = Cli(base / "feld.sqlite", base / "home")
    # t.koch (the default user here) holds every role: each case is refused by its rule
    imported(cli, write_masterdata(base / "stammdaten.xlsx", extra_visits=True),
             all_roles=("t.koch",))
    assert cli.json("visits", "start", "E-1")["status"] == "aktiv"
    young = cli.json("persons", "add", "--family", "Schulz", "--given", "Lena", "--birth",
                     "1995-03-01")["person_id"]
    complete = cli.json("persons", "add", "--family", "Weber", "--given", "Jonas", "--birth",
                        "1970-02-02")["person_id"]
    for number, day in ((1, "2021-05-01"), (2, "2021-06-01")):
        cli.json("dose", "backentry", "--person", complete, "--date", day, "--product",
                 "Comirnaty", "--dose", str(number), "--of", "2", "--source",
                 "nachtrag_impfpass")
    broken = base / "liste.json"
    broken.write_text('{"certificates": [{"kid": "AAA=", "rawData": "kein-base64"}]}')
    return cli, {"young": young, "complete": complete, "broken": str(broken),
                 "home": str(base / "home")}


def record(person: str, *extra: str, visit: str = "E-1", product: str = "Comirnaty",
           lot: str = "FK1234@Comirnaty", vaccinator: str = "t.koch",
           consent: tuple[str, ...] = ("--form", LABEL, "--consent", "all")) -> list[str]:
    return ["dose", "record", "--person", person, "--visit", visit, "--product", product,
            "--lot", lot, "--vaccinator", vaccinator, "--physician", "e.wagner", *consent,
            *extra]


Case = Callable[[Prepared], list[str]]
CASES: list[tuple[str, Case, str]] = [
    ("visit not started", lambda p: record(p["young"], visit="E-3"), "noch nicht begonnen"),
    ("tomorrow's visit", lambda p: record(p["young"], visit="E-2"),
     "Impfungen werden nur am Einsatztag"),
    ("vaccinator not on the team", lambda p: record(p["young"], vaccinator="a.yilmaz"),
     "gehört nicht zum Team"),
    ("--consent all without --form",
     lambda p: record(p["young"], consent=("--consent", "all")), "--consent all nur"),
    ("wrong form version",
     lambda p: record(p["young"], consent=("--form", "aufklaerung_covid19:2020-01",
                                           "--consent", "all")), "gilt „" + LABEL),
    ("missing consent item",
     lambda p: record(p["young"], consent=("--form", LABEL, "--consent",
                                           ALL_KEYS.rsplit(",", 1)[0])),
     "nicht vollständig bestätigt"),
    ("warning without --override-reason",
     lambda p: record(p["young"], product="Spikevax", lot="SPX77@Spikevax"), "Warnung:"),
    ("malformed --anamnesis",
     lambda p: record(p["young"], "--anamnesis", "schwanger"), "FRAGE=ANTWORT"),
    ("unknown staff", lambda p: record(p["young"], vaccinator="x.niemand"),
     "„x.niemand“ nicht gefunden"),
    ("unknown LOT NUMBER@PRODUCT", lambda p: record(p["young"], lot="XX999@Comirnaty"),
     "Charge „XX999“ von Comirnaty nicht gefunden"),
    ("duplicate person",
     lambda p: ["persons", "add", "--family", "Schulz", "--given", "Lena", "--birth",
                "01.03.1995"], "--force-duplicate"),
    ("back-entry with a known expired lot",
     lambda p: ["dose", "backentry", "--person", p["young"], "--date", "2021-12-01",
                "--product", "Comirnaty", "--lot", "FA0001", "--source",
                "nachtrag_impfpass"], "bereits abgelaufen"),
    ("back-entry 1/2 after a stored 2/2",
     lambda p: ["dose", "backentry", "--person", p["complete"], "--date", "2021-07-01",
                "--product", "Comirnaty", "--dose", "1", "--of", "2", "--source",
                "nachtrag_impfpass"], "widerspricht der gespeicherten Dosis"),
    ("keys trust on a broken file", lambda p: ["keys", "trust", p["broken"]],
     "Vertrauensliste"),
    ("checkin --hc1 with garbage", lambda p: ["checkin", "E-1", "--hc1", "Hallo Welt"],
     "Kein EU-Impfzertifikat"),
    ("checkin --hc1 with a damaged code",
     lambda p: ["checkin", "E-1", "--hc1", "HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH"],
     "erneut scannen"),
]


@pytest.mark.parametrize(("args", "expected"), [(c[1], c[2]) for c in CASES],
                         ids=[c[0] for c in CASES])
def test_refusal_is_one_german_line(prepared: tuple[Cli, Prepared], args: Case,
                                    expected: str) -> None:
    cli, ids = prepared
    line = cli.refused(*args(ids))
    assert expected in line, line


def test_refusals_stored_nothing(prepared: tuple[Cli, Prepared]) -> None:
    cli, ids = prepared
    assert not (Path(ids["home"]) / "trust" / "trustlist.json").exists()
    assert cli.json("persons", "show", ids["young"])["doses"] == []
    assert len(cli.json("persons", "search", "Schulz")) == 1
    assert [d["dose_number"] for d in cli.json("persons", "show", ids["complete"])["doses"]] \
        == [1, 2]


def test_usage_errors_exit_2(prepared: tuple[Cli, Prepared]) -> None:
    cli = prepared[0]
    result = cli.run("checkin", "E-1", "--ticket", "IMPFTEAM-T1:E-1:3")  # without --person
    assert result.returncode == 2 and "Aufruffehler" in result.stderr
