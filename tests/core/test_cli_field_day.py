"""Issue 11, headless field day: a whole day through ``main.py`` from imported master data.

The real CLI runs in a subprocess with ``IMPFTEAM_TODAY=2021-12-01`` (the visit's date),
so the STIKO rules of that day apply: a 26-year-old gets Comirnaty 1/2, never Spikevax.
The helpers here are shared with test_cli_field_refusals.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl

from core.security.permissions import ALL_ROLES
from tests.cli_env import TEST_ADMIN, cli_env, ensure_admin, grant

ROOT = Path(__file__).resolve().parents[2]
DAY = "2021-12-01"

STAFF = [  # ID, Nachname, Vorname, Rolle, Benutzername, Einsatz-IDs
    ["P-1", "Wagner", "Eva", "Arzt", "e.wagner", "E-1"],
    ["P-2", "Koch", "Tim", "Impfend", "t.koch", "E-1"],
    ["P-3", "Ünal", "Deniz", "Verwaltung", "d.unal", "E-1"],
    ["P-4", "Berg", "Lena", "Leitung", "l.berg", "E-1"],
    ["P-5", "Yılmaz", "Ayşe", "Impfend", "a.yilmaz", ""],
]


def write_masterdata(path: Path, extra_visits: bool = False) -> Path:
    """The Impfzentrum's workbook: a site, the visit on DAY (geplant), staff, lots."""
    visits = [["E-1", "S-1", "01.12.2021", "09:00", "15:30", 120, "geplant"]]
    lots = [["Comirnaty", "FK1234", "31.03.2022", 60, "E-1"],
            ["Spikevax", "SPX77", "31.03.2022", 30, "E-1"]]
    staff = [list(row) for row in STAFF]
    if extra_visits:  # tomorrow's visit, and one today that nobody starts
        for row in staff[:2]:  # the physician and the vaccinator work on all three
            row[5] = "E-1, E-2, E-3"
        visits += [["E-2", "S-1", "02.12.2021", "09:00", "15:30", 80, "geplant"],
                   ["E-3", "S-2", "01.12.2021", "10:00", "14:00", 40, "geplant"]]
        lots += [["Comirnaty", "FK1234", "31.03.2022", 20, "E-2"],
                 ["EU/1/20/1528", "FK1234", "31.03.2022", 20, "E-3"],
                 ["Comirnaty", "FA0001", "30.11.2021", 10, ""]]  # expired before the day
    sheets: dict[str, tuple[list[str], list[list[Any]]]] = {
        "Standorte": (["ID", "Name", "Art", "Straße", "PLZ", "Ort", "Kreis (AGS)",
                       "Ansprechperson", "Telefon"], [
            ["S-1", "Jobcenter Bielefeld", "Jobcenter", "Herforder Str. 67", "33602",
             "Bielefeld", "05711", "Frau Özdemir", "0521 1234"],
            ["S-2", "Bürgerhaus Gütersloh", "Kommunale Liegenschaft", "Berliner Str. 1",
             "33330", "Gütersloh", "05754", "", ""]]),
        "Einsaetze": (["ID", "Standort-ID", "Datum", "Beginn", "Ende", "Kapazität", "Status"],
                      visits),
        "Personal": (["ID", "Nachname", "Vorname", "Rolle", "Benutzername", "Einsatz-IDs"],
                     staff),
        "Chargen": (["Produkt", "Charge", "Verfallsdatum", "Dosen", "Einsatz-ID"], lots),
    }
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


class Cli:
    """``main.py --db DB --user U ARGS`` with a fixed day and its own data dir.

    The database gets the test admin (tests/cli_env.py); ``imported`` gives every staff
    login of the workbook an account, so each command signs in as its user.
    """

    def __init__(self, db: Path, home: Path, today: str = DAY) -> None:
        self.db, self.env = db, cli_env()
        self.env.update(IMPFTEAM_TODAY=today, IMPFTEAM_HOME=str(home),
                        XDG_CONFIG_HOME=str(home / "config"), QT_QPA_PLATFORM="offscreen")
        ensure_admin(db)

    def run(self, *args: str, user: str = "t.koch", db: Path | None = None,
            stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "main.py", "--db", str(db or self.db), "--user", user,
                   *args]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, input=stdin,
                              env=self.env, check=False, timeout=120)

    def json(self, *args: str, **kw: Any) -> Any:
        result = self.run(*args, "--json", **kw)
        assert result.returncode == 0, result.stderr
        assert result.stderr == "", result.stderr
        return json.loads(result.stdout)

    def refused(self, *args: str, **kw: Any) -> str:
        """Exit 1, nothing on stdout, exactly one German line on stderr; returns it."""
        result = self.run(*args, "--json", **kw)
        assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Fehler: "), result.stderr
        assert "Traceback" not in result.stderr
        return lines[0]


