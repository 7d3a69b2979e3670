"""Bad packages: a German message, exit 1, and the hub database untouched."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from core.cli import main
from core.db.engine import Database
from core.exchange.sync_export import export_sync
from tests.cli_env import full_actor, signed_db, with_admin
from tests.core.exchange.helpers import counts


@pytest.fixture
def package(team_a: Database, tmp_path: Path) -> Path:
    out = tmp_path / "team.zip"
    with team_a.session() as s:
        export_sync(s, full_actor(s, "leitung"), out)
    return out


def rebuild(src: Path, dst: Path, *, manifest: Callable[[dict], None] | None = None,
            data: Callable[[dict[str, list[list]]], None] | None = None,
            fix_checksum: bool = True, sign: bool = True) -> Path:
    """Copy a package, optionally editing the manifest and/or the data sheets.

    ``sign``: the new manifest is signed with this data dir's key, i.e. by the team's
    registered device itself (a device that writes bad data); without it the package
    keeps no signature (a forger without the key)."""
    with zipfile.ZipFile(src) as archive:
        meta = json.loads(archive.read("manifest.json"))
        raw = archive.read("data.xlsx")
    if data is not None:
        book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        sheets = {n: book.get_sheet_by_name(n).to_python() for n in book.sheet_names}
        data(sheets)
        buffer = io.BytesIO()
        wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
        for name, rows in sheets.items():
            ws = wb.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value != "":
                        ws.write(r, c, value)
        wb.close()
        raw = buffer.getvalue()
        if fix_checksum:
            meta["files"]["data.xlsx"]["sha256"] = hashlib.sha256(raw).hexdigest()
            meta["files"]["data.xlsx"]["bytes"] = len(raw)
    if manifest is not None:
        manifest(meta)
    raw_manifest = json.dumps(meta).encode("utf-8")
    with zipfile.ZipFile(dst, "w") as archive:
        archive.writestr("manifest.json", raw_manifest)
        if sign:
            from core.security.signing import sign_manifest

            archive.writestr("signature.json", json.dumps(sign_manifest(raw_manifest)))
        archive.writestr("data.xlsx", raw)
    return dst


def run_import(hub: Database, path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    before = counts(with_admin(hub))
    code = main([*signed_db(hub.sqlite_path), "import", "sync", str(path)])
    err = capsys.readouterr().err
    assert counts(hub) == before, "nothing may be applied"
    return code, err


def set_version(version: int) -> Callable[[dict], None]:
    def edit(meta: dict) -> None:
        meta["format_version"] = version
    return edit


def drop_sheet(sheets: dict) -> None:
    del sheets["person"]


def drop_column(sheets: dict) -> None:
    for row in sheets["vaccination"]:
        del row[3]


def bad_value(sheets: dict) -> None:
    header = sheets["vaccination"][0]
    sheets["vaccination"][1][header.index("dose_number")] = "zwei"


def lose_rows(sheets: dict) -> None:
    del sheets["vaccination"][-1]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


CASES = {
    "older format": (lambda p, d: rebuild(p, d, manifest=set_version(0)), "ältere Formatversion"),
    "newer format": (lambda p, d: rebuild(p, d, manifest=set_version(99)),
                     "neuere Formatversion"),
    "tampered data": (lambda p, d: rebuild(p, d, data=lambda s: s["person"][1].__setitem__(
        2, "X"), fix_checksum=False), "Prüfsumme"),
    "missing sheet": (lambda p, d: rebuild(p, d, data=drop_sheet), "Blatt „person“ fehlt"),
    "missing column": (lambda p, d: rebuild(p, d, data=drop_column), "fehlen die Spalten"),
    "bad cell": (lambda p, d: rebuild(p, d, data=bad_value), "Spalte „dose_number“"),
    "row count": (lambda p, d: rebuild(p, d, data=lose_rows), "laut Manifest"),
    "truncated": (lambda p, d: write(d, p.read_bytes()[: p.stat().st_size // 2]),
                  "keine ZIP-Datei oder ist unvollständig"),
    "not a zip": (lambda p, d: write(d, b"Hallo"),
                  "keine ZIP-Datei"),
    "xlsx instead of zip": (lambda p, d: write(d, zipfile.ZipFile(p).read("data.xlsx")),
                            "manifest.json fehlt"),
    "not our manifest": (lambda p, d: rebuild(p, d, manifest=lambda m: m.update(
        format="etwas anderes")), "kein Impfteam-Synchronisationspaket"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_package_is_refused_with_german_message(case: str, package: Path, hub: Database,
                                                    tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    make, expected = CASES[case]
    bad = make(package, tmp_path / "bad.zip")
    code, err = run_import(hub, bad, capsys)
    assert code == 1
    assert err.startswith("Fehler: ") and expected in err, err
    assert "Traceback" not in err


def test_missing_file(hub: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_import(hub, tmp_path / "gibtsnicht.zip", capsys)
    assert code == 1 and "gibt es nicht" in err


def test_json_report_on_errors(package: Path, hub: Database, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    bad = rebuild(package, tmp_path / "bad.zip", data=bad_value)
    assert main([*signed_db(hub.sqlite_path), "import", "sync", str(bad), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["created"] == {} and report["conflicts"] == 0
    assert report["errors"][0]["sheet"] == "vaccination"
    assert report["errors"][0]["row"] == 2 and report["errors"][0]["column"] == "dose_number"
    assert set(report) == {"ok", "created", "updated", "unchanged", "conflicts", "errors"}


def test_delta_without_its_predecessor_is_refused(team_a: Database, hub: Database,
                                                  tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy import select

    from core.db.models import Vaccination

    with team_a.session() as s:
        export_sync(s, full_actor(s, "l"), tmp_path / "first.zip")
        dose = s.scalars(select(Vaccination)).first()
        assert dose is not None
        dose.form_version = "2021-12"
    with team_a.session() as s:
        export_sync(s, full_actor(s, "l"), tmp_path / "second.zip")
    code, err = run_import(hub, tmp_path / "second.zip", capsys)
    assert code == 1 and "Datensatz fehlt hier" in err and "ältere Paket" in err


def test_cli_export_and_import_sync_json(team_a: Database, hub: Database, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.zip"
    assert main([*signed_db(team_a.sqlite_path), "export", "sync", "--out", str(out),
                 "--full", "--json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["full"] is True and exported["counts"]["vaccination"] > 0
    assert main([*signed_db(hub.sqlite_path), "import", "sync", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["created"]["vaccination"] == exported["counts"]["vaccination"]


def test_several_packages_in_one_import_all_or_nothing(
        team_b: Database, package: Path, hub: Database, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "b.zip"
    with team_b.session() as s:
        export_sync(s, full_actor(s, "leitung"), other)
    bad = rebuild(package, tmp_path / "bad.zip", data=bad_value)
    code, err = run_import_many(hub, [other, bad], capsys)
    assert code == 1 and "bad.zip: " in err  # the good first package is not kept either
    assert main([*signed_db(hub.sqlite_path), "import", "sync", str(package), str(other),
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    with team_b.engine.connect() as conn:
        from sqlalchemy import func, select

        from core.db.models import Vaccination
        b_doses = conn.execute(select(func.count()).select_from(Vaccination)).scalar()
    assert report["created"]["vaccination"] > int(b_doses or 0) > 0


def run_import_many(hub: Database, paths: list[Path],
                    capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    before = counts(with_admin(hub))
    code = main([*signed_db(hub.sqlite_path), "import", "sync", *map(str, paths)])
    err = capsys.readouterr().err
    assert counts(hub) == before, "nothing may be applied"
    return code, err


def test_broken_package_in_a_batch_gives_one_german_line_and_no_traceback(
        team_b: Database, package: Path, hub: Database, tmp_path: Path) -> None:
    """The reader process is already reading the next package when an earlier one
    fails; it must end quietly, not print a traceback about its closed pipe."""
    import subprocess
    import sys

    other = tmp_path / "b.zip"
    with team_b.session() as s:
        export_sync(s, full_actor(s, "leitung"), other)
    truncated = tmp_path / "kaputt.zip"
    truncated.write_bytes(package.read_bytes()[:3000])
    before = counts(with_admin(hub))
    root = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, str(root / "main.py"), *signed_db(hub.sqlite_path), "import",
         "sync", str(package), str(truncated), str(other), str(package)],
        capture_output=True, text=True, timeout=120, cwd=root)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("Fehler: kaputt.zip: ")
    assert counts(hub) == before
