"""Fuzzing person documents (the ``status`` input) and the CLI's argument vectors.

Person JSON: random JSON, near-valid documents with wrong types, huge numbers, odd dates
and deep nesting go through ``decode_document`` → ``parse_person_document`` →
``evaluate_person``; the only exception allowed is ``UserError`` (German, one line).
CLI: argument vectors for ``core.cli.main`` in-process; the only way out is the return
code 0/1 or ``SystemExit`` 0/2 from argparse, stdout is JSON when ``--json`` succeeded,
stderr never holds a traceback.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import random
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.commands.status import decode_document
from core.errors import UserError
from core.rules import evaluate_person, format_status, parse_person_document
from tests.core.fuzz.conftest import TALLY, fuzz_settings

pytestmark = pytest.mark.usefixtures("timed", "memory_cap")

PRODUCTS = ["Comirnaty", "Spikevax", "EU/1/20/1528", "Vaxzevria", "Jcovden", "Nuvaxovid",
            "Priorix", "M-M-RVAXPRO", "comirnaty", "Sputnik", "", "EU/1/20/9999"]
DATES = ["2021-06-01", "01.06.2021", "2021-02-31", "31.02.2021", "9999-12-31", "0001-01-01",
         "1899-12-31", "2100-12-31", "2101-01-01", "2021-6-1", "1.6.21", "morgen", "",
         "2021-06-01T08:00", "2021-06-01 25:61", "2021-06-01T08:00:00+02:00", "٢٠٢١-٠٦-٠١",
         "2021-06-01\x00", " 2021-06-01 ", "1990-01-01"]


def random_json(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth >= 8 or roll < 0.5:
        return rng.choice([
            None, True, False, rng.randint(-10, 10), rng.randint(-(2**80), 2**80),
            rng.choice([0.5, -1e308, 1e308, math.nan, math.inf]), rng.choice(DATES),
            rng.choice(PRODUCTS), rng.choice(["negativ", "positiv", "PCR", "RAT", "NAAT",
                                              "immunitaet", "kontraindikation", "x"])])
    if roll < 0.75:
        return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = ["birth_date", "vaccinations", "infections", "tests", "measles_evidence", "date",
            "product", "disease", "dose_number", "series_total", "at", "type", "result",
            "kind", "test", "x"]
    return {rng.choice(keys): random_json(rng, depth + 1) for _ in range(rng.randint(0, 5))}


def near_valid(rng: random.Random) -> dict[str, Any]:
    """A document of the right shape whose values are drawn from odd but typed values."""

    def value(good: Any) -> Any:
        return good if rng.random() < 0.7 else random_json(rng, 6)

    doc: dict[str, Any] = {"birth_date": value(rng.choice(DATES))}
    doc["vaccinations"] = [
        {"date": value(rng.choice(DATES)), "product": value(rng.choice(PRODUCTS)),
         **({"dose_number": value(rng.randint(-1, 12)), "series_total": value(rng.randint(
             -1, 12))} if rng.random() < 0.4 else {}),
         **({"disease": value(rng.choice(["covid19", "measles", "x"]))}
            if rng.random() < 0.3 else {})}
        for _ in range(rng.randint(0, 5))]
    doc["infections"] = [{"date": value(rng.choice(DATES)),
                          "test": value(rng.choice(["PCR", "RAT", "NAAT", "x"]))}
                         for _ in range(rng.randint(0, 2))]
    doc["tests"] = [{"at": value(rng.choice(DATES)), "type": value(rng.choice(["PCR", "RAT"])),
                     "result": value(rng.choice(["negativ", "positiv", "vielleicht"]))}
                    for _ in range(rng.randint(0, 2))]
    doc["measles_evidence"] = [{"kind": value(rng.choice(["immunitaet", "Immunität",
                                                           "bestätigung", "x"])),
                                "date": value(rng.choice(DATES))}
                               for _ in range(rng.randint(0, 2))]
    if rng.random() < 0.2:
        del doc[rng.choice(list(doc))]
    return doc


def evaluate_text(text: str, on: date) -> None:
    try:
        document = decode_document(text)
        person = parse_person_document(document)
        result = evaluate_person(person, on)
        json.dumps(result.to_dict(), allow_nan=False, default=str)
        format_status(result)
    except UserError as exc:
        assert exc.message and "\n" not in exc.message


ON = st.sampled_from([date(2021, 12, 20), date(1900, 1, 1), date(2100, 12, 31),
                      date(2022, 6, 1), date(2020, 3, 1)])


@fuzz_settings(900)
@given(st.integers(0, 2**32), ON)
def test_random_json_documents(seed: int, on: date) -> None:
    TALLY["person JSON: random JSON values"] += 1
    evaluate_text(json.dumps(random_json(random.Random(seed))), on)


@fuzz_settings(1500)
@given(st.integers(0, 2**32), ON)
def test_near_valid_documents(seed: int, on: date) -> None:
    TALLY["person JSON: near-valid documents, odd values"] += 1
    evaluate_text(json.dumps(near_valid(random.Random(seed))), on)


@fuzz_settings(500)
@given(st.one_of(st.text(max_size=300), st.integers(1, 200_000).map(
    lambda n: '{"birth_date": "1990-01-01", "x": ' + "[" * n + "]" * n + "}"),
    st.integers(1, 20_000).map(lambda n: '{"birth_date": "1990-01-01", "x": ' + "9" * n + "}"),
    st.integers(0, 2**32).map(lambda s: json.dumps(near_valid(random.Random(s)))[
        : random.Random(s).randint(0, 200)])), ON)
def test_broken_json_text(text: str, on: date) -> None:
    TALLY["person JSON: broken text, deep nesting, long numbers"] += 1
    evaluate_text(text, on)


# --- CLI argument vectors ------------------------------------------------------------------

def hostile_files(root: Path) -> dict[str, str]:
    """Paths a fuzzed argument may name: devices, a FIFO, a directory, broken files."""
    import os

    root.mkdir(parents=True, exist_ok=True)
    files = {"dir": str(root), "missing": str(root / "fehlt.json"), "zero": "/dev/zero",
             "null": "/dev/null", "urandom": "/dev/urandom"}
    fifo = root / "pipe"
    if not fifo.exists():
        os.mkfifo(fifo)
    files["fifo"] = str(fifo)
    for name, content in {"doc.json": b'{"birth_date": "1990-01-01"}', "bad.json": b"{[",
                          "code.txt": b"HC1:NCF", "bin.xlsx": b"PK\x03\x04garbage",
                          "latin.json": "{\"x\": \"Müller\"}".encode("latin-1"),
                          "big.txt": b"HC1:" + b"A" * 70_000}.items():
        (root / name).write_bytes(content)
        files[name] = str(root / name)
    return files


COMMANDS = [["verify"], ["status"], ["keys", "training", "--out"], ["keys", "show"],
            ["import", "masterdata"], ["import", "masterdata", "--template"],
            ["import", "sync"], ["visits", "list"], ["persons", "search"],
            ["persons", "show"], ["persons", "add"], ["staff", "list"], ["visits", "show"],
            ["dose", "suggest"], ["checkin"], ["export", "dim"], ["conflicts"], ["gui"],
            ["certificate"], ["dose", "void"], ["visits", "close"], []]
OPTIONS = ["--json", "--on", "--at", "--trust", "--from", "--to", "--birth", "--limit",
           "--person", "--visit", "--hc1", "--ticket", "--family", "--given", "--role",
           "--date", "--out", "--dry-run", "--persons", "--seed", "--db", "--user", "-h",
           "--reason", "--discard", "--password-env", "--register"]


def tokens(rng: random.Random, files: dict[str, str]) -> str:
    return rng.choice([
        rng.choice(list(files.values())), rng.choice(DATES), rng.choice(OPTIONS),
        str(rng.randint(-(2**70), 2**70)), "-", "", "HC1:" + "A/" * rng.randint(1, 300),
        "x" * rng.randint(200, 5000), "\x00", "ä" * 3, "--", "E-1", "FK1234@Comirnaty",
        "mysql://u@h/x", "sqlite:///" + files["dir"], "postgres://", "=1+1", "-1", "nan",
        "1e400", "9" * 5000, rng.choice(PRODUCTS)])


@pytest.fixture(scope="module")
def cli_world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from core.db.engine import Database

    root = tmp_path_factory.mktemp("fuzzcli")
    database = root / "fuzz.sqlite"
    Database.open(str(database)).dispose()
    return {"root": root, "db": str(database), "files": hostile_files(root / "files")}


def run_main(argv: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    from core.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as stop:  # argparse: usage error (2) or --help (0)
                code = stop.code if isinstance(stop.code, int) else 2
                assert code in (0, 2), (argv, code)
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def check_run(argv: list[str], code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2), (argv, code)
    assert "Traceback" not in err and "Unerwarteter Fehler" not in err, (argv, err[-3000:])
    if code == 0 and "--json" in argv and out.strip() and "-h" not in argv:
        for line in out.strip().splitlines()[-1:]:
            json.loads(line, parse_constant=lambda name: pytest.fail(f"{name} in {argv}"))


@fuzz_settings(400)
@given(seed=st.integers(0, 2**32))
def test_cli_without_database(seed: int, cli_world: dict[str, Any],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    TALLY["CLI: argument vectors, commands without database"] += 1
    rng = random.Random(seed)
    monkeypatch.chdir(cli_world["root"])  # a relative --out lands in the temp dir
    command = rng.choice([["verify"], ["status"], ["keys", "show"], ["import", "masterdata",
                                                                    "--template"], []])
    argv = [*command, *(tokens(rng, cli_world["files"]) for _ in range(rng.randint(0, 4)))]
    if rng.random() < 0.5:
        argv.append("--json")
    code, out, err = run_main(argv, stdin=rng.randbytes(rng.randint(0, 2000)))
    check_run(argv, code, out, err)


@fuzz_settings(150)
@given(seed=st.integers(0, 2**32))
def test_cli_with_database(seed: int, cli_world: dict[str, Any],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    TALLY["CLI: argument vectors, commands on a database"] += 1
    rng = random.Random(seed)
    monkeypatch.chdir(cli_world["root"])
    monkeypatch.setenv("IMPFTEAM_TODAY", rng.choice(["2021-12-01", "9999-01-01", "x", ""]))
    command = rng.choice([c for c in COMMANDS if c and c[0] not in ("verify", "status")])
    argv = ["--db", cli_world["db"], "--user", rng.choice(["t.koch", "", "ä" * 300]), *command,
            *(tokens(rng, cli_world["files"]) for _ in range(rng.randint(0, 5)))]
    if rng.random() < 0.6:
        argv.append("--json")
    code, out, err = run_main(argv)
    check_run(argv, code, out, err)
