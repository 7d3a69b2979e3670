"""``keys``, ``verify`` and ``certificate`` through ``main.py`` (subprocess, repo root)."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from core.db.engine import Database
from core.services.context import Actor
from core.services.vaccinations import VaccinationInput, record_vaccination
from tests.cli_env import cli_env, ensure_admin, user_args
from tests.conftest import TODAY, World
from tests.core.certificates.helpers import VECTORS, load_vector, need_vectors

ROOT = Path(__file__).resolve().parents[3]


def cli(*args: str, db: Path | None = None, stdin: bytes | None = None
        ) -> subprocess.CompletedProcess[bytes]:
    """With a database: signed in as the test admin (every role, tests/cli_env.py); the
    key-store commands sign in on the data dir's default database."""
    if db is None and args[:1] == ("keys",) and args[1:2] != ("training",):
        from core.paths import data_dir

        db = data_dir() / "impfteam.sqlite"
    prefix = ["--db", str(db), *user_args(ensure_admin(db))] if db is not None else []
    return subprocess.run([sys.executable, "main.py", *prefix, *args], cwd=ROOT,
                          capture_output=True, input=stdin, check=False, timeout=120,
                          env=cli_env())


def out(result: subprocess.CompletedProcess[bytes]) -> dict[str, object]:
    assert result.returncode == 0, result.stderr.decode()
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_verify_vector_png_with_trust_and_clock(tmp_path: Path) -> None:
    need_vectors()
    data = load_vector(VECTORS / "DE" / "2DCode" / "raw" / "1.json")
    pem = tmp_path / "dsc.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\n" + data["TESTCTX"]["CERTIFICATE"]
                   + "\n-----END CERTIFICATE-----\n")
    result = out(cli("verify", str(VECTORS / "DE/2DCode/png/1.png"), "--trust", str(pem),
                     "--at", data["TESTCTX"]["VALIDATIONCLOCK"], "--json"))
    assert result["decoded"] is True and result["signature"] == "valid"
    assert result["expired"] is False and result["certificate_type"] == "v"
    assert result["issuer"] == "DE" and result["payload"] == data["JSON"]
    assert result["person"] == {"family_name": "Mustermann", "given_name": "Erika",
                                "birth_date": "1964-08-12"}
    assert result["issued_at"] == "2021-05-29T19:21:13Z"
    assert result["status"] == "unvollstaendig"  # 2/2 on 29.05., clock 01.06.: 14-day wait


def test_verify_stdin_text_and_expired_now() -> None:
    need_vectors()
    prefix = load_vector(VECTORS / "AT" / "2DCode" / "raw" / "1.json")["PREFIX"]
    result = out(cli("verify", "-", "--json", stdin=prefix.encode()))
    assert result["expired"] is True and result["status"] == "abgelaufen"
    assert result["signature"] == "not_checked"


def test_damaged_qr_image_is_kein_code_exit_0(tmp_path: Path) -> None:
    image = Image.new("L", (400, 400), 255)
    draw = ImageDraw.Draw(image)
    for x in range(0, 400, 20):
        draw.rectangle([x, 40, x + 9, 360], fill=0)
    path = tmp_path / "kaputt.png"
    image.save(path)
    result = cli("verify", str(path), "--json")
    data = out(result)
    assert data["decoded"] is False and data["status"] == "kein_code"
    assert data["errors"] == ["Im Bild wurde kein QR-Code gefunden."]
    text = cli("verify", str(path))
    assert text.returncode == 0 and "Kein Zertifikat erkannt" in text.stdout.decode()


def test_truncated_image_file_is_kein_code(tmp_path: Path) -> None:
    need_vectors()
    path = tmp_path / "halb.png"
    path.write_bytes((VECTORS / "DE/2DCode/png/1.png").read_bytes()[:300])
    data = out(cli("verify", str(path), "--json"))
    assert data["status"] == "kein_code"


@pytest.mark.parametrize("target", ["fehlt.png", "."])
def test_unreadable_input_exit_1(target: str) -> None:
    result = cli("verify", target, "--json")
    assert result.returncode == 1
    err = result.stderr.decode()
    assert err.startswith("Fehler: INPUT:") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and result.stdout == b""


