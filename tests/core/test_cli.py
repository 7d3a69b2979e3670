"""The CLI contract: JSON shapes, exit codes, German one-line errors without traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli_env import cli_env

ROOT = Path(__file__).resolve().parents[2]
#: ``demo`` gives the literal login ``admin`` the password of IMPFTEAM_PASSWORD
USER = ["--user", "admin"]


def cli(*args: str, db: Path | None = None, stdin: str | None = None
        ) -> subprocess.CompletedProcess[str]:
    prefix = ["--db", str(db)] if db is not None else []
    return subprocess.run([sys.executable, "main.py", *prefix, *USER, *args], cwd=ROOT,
                          capture_output=True, text=True, input=stdin, check=False,
                          timeout=120, env=cli_env())


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite"
    result = cli("demo", "--persons", "300", "--seed", "3", "--json", db=path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["persons"] == 300 and report["doses"] > 300
    return path


def test_visits_list_json_shape(demo_db: Path) -> None:
    result = cli("visits", "list", "--json", db=demo_db)
    assert result.returncode == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    assert rows, "demo data has visits"
    assert set(rows[0]) == {"id", "external_id", "date", "start", "end", "site_id",
                            "site_name", "site_kind", "district_ags", "status",
                            "planned_capacity", "doses_given"}
    assert rows[0]["site_kind"] in {"jobcenter", "kommunal", "sonstige"}
    assert sum(r["doses_given"] for r in rows) > 300
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)


def test_visits_list_range_german_dates(demo_db: Path) -> None:
    everything = json.loads(cli("visits", "list", "--json", db=demo_db).stdout)
    day = everything[len(everything) // 2]["date"]
    german = f"{day[8:10]}.{day[5:7]}.{day[0:4]}"
    result = cli("visits", "list", "--from", german, "--to", day, "--json", db=demo_db)
    rows = json.loads(result.stdout)
    assert rows and {r["date"] for r in rows} == {day}


def test_persons_search_json_shape(demo_db: Path) -> None:
    result = cli("persons", "search", "Mül", "--limit", "5", "--json", db=demo_db)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert 0 < len(hits) <= 5
    assert set(hits[0]) == {"id", "family_name", "given_name", "birth_date", "postcode",
                            "score"}
    assert hits[0]["family_name"].startswith("Mül")


def test_demo_is_deterministic_with_seed(tmp_path: Path) -> None:
    outputs = []
    for name in ("a.sqlite", "b.sqlite"):
        cli("demo", "--persons", "50", "--seed", "11", db=tmp_path / name)
        outputs.append(cli("persons", "search", "a", "--limit", "50", "--json",
                           db=tmp_path / name).stdout)
    assert outputs[0] == outputs[1] and json.loads(outputs[0])


@pytest.mark.parametrize("args", [
    ("visits", "list", "--from", "31.02.2021"),
    ("visits", "list", "--from", "2021-12-20", "--to", "2021-12-01"),
    ("persons", "search", "x", "--birth", "morgen"),
    ("demo", "--persons", "0"),
])
def test_user_errors_exit_1_with_german_line(demo_db: Path, args: tuple[str, ...]) -> None:
    result = cli(*args, db=demo_db)
    assert result.returncode == 1
    assert result.stderr.startswith("Fehler: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_corrupt_database_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_text("kaputt")
    result = cli("visits", "list", "--json", db=bad)
    assert result.returncode == 1
    assert "keine Impfteam-Datenbank" in result.stderr and "Traceback" not in result.stderr
    assert bad.read_text() == "kaputt"


def test_usage_error_exit_2() -> None:
    assert cli("visits", "frobnicate").returncode == 2
    assert cli("no-such-command").returncode == 2


def test_default_db_lives_in_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMPFTEAM_HOME", str(tmp_path / "data"))
    assert cli("setup", "--admin", "admin").returncode == 0
    result = cli("visits", "list", "--json")
    assert result.returncode == 0 and json.loads(result.stdout) == []
    assert (tmp_path / "data" / "impfteam.sqlite").exists()


def test_selftest(tmp_path: Path) -> None:
    result = cli("selftest", "--json")
    report = json.loads(result.stdout)
    assert report["checks"]["resources"]["ok"] is True
    assert report["checks"]["database"]["ok"] is True
    assert result.returncode == (0 if report["ok"] else 1)


def test_demo_creates_accounts_marks_training_and_staffs_every_role(tmp_path: Path) -> None:
    db = tmp_path / "schulung.sqlite"
    env = {k: v for k, v in cli_env().items() if k != "IMPFTEAM_PASSWORD"}

    def run(*args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "main.py", "--db", str(db), *args], cwd=ROOT,
                              capture_output=True, text=True, check=False, timeout=120,
                              env=env | ({"IMPFTEAM_PASSWORD": password} if password else {}))

    made = run("demo", "--persons", "40", "--seed", "2", "--json")  # no --user: it makes them
    assert made.returncode == 0, made.stderr
    report = json.loads(made.stdout)
    assert report["admin_login"] == "admin" and report["persons"] == 40
    assert {"sites", "visits", "staff", "lots", "doses", "visits_today"} <= set(report)
    assert all(set(s) == {"id", "login", "roles"} for s in report["staff"])
    assert report["visits_today"]
    for visit in report["visits_today"]:
        assert sorted(m["role"] for m in visit["team"]) == sorted(
            ["arzt", "impfend", "verwaltung", "leitung", "admin"])
    # default password "training" for every demo login and for admin
    nurse = next(s["login"] for s in report["staff"] if s["roles"] == ["impfend"])
    for login in ("admin", nurse):
        ok = run("--user", login, "visits", "list", "--json", password="training")
        assert ok.returncode == 0, ok.stderr
    listing = json.loads(run("--user", "admin", "users", "list", "--json",
                             password="training").stdout)
    assert len(listing) == len(report["staff"]) + 1
    from core.db.engine import Database
    from core.settings import get_setting

    database = Database.open(str(db))
    with database.session() as s:
        assert get_setting(s, "training_data") == "ja"
    database.dispose()
    again = run("demo", "--persons", "40", "--seed", "2")
    assert again.returncode == 1 and again.stderr.startswith("Fehler: ")
    assert len(again.stderr.strip().splitlines()) == 1
