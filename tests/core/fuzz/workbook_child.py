"""The workbook and zip fuzzers, run in a child process under an address-space cap.

``python -c "…; from tests.core.fuzz.workbook_child import run; run(…)"`` is started by
``test_fuzz_workbooks.py`` with ``RLIMIT_AS`` set, because calamine (Rust) aborts the
whole process when an allocation fails: in-process that would take pytest down with it.
Each input is written to a file and imported with ``import_masterdata``; it must either
succeed or be refused with a ``UserError``, and a refused import must leave every table
of the database exactly as it was (no partial write). Prints one JSON line with counts.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import sys
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from core.db.engine import Database
from core.errors import UserError
from core.exchange.masterdata import import_masterdata
from core.exchange.xlsx_read import check_workbook
from core.services.context import Actor
from tests.core.fuzz.conftest import fuzz_settings

GOOD: dict[str, tuple[list[str], list[list[Any]]]] = {
    "Standorte": (["ID", "Name", "Art", "Straße", "PLZ", "Ort", "Kreis (AGS)",
                   "Ansprechperson", "Telefon"],
                  [["S-1", "Jobcenter Bielefeld", "Jobcenter", "Herforder Str. 67", "33602",
                    "Bielefeld", "05711", "Frau Özdemir", "0521 1234"]]),
    "Einsaetze": (["ID", "Standort-ID", "Datum", "Beginn", "Ende", "Kapazität", "Status"],
                  [["E-1", "S-1", "01.12.2021", "09:00", "15:30", 120, "geplant"],
                   ["E-2", "S-1", date(2021, 12, 2), time(9), time(15), 80, ""]]),
    "Personal": (["ID", "Nachname", "Vorname", "Rolle", "Benutzername", "Einsatz-IDs"],
                 [["P-1", "Wagner", "Eva", "Arzt", "e.wagner", "E-1"],
                  ["P-2", "Koch", "Tim", "Impfend", "t.koch", "E-1, E-2"]]),
    "Chargen": (["Produkt", "Charge", "Verfallsdatum", "Dosen", "Einsatz-ID"],
                [["Comirnaty", "FK1234", "31.03.2022", 60, "E-1"],
                 ["EU/1/20/1507", "SPX77", date(2022, 3, 31), 30, "E-2"]]),
}

ODD: list[Any] = [
    "", " ", None, 0, -1, 1.5, 1e308, -1e308, 2**53 + 1, True, False, "=1+1", "@SUM(A1)",
    "x" * 32_767, "ä" * 300, "\r\n", "\x01\x02", "31.02.2021", "9999-12-31", "01.01.0001",
    "25:61", "9 Uhr", "E-1", "E-1, E-1", "S-1", "Jobcenter", "Arzt", "Comirnaty",
    "EU/1/20/9999", "05711", "99999", "1067", "aktiv", "abgeschlossen", date(1900, 1, 1),
    datetime(2021, 12, 1, 9, 0), time(23, 59), 2958465, -5, 0.999999, "١٢٣", "‮RTL",
]


def workbook_bytes(rng: random.Random) -> bytes:
    """The good workbook with 0–3 random changes: an odd cell, an odd row, a renamed
    header, a missing or renamed sheet, a far-away cell (xlsxwriter, in memory)."""
    import xlsxwriter

    grids = {name: [list(header)] + [list(r) for r in rows]
             for name, (header, rows) in GOOD.items()}
    names = {name: name for name in GOOD}
    far: dict[str, tuple[int, int]] = {}
    for _ in range(rng.choice([0, 0, 0, 1, 1, 2, 3])):
        sheet = rng.choice(list(grids))
        grid = grids[sheet]
        kind = rng.choice(["cell", "cell", "cell", "cell", "row", "header", "sheet", "far"])
        if kind == "cell":
            grid[1 + rng.randrange(len(grid) - 1)][rng.randrange(len(grid[0]))] = \
                rng.choice(ODD)
        elif kind == "row":
            grid.append([rng.choice(ODD) for _ in grid[0]])
        elif kind == "header":
            grid[0][rng.randrange(len(grid[0]))] = rng.choice(["", "Datum", "X", "ID", "ＩＤ"])
        elif kind == "sheet":
            names[sheet] = rng.choice(["", sheet.upper() + " ", "Tabelle1"])
        else:  # XFD1048576 itself comes from mutate_bytes (xlsxwriter would need GBs)
            far[sheet] = rng.choice([(3_000, 50), (5_000, 400)])
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "nan_inf_to_errors": True})
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    for sheet, grid in grids.items():
        if not names[sheet]:
            continue  # the sheet is missing
        target = book.add_worksheet(names[sheet])
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if isinstance(value, datetime | date | time):
                    target.write_datetime(r, c, value, day)
                elif value is not None:
                    target.write(r, c, value)
        if sheet in far:
            target.write(*far[sheet], "weit weg")
    book.close()
    return out.getvalue()


def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    """Byte-level damage: flips, cuts, splices, or one member's XML rewritten."""
    kind = rng.choice(["flip", "cut", "splice", "xml", "xml", "member"])
    raw = bytearray(data)
    if kind == "flip":
        for _ in range(rng.randint(1, 8)):
            raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
        return bytes(raw)
    if kind == "cut":
        return bytes(raw[:rng.randrange(len(raw))])
    if kind == "splice":
        start = rng.randrange(len(raw))
        return bytes(raw[:start] + raw[rng.randrange(len(raw)):][:rng.randint(1, 500)]
                     + raw[start:])
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    target_name = rng.choice([n for n in names if n.endswith(".xml")] or names)
    content = source.read(target_name)
    if kind == "xml":
        xml = bytearray(content)
        for _ in range(rng.randint(1, 6)):
            pos = rng.randrange(len(xml))
            xml[pos:pos] = rng.choice([b'r="XFD1048576"', b'r="A99999999999"', b"<c><v>1</v></c>",
                                       b'<row r="1048576">', b"</row>", b"<", b"&#0;",
                                       b'<c r="ZZZZ1" t="s"><v>999999</v></c>', b"\x00",
                                       b'<si><t>' + b"A" * 1000 + b"</t></si>"])
        content = bytes(xml)
    else:
        content = rng.randbytes(rng.randint(0, 3000))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename,
                            content if info.filename == target_name else source.read(info))
    return out.getvalue()