def imported(cli: Cli, book: Path, all_roles: tuple[str, ...] = ()) -> None:
    """Import the workbook (as the admin) and give its staff accounts (their own role;
    the logins in ``all_roles`` every role)."""
    report = cli.json("import", "masterdata", str(book), user=TEST_ADMIN)
    assert report["ok"], report["errors"]
    assert report["created"]["visit"] >= 1 and report["created"]["staff"] == 5
    grant(cli.db, *all_roles, roles=ALL_ROLES)
    grant(cli.db, *(row[4] for row in STAFF if row[4] not in all_roles))


def consent_args(form: dict[str, Any]) -> list[str]:
    return ["--form", f"{form['id']}:{form['version']}", "--consent", "all"]


def test_a_whole_field_day_headless(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "feld.sqlite", tmp_path / "home")
    imported(cli, write_masterdata(tmp_path / "stammdaten.xlsx"))

    # -- staff and the visit ----------------------------------------------------------------
    staff = cli.json("staff", "list")
    assert {s["login"] for s in staff} == {row[4] for row in STAFF}
    assert set(staff[0]) == {"id", "login", "family_name", "given_name", "role"}
    by_login = {s["login"]: s["id"] for s in staff}
    assert [s["login"] for s in cli.json("staff", "list", "--role", "arzt")] == ["e.wagner"]

    visit = cli.json("visits", "show", "E-1")
    assert visit["external_id"] == "E-1" and visit["date"] == DAY
    assert visit["status"] == "geplant" and visit["doses_given"] == 0
    assert {m["login"] for m in visit["team"]} == {"e.wagner", "t.koch", "d.unal", "l.berg"}
    assert set(visit["team"][0]) >= {"id", "login", "name", "role"}
    lots = {lot["number"]: lot for lot in visit["lots"]}
    assert set(lots) == {"FK1234", "SPX77"}
    assert set(lots["FK1234"]) >= {"id", "number", "product", "expiry", "doses_left"}
    assert lots["FK1234"]["product"] == "EU/1/20/1528" and lots["FK1234"]["doses_left"] == 60
    started = cli.json("visits", "start", visit["id"], user="l.berg")
    assert started["status"] == "aktiv" and started["team"] == visit["team"]

    # -- registration: duplicate refused, then confirmed -------------------------------------
    lena = cli.json("persons", "add", "--family", "Schulz", "--given", "Lena", "--birth",
                    "01.03.1995", "--plz", "33602", "--city", "Bielefeld", user="d.unal")
    assert lena["duplicates"] == []
    line = cli.refused("persons", "add", "--family", "Schulz", "--given", "Lena", "--birth",
                       "1995-03-01", user="d.unal")
    assert "Schulz, Lena" in line and lena["person_id"] in line and "--force-duplicate" in line
    twin = cli.json("persons", "add", "--family", "Schulz", "--given", "Lena", "--birth",
                    "1995-03-01", "--force-duplicate", user="d.unal")
    assert twin["person_id"] != lena["person_id"]
    assert [d["id"] for d in twin["duplicates"]] == [lena["person_id"]]
    assert twin["duplicates"][0]["score"] >= 90
    ali = cli.json("persons", "add", "--family", "Demir", "--given", "Ali", "--birth",
                   "12.05.1960", "--target-group", "jobcenter_personal", user="d.unal")

    # -- check-in by person and by ticket ----------------------------------------------------
    first = cli.json("checkin", visit["id"], "--person", lena["person_id"], user="d.unal")
    assert first == {"person_id": lena["person_id"], "queue_number": 1, "registered": False,
                     "adopted_doses": 0, "skipped": []}
    ticket = cli.json("checkin", "E-1", "--ticket", f"IMPFTEAM-T1:{visit['id']}:7",
                      "--person", ali["person_id"], user="d.unal")
    assert ticket["queue_number"] == 7 and ticket["person_id"] == ali["person_id"]

    # -- check-in by certificate: issued elsewhere, its holder unknown here -------------------
    keys = tmp_path / "keys"
    other = tmp_path / "anderes_team.sqlite"
    assert cli.run("keys", "training", "--out", str(keys)).returncode == 0
    ensure_admin(other)
    holder = cli.json("persons", "add", "--family", "Papadopoulou", "--given", "Eleni",
                      "--birth", "1988-07-09", db=other, user=TEST_ADMIN)
    earlier = cli.json("dose", "backentry", "--person", holder["person_id"], "--date",
                       "2021-06-01", "--product", "Comirnaty", "--dose", "2", "--of", "2",
                       "--lot", "FC3184", "--source", "nachtrag_impfpass", db=other,
                       user=TEST_ADMIN)
    issued = cli.json("certificate", earlier["id"], "--key", str(keys / "dsc.key.pem"),
                      "--cert", str(keys / "dsc.pem"), "--out", str(tmp_path / "z.txt"),
                      db=other, user=TEST_ADMIN)
    assert issued["hc1"].startswith("HC1:")
    trusted = cli.json("keys", "trust", str(keys / "trustlist.json"), user=TEST_ADMIN)
    assert trusted["certificates"] == 1 and trusted["list_date"]
    assert cli.json("verify", str(tmp_path / "z.txt"))["signature"] == "valid"
    by_cert = cli.json("checkin", visit["id"], "--hc1", str(tmp_path / "z.txt"),
                       "--register", user="d.unal")
    assert by_cert["registered"] is True and by_cert["adopted_doses"] == 1
    assert by_cert["queue_number"] == 8
    eleni = cli.json("persons", "show", by_cert["person_id"])
    assert (eleni["person"]["family_name"], eleni["person"]["birth_date"]) \
        == ("Papadopoulou", "1988-07-09")
    [adopted] = eleni["doses"]
    assert (adopted["source"], adopted["date"], adopted["dose_number"],
            adopted["series_total"]) == ("nachtrag_zertifikat", "2021-06-01", 2, 2)
    assert eleni["status"]["covid19"]["status"] == "geimpft"
    again = cli.json("checkin", visit["id"], "--hc1", "-", stdin=issued["hc1"], user="d.unal")
    assert again["person_id"] == by_cert["person_id"] and again["registered"] is False

    # -- the dose form and a dose ------------------------------------------------------------
    suggestion = cli.json("dose", "suggest", "--person", lena["person_id"], "--visit", "E-1")
    assert suggestion["product"] == "EU/1/20/1528"  # not Spikevax for a 26-year-old
    assert suggestion["lot_id"] == lots["FK1234"]["id"]
    assert (suggestion["dose_number"], suggestion["series_total"], suggestion["booster"]) \
        == (1, 2, False)
    assert suggestion["warnings"] == [] and isinstance(suggestion["reasons"], list)
    form = suggestion["consent_form"]
    assert form["id"] == "aufklaerung_covid19" and form["items"]
    assert set(form["items"][0]) >= {"key", "text"}
    assert suggestion["defaults"] == {"indication": "alter", "injection_site": "oa_links"}
    assert suggestion["vaccinator_id"] == by_login["t.koch"]  # the --user, on the team
    assert suggestion["physician_id"] == by_login["e.wagner"]
    assert {q["key"] for q in suggestion["anamnesis"]} >= {"schwere_allergie"}
    spikevax = next(p for p in suggestion["products"] if p["product"] != "EU/1/20/1528")
    assert spikevax["warnings"]

    dose_args = ["dose", "record", "--person", lena["person_id"], "--visit", "E-1",
                 "--product", suggestion["product"], "--lot", suggestion["lot_id"],
                 "--vaccinator", "t.koch", "--physician", by_login["e.wagner"],
                 *consent_args(form)]
    dose = cli.json(*dose_args)
    assert set(dose) >= {"id", "date", "product", "dose_number", "series_total", "booster",
                         "lot_number", "visit_id", "source", "voided", "vaccinator_id",
                         "physician_id", "consent_items"}
    assert (dose["date"], dose["product"], dose["dose_number"], dose["series_total"],
            dose["booster"], dose["lot_number"], dose["visit_id"], dose["source"]) \
        == (DAY, "EU/1/20/1528", 1, 2, False, "FK1234", visit["id"], "verabreicht")
    assert dose["vaccinator_id"] == by_login["t.koch"]
    assert dose["physician_id"] == by_login["e.wagner"]
    assert dose["consent_items"] == [item["key"] for item in form["items"]]
    assert dose["form_version"] == f"{form['id']}:{form['version']}"
    assert dose["voided"] is False

    card = cli.json("persons", "show", lena["person_id"])
    assert set(card) == {"person", "doses", "status"}
    assert card["person"]["postcode"] == "33602" and card["person"]["sex"] == "u"
    assert [d["id"] for d in card["doses"]] == [dose["id"]]
    assert card["doses"][0]["consent_items"] == dose["consent_items"]
    assert card["status"]["on"] == DAY
    assert card["status"]["covid19"]["status"] == "unvollstaendig"
    assert cli.json("persons", "show", lena["person_id"], "--on", "30.11.2021")[
        "status"]["covid19"]["status"] == "ungeimpft"  # the dose lies after that day

    # -- void, undo ---------------------------------------------------------------------------
    voided = cli.json("dose", "void", dose["id"], "--reason", "Falsche Person gewählt",
                      user="l.berg")  # someone else's dose: the team lead voids it
    assert "Keine Berechtigung" in cli.refused("dose", "void", dose["id"], "--reason", "x",
                                               user="e.wagner")
    assert voided["voided"] is True and voided["void_reason"] == "Falsche Person gewählt"
    ali_dose = cli.json("dose", "record", "--person", ali["person_id"], "--visit", "E-1",
                        "--product", "Comirnaty", "--lot", "FK1234@Comirnaty",
                        "--vaccinator", "t.koch", "--physician", "e.wagner",
                        "--anamnesis", "schwere_allergie=nein", *consent_args(form))
    assert ali_dose["indication"] == "beruf"  # Jobcenter staff: vaccinated for their job
    assert "Rückgängig kann nur" in cli.refused("dose", "undo", ali_dose["id"],
                                                user="e.wagner")
    undone = cli.json("dose", "undo", ali_dose["id"])  # t.koch recorded it a moment ago
    assert undone["voided"] is True and undone["id"] == ali_dose["id"]

    # -- a stand-in joins the team, vaccinates, leaves -----------------------------------------
    assert "gehört nicht zum Team" in cli.refused(*dose_args[:10], "--vaccinator",
                                                  "a.yilmaz", "--physician", "e.wagner",
                                                  *consent_args(form))
    team = cli.json("visits", "member", "add", "E-1", "a.yilmaz", user="l.berg")
    assert {"id": by_login["a.yilmaz"], "login": "a.yilmaz", "role": "impfend"}.items() \
        <= next(m for m in team if m["login"] == "a.yilmaz").items()
    stand_in = cli.json(*dose_args[:10], "--vaccinator", "a.yilmaz", "--physician",
                        "e.wagner", *consent_args(form), user="a.yilmaz")
    assert stand_in["vaccinator_id"] == by_login["a.yilmaz"] and stand_in["dose_number"] == 1
    team = cli.json("visits", "member", "remove", "E-1", by_login["a.yilmaz"], user="l.berg")
    assert "a.yilmaz" not in {m["login"] for m in team} and len(team) == 4

    # -- a back-entry from the Impfpass --------------------------------------------------------
    back = cli.json("dose", "backentry", "--person", ali["person_id"], "--date", "01.07.2021",
                    "--product", "Vaxzevria", "--dose", "1", "--of", "2", "--lot", "ABV5300",
                    "--source", "nachtrag_impfpass", user="d.unal")
    assert (back["source"], back["date"], back["dose_number"], back["visit_id"]) \
        == ("nachtrag_impfpass", "2021-07-01", 1, None)

    # -- closing the visit; no dose afterwards -------------------------------------------------
    closed = cli.json("visits", "close", "E-1", "--discard", "FK1234=2:Rest",
                      "--discard", "SPX77@Spikevax=0", user="l.berg")
    assert set(closed) == {"doses_by_product", "lots", "voided", "discards"}
    assert closed["doses_by_product"] == {"Comirnaty": 1}
    assert closed["voided"] == 2
    assert closed["discards"] == [{"lot_id": lots["FK1234"]["id"], "doses": 2,
                                   "reason": "Rest"}]
    fk = next(lot for lot in closed["lots"] if lot["number"] == "FK1234")
    assert (fk["used"], fk["discarded"], fk["left"]) == (1, 2, 57)
    assert cli.json("visits", "show", "E-1")["status"] == "abgeschlossen"
    assert "abgeschlossen" in cli.refused(*dose_args[:3], twin["person_id"],
                                          *dose_args[4:])


def test_human_readable_output_is_german(tmp_path: Path) -> None:
    """Without --json the commands print German text (one run each, no JSON)."""
    cli = Cli(tmp_path / "feld.sqlite", tmp_path / "home")
    imported(cli, write_masterdata(tmp_path / "stammdaten.xlsx"))
    shown = cli.run("visits", "show", "E-1")
    assert shown.returncode == 0 and "Jobcenter Bielefeld" in shown.stdout
    assert "Team:" in shown.stdout and "FK1234" in shown.stdout
    listed = cli.run("staff", "list", "--role", "impfend")
    assert listed.returncode == 0 and "Koch, Tim" in listed.stdout
