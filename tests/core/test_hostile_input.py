"""Issue 12 §7, hostile input: one test per crash found, each failing without its fix.

Whatever the input, the CLI ends with exit 0/1/2, one German line on stderr and never a
traceback; memory and time stay bounded. Processes that could abort or hang without the
fix run as subprocesses (with a timeout and an address-space cap); the rest run
``core.cli.main`` in-process.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
import zlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import cbor2
import pytest
from sqlalchemy import func, select, text

from core.certificates.codec import encode_hc1
from core.cli import main
from core.db.engine import Database, connect_sqlite_file
from core.db.models import Lot, Person, Staff, Vaccination
from core.errors import UserError, ValidationError
from core.services.context import Actor
from tests.cli_env import signed_db
from tests.conftest import TODAY, World

ROOT = Path(__file__).resolve().parents[2]
#: address space for the subprocess cases (Python + SQLAlchemy + calamine need ~250 MB)
MEMORY_CAP = 768 * 1024 * 1024


def run_cli(*args: str, stdin: Any = None, timeout: float = 60, cap: int | None = MEMORY_CAP,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """``main.py ARGS`` in a child with RLIMIT_AS=cap (no preexec_fn when cap is None)."""
    code = ("import resource, sys, runpy\n"
            f"cap = {cap!r}\n"
            "if cap: resource.setrlimit(resource.RLIMIT_AS, (cap, cap))\n"
            "sys.argv = ['main.py', *sys.argv[1:]]\n"
            "runpy.run_path('main.py', run_name='__main__')\n")
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True,
                          stdin=stdin, timeout=timeout, check=False,
                          env={**os.environ, **(env or {})})


def read_workbook_capped(path: Path, cap: int = MEMORY_CAP) -> str:
    """``read_masterdata(path)`` in a child under RLIMIT_AS; returns the German refusal.

    The reading step is where the file is checked (before any database or sign-in), and
    without the checks calamine aborts the whole process, so it runs in a child.
    """
    code = ("import resource, sys\n"
            f"resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))\n"
            "from pathlib import Path\n"
            "from core.errors import UserError\n"
            "from core.exchange.common import ImportReport\n"
            "from core.exchange.masterdata_read import read_masterdata\n"
            "try:\n"
            f"    read_masterdata(Path({str(path)!r}), ImportReport())\n"
            "except UserError as exc:\n"
            "    print(exc.message)\n"
            "else:\n"
            "    sys.exit(3)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "panicked" not in result.stderr
    return result.stdout.strip()


def german_refusal(result: subprocess.CompletedProcess[bytes]) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 1, (result.returncode, err[-2000:])
    assert "Traceback" not in err and "panicked" not in err, err[-2000:]
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fehler: "), err[-2000:]
    return lines[0]


def in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def strict_json(text_: str) -> Any:
    def refuse(name: str) -> Any:
        raise AssertionError(f"not JSON: {name}")

    return json.loads(text_, parse_constant=refuse)


def hc1_of_claims(claims: bytes) -> str:
    return encode_hc1(cbor2.dumps(cbor2.CBORTag(18, [b"", {}, claims, b""])))


# --- verify ------------------------------------------------------------------------------

#: {-260: {1: 28({"v": 29(0)})}}: the hcert refers to itself (tags 28/29, shared values)
CYCLIC_CLAIMS = bytes([0xA1, 0x39, 0x01, 0x03, 0xA1, 0x01, 0xD8, 0x1C, 0xA1, 0x61, 0x76,
                       0xD8, 0x1D, 0x00])


DEEP: Any = [1]
for _level in range(30):
    DEEP = [DEEP]


@pytest.mark.parametrize("claims", [
    CYCLIC_CLAIMS,
    cbor2.dumps({-260: {1: {"ver": "1.3.0", "dob": 10**5000}}}),  # > 4,300 digits
    cbor2.dumps({-260: {1: {"ver": "1.3.0", "nam": {10**5000: "x"}}}}),
    cbor2.dumps({-260: {1: {"ver": "1.3.0", "v": DEEP}}}),
], ids=["cyclic", "huge-int", "huge-int-key", "deep"])
def test_verify_hostile_cbor_gives_a_result_not_a_crash(
        claims: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    code_text = hc1_of_claims(claims)
    assert len(code_text) < 2500
    code, out, _ = in_process(capsys, "verify", code_text, "--json")
    assert code == 0
    result = strict_json(out)
    assert result["status"] == "ungueltig" and not result["decoded"]
    assert "unzulässige Struktur" in result["errors"][0]


def test_a_75_character_cyclic_code_is_short() -> None:
    assert len(hc1_of_claims(CYCLIC_CLAIMS)) <= 75


def test_verify_json_never_prints_nan(capsys: pytest.CaptureFixture[str]) -> None:
    claims = cbor2.dumps({1: "DE", 4: float("nan"), 6: float("inf"),
                          -260: {1: {"ver": float("nan"), "x": [float("-inf"), 1.5]}}})
    code, out, _ = in_process(capsys, "verify", hc1_of_claims(claims), "--json")
    assert code == 0
    result = strict_json(out)  # NaN/Infinity are not JSON
    assert result["payload"] == {"ver": None, "x": [None, 1.5]}


def _genuine_code_with_long_segment() -> str:
    """A correctly signed code with a ``/``-free run over 255 characters (0.4 % of codes)."""
    import random

    from tests.core.certificates.helpers import VACCINATION, signed, training

    identity = training()
    rng = random.Random(12)
    for _ in range(5000):
        payload = json.loads(json.dumps(VACCINATION))
        letters = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(
            rng.randint(3, 40)))
        payload["nam"]["gn"] = payload["nam"]["gnt"] = letters
        payload["v"][0]["ci"] = f"URN:UVCI:01DE/IZ/{rng.randrange(10**12)}#A"
        code_text = signed(payload, identity)
        if max(len(part) for part in code_text.split("/")) > 255:
            return code_text
    raise AssertionError("no such code in 5000 tries")


def test_verify_genuine_code_as_argument_is_never_a_file_name(
        capsys: pytest.CaptureFixture[str]) -> None:
    code_text = _genuine_code_with_long_segment()
    code, out, _ = in_process(capsys, "verify", code_text, "--json")
    assert code == 0
    result = strict_json(out)
    assert result["decoded"] and result["payload"]["v"][0]["ci"].startswith("URN:UVCI")


def test_verify_long_non_code_argument(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = in_process(capsys, "verify", "x" * 5000, "--json")
    assert code == 0 and strict_json(out)["status"] == "kein_code"


def test_checkin_code_text_too_long_for_a_file_name() -> None:
    from core.commands.common import read_code_text

    assert read_code_text("y" * 5000, "--hc1") == "y" * 5000  # was OSError: name too long


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_verify_device_file_is_refused(device: str) -> None:
    line = german_refusal(run_cli("verify", device, "--json", timeout=30))
    assert "keine normale Datei" in line


@pytest.mark.parametrize("command", [["verify", "-"], ["status", "-"]])
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_endless_stdin_is_cut_off(command: list[str], device: str) -> None:
    with open(device, "rb") as endless:
        line = german_refusal(run_cli(*command, "--json", stdin=endless, timeout=60))
    assert "größer als" in line


def test_fifo_input_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "code.txt"
    os.mkfifo(fifo)
    for command in (["verify", str(fifo)], ["status", str(fifo)]):
        line = german_refusal(run_cli(*command, timeout=30))
        assert "keine normale Datei" in line


def test_verify_large_text_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "code.txt"
    big.write_text("HC1:" + "A" * 100_000)
    line = german_refusal(run_cli("verify", str(big)))
    assert "größer als 64 KB" in line


def test_verify_image_bomb_header_is_refused_before_decoding(tmp_path: Path) -> None:
    from PIL import Image

    picture = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(picture, "PNG")  # 144 MP, a few kB of PNG
    path = tmp_path / "bomb.png"
    path.write_bytes(picture.getvalue())
    result = run_cli("verify", str(path), "--json", cap=MEMORY_CAP)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "zu groß" in strict_json(result.stdout.decode())["errors"][0]


# --- status ------------------------------------------------------------------------------

@pytest.mark.parametrize(("document", "expected"), [
    ('{"birth_date": "1990-01-01", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
     "zu tief verschachtelt"),
    ('{"birth_date": "1990-01-01", "x": ' + "[" * 40 + "]" * 40 + "}", "zu tief verschachtelt"),
    ('{"birth_date": "1990-01-01", "x": ' + "9" * 5000 + "}", "mehr als 4300 Ziffern"),
    ('{"birth_date": "1990-01-01", "x": NaN}', "ungültige Zahl"),
    ('{"birth_date": "9999-12-31"}', "birth_date: Das Jahr 9999"),
    ('{"birth_date": "1990-01-01", "vaccinations": [{"date": "9999-12-31", '
     '"product": "Comirnaty"}]}', "vaccinations[0].date: Das Jahr 9999"),
    ('{"birth_date": "1990-01-01", "tests": [{"at": "9999-12-31T23:59", "type": "PCR", '
     '"result": "negativ"}]}', "tests[0].at: Das Jahr 9999"),
    ('{"birth_date": "0001-01-01"}', "birth_date: Das Jahr 1"),
], ids=["deep-100000", "deep-40", "huge-int", "nan", "year-9999", "dose-9999", "test-9999",
        "year-1"])
def test_status_hostile_documents(document: str, expected: str, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "person.json"
    path.write_text(document)
    code, out, err = in_process(capsys, "status", str(path), "--on", "2021-12-20", "--json")
    assert code == 1 and out == ""
    assert err.startswith("Fehler: ") and expected in err, err


def test_status_evaluation_day_9999(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "person.json"
    path.write_text('{"birth_date": "1990-01-01", "vaccinations": '
                    '[{"date": "2021-06-01", "product": "Comirnaty"}]}')
    code, _, err = in_process(capsys, "status", str(path), "--on", "31.12.9999")
    assert code == 1 and "--on: Das Jahr 9999" in err


def test_status_device_is_refused() -> None:
    assert "keine normale Datei" in german_refusal(run_cli("status", "/dev/zero"))


# --- master data workbooks ---------------------------------------------------------------

def template_bytes(tmp_path: Path) -> bytes:
    from core.exchange.masterdata_template import write_template

    return write_template(tmp_path / "vorlage.xlsx").read_bytes()


def replace_member(book: bytes, name: str, content: bytes) -> bytes:
    """The workbook with member ``name`` replaced (deflated)."""
    source = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name
                            else source.read(info))
    return out.getvalue()


def raw_zip(name: str, raw_deflate: bytes, declared_size: int, crc: int) -> bytes:
    """A one-member zip written by hand, so the declared size can be anything."""
    encoded = name.encode()
    fields = (8, 0, 0x21, crc, len(raw_deflate), declared_size, len(encoded))
    local = b"PK\x03\x04" + (20).to_bytes(2, "little") + (0).to_bytes(2, "little") + \
        b"".join(v.to_bytes(n, "little") for v, n in zip(fields, (2, 2, 2, 4, 4, 4, 2),
                                                          strict=True)) + \
        (0).to_bytes(2, "little") + encoded
    central = b"PK\x01\x02" + (20).to_bytes(2, "little") + (20).to_bytes(2, "little") + \
        (0).to_bytes(2, "little") + \
        b"".join(v.to_bytes(n, "little") for v, n in zip(fields, (2, 2, 2, 4, 4, 4, 2),
                                                          strict=True)) + \
        bytes(12) + (0).to_bytes(4, "little") + encoded
    offset = len(local) + len(raw_deflate)
    end = b"PK\x05\x06" + bytes(4) + (1).to_bytes(2, "little") + (1).to_bytes(2, "little") + \
        len(central).to_bytes(4, "little") + offset.to_bytes(4, "little") + bytes(2)
    return local + raw_deflate + central + end


def deflate_raw(*blocks: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return b"".join(compressor.compress(block) for block in blocks) + compressor.flush()


def sheet_with(cells: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            f'{cells}</sheetData></worksheet>').encode()


def test_workbook_with_a_cell_at_xfd1048576_is_refused(tmp_path: Path) -> None:
    cells = ('<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c></row>'
             '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')
    book = replace_member(template_bytes(tmp_path), "xl/worksheets/sheet1.xml",
                          sheet_with(cells))
    assert len(book) < 10_000
    path = tmp_path / "stammdaten.xlsx"
    path.write_bytes(book)
    db = tmp_path / "db.sqlite"
    line = german_refusal(run_cli(*signed_db(db), "import", "masterdata", str(path)))
    assert "Zeile 1.048.576, Spalte 16.384" in line and "neue Arbeitsmappe" in line


def test_workbook_with_cells_without_reference_far_down_is_refused(tmp_path: Path) -> None:
    # no r= on the cells: calamine counts them along the row
    cells = '<row r="1048576">' + "<c><v>1</v></c>" * 5 + "</row>"
    book = replace_member(template_bytes(tmp_path), "xl/worksheets/sheet1.xml",
                          sheet_with('<row r="1"><c r="A1"><v>1</v></c></row>' + cells))
    from core.exchange.xlsx_read import WorkbookLimits, check_workbook

    with pytest.raises(UserError, match=r"Zeile 1\.048\.576"):
        check_workbook(book, "Stammdaten", "x.xlsx", WorkbookLimits(max_sheet_cells=1_000_000))


def test_styled_empty_cells_far_away_are_accepted(tmp_path: Path) -> None:
    from core.exchange.xlsx_read import check_workbook

    cells = ('<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c></row>'
             '<row r="1048576"><c r="XFD1048576" s="1"/></row>')
    book = replace_member(template_bytes(tmp_path), "xl/worksheets/sheet1.xml",
                          sheet_with(cells))
    check_workbook(book, "Stammdaten", "x.xlsx")  # calamine leaves such cells out


@pytest.fixture(scope="module")
def big_strings() -> bytes:
    """A valid shared-strings part of 1 GB (one string): a ~1 MB member when deflated."""
    head = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/' \
           b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
    return head + b"A" * (1024 * 1024 * 1024) + b"</t></si></sst>"


def test_zip_bomb_workbook_is_refused_within_the_memory_cap(
        tmp_path: Path, big_strings: bytes) -> None:
    book = replace_member(template_bytes(tmp_path), "xl/sharedStrings.xml", big_strings)
    assert len(book) < 2 * 1024 * 1024
    path = tmp_path / "bombe.xlsx"
    path.write_bytes(book)
    assert "entpackt größer als 100 MB" in read_workbook_capped(path)


def test_zip_member_lying_about_its_size_is_refused() -> None:
    from core.exchange.zip_limits import ZipLimitError, safe_member

    content = b"B" * 5_000_000
    honest = raw_zip("a.xml", deflate_raw(content), len(content), zlib.crc32(content))
    with zipfile.ZipFile(io.BytesIO(honest)) as source:
        assert safe_member(source, "a.xml", 5_000_000) == content
        with pytest.raises(ZipLimitError, match="größer als"):
            safe_member(source, "a.xml", 4_999_999)
    # says 1,000 bytes (with the CRC of those): zipfile alone would stop there unnoticed
    lying = raw_zip("a.xml", deflate_raw(content), 1_000, zlib.crc32(content[:1_000]))
    with zipfile.ZipFile(io.BytesIO(lying)) as source, \
            pytest.raises(ZipLimitError, match="größer als im Verzeichnis"):
        safe_member(source, "a.xml", 10_000_000)


def test_zip_bomb_member_is_streamed_not_kept() -> None:
    """256 MB of zeros from a 250 KB zip: refused at the cap, never held in memory."""
    import tracemalloc

    from core.exchange.zip_limits import ZipLimitError, stream_member

    block = bytes(64 * 1024 * 1024)
    raw = deflate_raw(block, block, block, block)
    assert len(raw) < 300_000
    bomb = raw_zip("bomb.bin", raw, 1_024, 0)
    del block
    tracemalloc.start()
    try:
        with zipfile.ZipFile(io.BytesIO(bomb)) as source, pytest.raises(ZipLimitError):
            for _ in stream_member(source, "bomb.bin", 100 * 1024 * 1024):
                pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, peak


def test_workbook_device_is_refused() -> None:
    assert "keine normale Datei" in read_workbook_capped(Path("/dev/zero"))


def test_refused_workbook_writes_nothing(db: Database, actor: Actor, tmp_path: Path) -> None:
    from core.exchange.masterdata import import_masterdata

    cells = ('<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c></row>'
             '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')
    path = tmp_path / "stammdaten.xlsx"
    path.write_bytes(replace_member(template_bytes(tmp_path), "xl/worksheets/sheet1.xml",
                                    sheet_with(cells)))
    before = table_counts(db)
    with db.session() as s, pytest.raises(UserError, match="neue Arbeitsmappe"):
        import_masterdata(s, actor, path)
    assert table_counts(db) == before


def table_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        names = [row[0] for row in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table'"))]
        return {name: int(conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar() or 0)
                for name in names}


# --- --db, demo, locked database, unexpected errors --------------------------------------

@pytest.mark.parametrize("url", ["mysql://u:p@localhost/x", "mssql+pyodbc://x", "oracle://",
                                 "postgres://u@h/x", "://"])
def test_unsupported_database_url(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = in_process(capsys, "--db", url, "--user", "t.test", "visits", "list")
    assert code == 1 and err.startswith("Fehler: --db: ") and len(err.splitlines()) == 1


def test_demo_only_on_an_empty_database(db_path: Path, db: Database, actor: Actor,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from core.services.staff import StaffInput, create_staff

    with db.session() as s:
        create_staff(s, actor, StaffInput("Wagner", "Eva", "arzt", "e.wagner"))
    before = table_counts(db)
    code, out, err = in_process(capsys, "--db", str(db_path), "demo", "--persons", "5",
                                "--seed", "3", "--json")
    assert code == 1 and out == "" and "nur in eine leere Datenbank" in err
    assert table_counts(db) == before


def test_demo_twice_with_the_same_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    path = str(tmp_path / "demo.sqlite")
    assert main(["--db", path, "demo", "--persons", "5", "--seed", "7"]) == 0
    capsys.readouterr()
    code, _, err = in_process(capsys, "--db", path, "demo", "--persons", "5", "--seed", "7")
    assert code == 1 and "leere Datenbank" in err
    database = Database.open(path)
    try:
        with database.session() as s:
            assert s.scalar(select(func.count()).select_from(Person)) == 5
    finally:
        database.dispose()


def _locked() -> Exception:
    from sqlalchemy.exc import OperationalError

    return OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))


def test_locked_database_read_only_command_is_retried_once(
        db_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import core.cli
    import core.commands.staff as staff

    calls: list[int] = []
    real = staff.run_list

    def flaky(ctx: Any) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise _locked()
        return real(ctx)

    flaky.__module__, flaky.__name__ = real.__module__, real.__name__
    monkeypatch.setattr(core.cli, "RETRY_PAUSE", 0.0)
    monkeypatch.setattr(staff, "run_list", flaky)
    code, out, _ = in_process(capsys, *signed_db(db_path), "staff", "list", "--json")
    assert code == 0 and strict_json(out) == [] and len(calls) == 2


def test_locked_database_write_gives_the_german_line(db_path: Path, tmp_path: Path) -> None:
    """A real lock: another connection holds the write lock for longer than busy_timeout."""
    signed = signed_db(db_path)  # before the lock: the sign-in needs the database
    holder = connect_sqlite_file(db_path)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE change_counter SET value = value")
    try:
        result = run_cli(*signed, "persons", "add",
                         "--family", "Wiśniewski", "--given", "Jan", "--birth", "07.03.1961",
                         timeout=90, cap=None)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    line = german_refusal(result)
    assert line == ("Fehler: Die Datenbank ist gerade belegt (z. B. durch einen Import). "
                    "Bitte gleich noch einmal versuchen.")


def test_unexpected_error_is_one_german_line_and_logged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import core.commands.verify as verify
    from core.logging_setup import log_path, shutdown_logging

    def broken(ctx: Any) -> int:
        raise RuntimeError("kaputt")

    monkeypatch.setattr(verify, "run", broken)
    shutdown_logging()
    try:
        code, out, err = in_process(capsys, "verify", "HC1:X")
        assert code == 1 and out == ""
        assert err == f"Unerwarteter Fehler – Details im Protokoll: {log_path()}\n"
        logged = log_path().read_text(encoding="utf-8")
        assert "Traceback" in logged and "RuntimeError: kaputt" in logged
    finally:
        shutdown_logging()


def test_unexpected_error_via_main_py_has_no_traceback_on_stderr(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = run_cli("status", str(tmp_path), env={"IMPFTEAM_HOME": str(home)})
    german_refusal(result)  # a directory: a plain refusal, and the log file exists
    assert (home / "logs").is_dir()


# --- lot numbers and the DIM export ------------------------------------------------------

@pytest.mark.parametrize("number", ["FK1\r\n=1+1", "FK\n1234", "FK\t1234", "FK\x001"])
def test_lot_number_with_line_break_is_refused(db: Database, actor: Actor, number: str) -> None:
    from core.services.lots import create_lot

    with db.session() as s, pytest.raises(ValidationError, match="Zeilenumbrüche"):
        create_lot(s, actor, "Comirnaty", number, TODAY + timedelta(days=30), 10)


def test_backentry_lot_number_with_line_break_is_refused(db: Database, actor: Actor,
                                                          world: World) -> None:
    from core.services.vaccinations import VaccinationInput, record_vaccination

    data = VaccinationInput(world.person_id, TODAY - timedelta(days=200), "Comirnaty", 1, 2,
                            lot_number="AB12\r\n=HYPERLINK(1)", source="nachtrag_impfpass")
    with db.session() as s, pytest.raises(ValidationError, match="Zeilenumbrüche"):
        record_vaccination(s, actor, data, TODAY)


def test_dim_line_never_starts_with_a_formula(db: Database, actor: Actor, world: World,
                                              tmp_path: Path) -> None:
    from core.exchange.dim_export import export_dim
    from core.services.vaccinations import VaccinationInput, record_vaccination

    with db.session() as s:  # a lot number stored before entry refused line breaks
        s.execute(text("UPDATE lot SET lot_number = :n WHERE id = :id"),
                  {"n": "FK1\r\n=cmd|' /C calc'!A0\n+1", "id": world.lot_id})
        record_vaccination(s, actor, VaccinationInput(
            world.person_id, TODAY, "Comirnaty", 1, 2, visit_id=world.visit_id,
            lot_id=world.lot_id, indication="beruf", physician_id=world.doctor_id,
            vaccinator_id=world.vaccinator_id, consent_recorded=True,
            anamnesis_recorded=True), TODAY)
    out = tmp_path / "dim.csv"
    with db.session() as s:
        assert export_dim(s, out, TODAY, TODAY).rows == 1
    raw = out.read_bytes().decode("utf-8")
    lines = raw.split("\r\n")
    assert len([line for line in lines if line]) == 2  # header + one record
    assert not any(line[:1] in "=+-@" and line for line in raw.replace("\r", "\n").split("\n"))
    assert "FK1 =cmd|' /C calc'!A0 +1" in raw


def test_lots_and_doses_untouched_by_refusals(db: Database, actor: Actor) -> None:
    from core.services.lots import create_lot

    with db.session() as s, pytest.raises(ValidationError):
        create_lot(s, actor, "Comirnaty", "X\nY", date(2030, 1, 1), 10)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Lot)) == 0
        assert s.scalar(select(func.count()).select_from(Vaccination)) == 0
        assert s.scalar(select(func.count()).select_from(Staff)) == 0