def admin(session: Any) -> Actor:
    """An actor allowed to import (with roles once the permission table is in core)."""
    try:
        return Actor.for_session(session, "fuzz", roles=("admin",))  # type: ignore[call-arg]
    except TypeError:
        return Actor.for_session(session, "fuzz")


class Runner:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.db = Database.open(str(workdir / "fuzz.sqlite"))
        self.counts = {"inputs": 0, "imported": 0, "refused": 0}
        self.good = workbook_bytes(random.Random(0))

    def tables(self) -> dict[str, int]:
        with self.db.engine.connect() as conn:
            names = [row[0] for row in conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'table'"))]
            return {n: int(conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar() or 0)
                    for n in names}

    def one(self, data: bytes, dry_run: bool) -> None:
        self.counts["inputs"] += 1
        path = self.workdir / "stammdaten.xlsx"
        path.write_bytes(data)
        before = self.tables()
        try:
            with self.db.session() as session:
                import_masterdata(session, admin(session), path, dry_run=dry_run)
        except UserError as exc:
            assert exc.message and "\n" not in exc.message.strip(), exc.message
            self.counts["refused"] += 1
            after = self.tables()
            assert after == before, ("partial write", before, after)
            return
        self.counts["imported"] += 1
        if dry_run:
            assert self.tables() == before, "dry run wrote"


def run(cells: int, damaged: int, workdir: str) -> None:
    try:  # the cap is really there: 600 MB cannot be had under RLIMIT_AS = 512 MB
        bytearray(600 * 1024 * 1024)
    except MemoryError:
        pass
    else:
        raise AssertionError("no address-space cap in the fuzz child")
    runner = Runner(Path(workdir))

    @fuzz_settings(cells)
    @given(seed=st.integers(0, 2**32), dry_run=st.booleans())
    def cell_inputs(seed: int, dry_run: bool) -> None:
        runner.one(workbook_bytes(random.Random(seed)), dry_run)

    @fuzz_settings(damaged)
    @given(seed=st.integers(0, 2**32))
    def damaged_inputs(seed: int) -> None:
        rng = random.Random(seed)
        data = mutate_bytes(rng, runner.good)
        with contextlib.suppress(UserError):  # the check alone: refuse or pass, no crash
            check_workbook(data, "Stammdaten", "x.xlsx")
        runner.one(data, rng.random() < 0.5)

    cell_inputs()
    first = dict(runner.counts)
    damaged_inputs()
    result = {"cells": first["inputs"], "damaged": runner.counts["inputs"] - first["inputs"],
              **runner.counts}
    sys.stdout.write(json.dumps(result) + "\n")
    runner.db.dispose()