def test_bad_trust_file_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "liste.json"
    bad.write_text("{")
    result = cli("verify", "HC1:ABC", "--trust", str(bad))
    assert result.returncode == 1 and "Vertrauensliste" in result.stderr.decode()


def test_keys_install_never_prints_the_key(tmp_path: Path) -> None:
    made = out(cli("keys", "training", "--out", str(tmp_path / "t"), "--json"))
    assert made["training"] is True
    key_text = Path(str(made["dsc.key.pem"])).read_text()
    body = "".join(line for line in key_text.splitlines() if not line.startswith(("#", "---")))
    result = cli("keys", "install", "--key", str(made["dsc.key.pem"]), "--cert",
                 str(made["dsc.pem"]))
    assert result.returncode == 0
    shown = cli("keys", "show", "--json")
    for stream in (result.stdout, result.stderr, shown.stdout, shown.stderr):
        assert body[:40].encode() not in stream and b"PRIVATE" not in stream
    assert out(shown)["training"] is True
    home = Path(__import__("os").environ["IMPFTEAM_HOME"])
    assert stat.S_IMODE((home / "keys" / "dsc.key.pem").stat().st_mode) == 0o600


def test_certificate_issue_reprint_and_verify(db: Database, db_path: Path, actor: Actor,
                                              world: World, tmp_path: Path) -> None:
    with db.session() as s:
        dose_id = record_vaccination(s, actor, VaccinationInput(
            world.person_id, TODAY - timedelta(days=1), "Comirnaty", 1, 2,
            source="nachtrag_impfpass")).id
    made = out(cli("keys", "training", "--out", str(tmp_path / "t"), "--json"))
    no_key = cli("certificate", dose_id, db=db_path)
    assert no_key.returncode == 1 and "keys install" in no_key.stderr.decode()
    first = out(cli("certificate", dose_id, "--key", str(made["dsc.key.pem"]), "--cert",
                    str(made["dsc.pem"]), "--out", str(tmp_path / "z.pdf"), "--json",
                    db=db_path))
    assert str(first["hc1"]).startswith("HC1:") and first["reprint"] is False
    assert Path(str(first["file"])).read_bytes().startswith(b"%PDF")
    cli("keys", "install", "--key", str(made["dsc.key.pem"]), "--cert", str(made["dsc.pem"]))
    again = out(cli("certificate", dose_id, "--out", str(tmp_path / "z.png"), "--json",
                    db=db_path))
    assert again["reprint"] is True and again["uvci"] == first["uvci"]
    checked = out(cli("verify", str(tmp_path / "z.png"), "--json"))  # installed trust
    assert checked["signature"] == "valid" and checked["status"] == "unvollstaendig"
    assert checked["payload"]["v"][0]["ci"] == first["uvci"]  # type: ignore[index]
    fresh = out(cli("certificate", dose_id, "--neu", "--json", db=db_path))
    assert fresh["uvci"] != first["uvci"] and fresh["file"] is None
    missing = cli("certificate", "gibt-es-nicht", db=db_path)
    assert missing.returncode == 1 and "nicht gefunden" in missing.stderr.decode()


def test_certificate_masern_refused_when_not_fulfilled(db_path: Path, world: World,
                                                      tmp_path: Path) -> None:
    result = cli("certificate", world.person_id, "--masern", "--out", str(tmp_path / "m.pdf"),
                 db=db_path)
    assert result.returncode == 1 and "Masernnachweis nicht möglich" in result.stderr.decode()


def test_qr_with_torn_corner_is_kein_code(tmp_path: Path) -> None:
    need_vectors()
    image = Image.open(VECTORS / "DE/2DCode/png/1.png").convert("L")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, image.width // 2, image.height // 2], fill=255)  # finder gone
    path = tmp_path / "zerrissen.png"
    image.save(path)
    data = out(cli("verify", str(path), "--json"))
    assert data["decoded"] is False and data["status"] == "kein_code"
