"""Fixtures for the exchange tests: team databases with demo data and a real PostgreSQL.

``pg_url`` starts a throw-away PostgreSQL server (initdb + pg_ctl on a free local port in
a temp dir, as the ``postgres`` user when the tests run as root) and yields a SQLAlchemy
URL. Tests that need it are skipped only when the PostgreSQL binaries are not installed
(``apt-get install -y postgresql``); any other failure to start is an error.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from core.db.engine import Database
from core.demo.generator import generate_demo
from core.settings import set_setting

DEMO_DAY = date(2026, 11, 20)


def pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """Base URL (without database) of a private PostgreSQL server for this test session."""
    bindir = pg_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL-Binaries fehlen (apt-get install -y postgresql)")
    root = Path(tempfile.mkdtemp(prefix="impfteam-pg-"))
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "impfteam",
                    "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
                   check=True, capture_output=True)
    subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l",
                    str(root / "log.txt"), "-o",
                    f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off",
                    "start"], check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://impfteam@127.0.0.1:{port}"
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "stop"], check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty database on the private server (dropped afterwards)."""
    from sqlalchemy import create_engine, text

    name = f"hub_{os.getpid()}_{_free_port()}"
    admin = create_engine(f"{pg_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{pg_server}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_team(path: Path, team_id: str, persons: int, seed: int) -> Database:
    """A team laptop's database with deterministic demo data."""
    team = Database.open(str(path))
    with team.session() as s:
        set_setting(s, "team_id", team_id)
        set_setting(s, "device_id", f"DEV{team_id}")
    with team.session() as s:
        generate_demo(s, f"leitung.{team_id.lower()}", f"DEV{team_id}", persons, seed=seed,
                      today=DEMO_DAY)
    return team


@pytest.fixture
def team_a(tmp_path: Path, template_db: Path) -> Iterator[Database]:
    path = tmp_path / "team_a.sqlite"
    shutil.copy(template_db, path)
    db = make_team(path, "TA", 60, seed=11)
    yield db
    db.dispose()


@pytest.fixture
def team_b(tmp_path: Path, template_db: Path) -> Iterator[Database]:
    path = tmp_path / "team_b.sqlite"
    shutil.copy(template_db, path)
    db = make_team(path, "TB", 40, seed=22)
    yield db
    db.dispose()


def trust_own_signer(db: Database) -> None:
    """Register this data dir's package signing key on ``db`` (``keys signer add``).

    The team fixtures share the test's data dir, so one key signs every team's packages;
    a hub that trusts it accepts them."""
    from core.security.signing import own_signer, register_signer

    with db.session() as s:
        register_signer(s, "iz.admin", "HUB", own_signer("T", "DEV", "Testteams"))


@pytest.fixture
def hub(tmp_path: Path, template_db: Path) -> Iterator[Database]:
    path = tmp_path / "hub.sqlite"
    shutil.copy(template_db, path)
    db = Database.open(str(path))
    with db.session() as s:
        set_setting(s, "device_id", "HUB")
    trust_own_signer(db)
    yield db
    db.dispose()
