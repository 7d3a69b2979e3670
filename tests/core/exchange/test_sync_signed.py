"""Signed sync packages (issue 12.3) and hostile manifests (12.7): refused before anything
is written, the hub's tables unchanged row for row."""

from __future__ import annotations

import argparse
import base64
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from core.cli import CliContext
from core.db.engine import Database
from core.errors import UserError
from core.exchange.sync_import import ImportFailed, import_sync, import_sync_many
from core.security.signing import key_id, own_signer
from tests.core.exchange.helpers import actor, all_rows, counts, export
from tests.core.exchange.test_sync_bad_input import rebuild


@pytest.fixture
def package(team_a: Database, tmp_path: Path) -> Path:
    return export(team_a, tmp_path / "team.zip")


def _import(hub: Database, path: Path) -> Any:
    with hub.session() as s:
        return import_sync(s, actor(s, "iz.admin"), path)


def refused(hub: Database, path: Path, match: str) -> UserError:
    """``import sync`` refuses ``path`` with ``match`` in the message; hub unchanged."""
    rows, before = all_rows(hub), counts(hub)
    with pytest.raises(UserError, match=match) as info:
        _import(hub, path)
    assert all_rows(hub) == rows and counts(hub) == before
    return info.value


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_zip(path: Path, content: dict[str, bytes],
              compress: dict[str, int] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in content.items():
            archive.writestr(name, data, compress_type=(compress or {}).get(
                name, zipfile.ZIP_STORED))
    return path


def test_registered_signer_merges(package: Path, hub: Database, team_a: Database) -> None:
    report = _import(hub, package)
    assert report.ok and report.created["vaccination"] > 0
    assert all_rows(hub)["vaccination"] == all_rows(team_a)["vaccination"]
    signature = json.loads(members(package)["signature.json"])
    assert signature["algorithm"] == "Ed25519" and signature["key_id"] == own_signer().key_id
    assert "public_key" not in signature  # a key in the package is never used


def test_unregistered_signer_is_refused(package: Path, hub: Database, tmp_path: Path) -> None:
    content = members(package)
    stranger = Ed25519PrivateKey.generate()
    content["signature.json"] = json.dumps({
        "format": "impfteam-sync-signature", "version": 1, "algorithm": "Ed25519",
        "key_id": key_id(stranger.public_key()),
        "signature": base64.b64encode(stranger.sign(content["manifest.json"])).decode()}
    ).encode()
    error = refused(hub, write_zip(tmp_path / "fremd.zip", content), "Unbekannter Unterzeichner")
    assert "keys signer add" in error.message and "\n" not in error.message


def test_removed_signature_is_refused(package: Path, hub: Database, tmp_path: Path) -> None:
    content = members(package)
    del content["signature.json"]
    refused(hub, write_zip(tmp_path / "ohne.zip", content), "nicht signiert")


def test_tampered_data_with_recomputed_checksum_changes_nothing(
        package: Path, hub: Database, tmp_path: Path) -> None:
    def forge(sheets: dict[str, list[list[Any]]]) -> None:
        header = sheets["person"][0]
        sheets["person"][1][header.index("family_name")] = "Fälscher"

    # the forger recomputes SHA-256 and size in the manifest but cannot sign it
    unsigned = rebuild(package, tmp_path / "forged.zip", data=forge, sign=False)
    refused(hub, unsigned, "nicht signiert")
    # … or keeps the team's old signature: it no longer matches the manifest bytes
    content = members(unsigned)
    content["signature.json"] = members(package)["signature.json"]
    refused(hub, write_zip(tmp_path / "forged2.zip", content), "Signatur passt nicht")


def test_tampered_package_after_a_good_one_changes_nothing(
        package: Path, hub: Database, tmp_path: Path) -> None:
    """The hub already holds the team's data: the forgery must not update a record."""
    assert _import(hub, package).ok

    def forge(sheets: dict[str, list[list[Any]]]) -> None:
        header = sheets["vaccination"][0]
        sheets["vaccination"][1][header.index("lot_number")] = "GEFAELSCHT"

    content = members(rebuild(package, tmp_path / "forged.zip", data=forge, sign=False))
    content["signature.json"] = members(package)["signature.json"]
    refused(hub, write_zip(tmp_path / "forged2.zip", content), "Signatur passt nicht")


def test_bad_signature_in_a_batch_names_the_file(team_b: Database, package: Path,
                                                 hub: Database, tmp_path: Path) -> None:
    other = export(team_b, tmp_path / "b.zip")
    content = members(package)
    content["signature.json"] = members(other)["signature.json"]
    bad = write_zip(tmp_path / "falsch.zip", content)
    rows, before = all_rows(hub), counts(hub)
    with pytest.raises(UserError, match=r"falsch.zip: .*Signatur passt nicht"), \
            hub.session() as s:
        import_sync_many(s, actor(s, "iz"), [other, bad])
    assert all_rows(hub) == rows and counts(hub) == before


def test_version_1_package_is_refused_as_unsigned(package: Path, hub: Database,
                                                  tmp_path: Path) -> None:
    def old(meta: dict[str, Any]) -> None:
        meta["format_version"] = 1

    refused(hub, rebuild(package, tmp_path / "v1.zip", manifest=old),
            "ältere Formatversion 1.*nicht signiert")


# -- field checks of incoming rows --------------------------------------------------------
def _cell(entity: str, column: str, value: Any) -> Any:
    def edit(sheets: dict[str, list[list[Any]]]) -> None:
        header = sheets[entity][0]
        sheets[entity][1][header.index(column)] = value
    return edit


@pytest.mark.parametrize(("entity", "column", "value", "message"), [
    ("person", "birth_date", "2999-01-01", "liegt in der Zukunft"),
    ("person", "birth_date", "1850-05-01", "liegt vor dem 01.01.1900"),
    ("person", "family_name", "A" * 32_767, "Text zu lang: 32767 Zeichen, höchstens 100"),
    ("person", "id", "", "Die ID fehlt"),
    ("person", "id", "keine-uuid", "keine gültige ID"),
    ("vaccination", "date", "2019-06-01", "liegt vor dem 01.12.2020"),
    ("vaccination", "dose_number", 40_000, "liegt nicht zwischen 1 und 10"),
    ("vaccination", "dose_number", 10**30, "liegt nicht zwischen 1 und 10"),
    ("vaccination", "person_id", "", "Die ID fehlt"),
    ("person", "sex", "x", "ist nicht erlaubt"),
    ("person", "postcode", "1234", "fünf Ziffern"),
    ("vaccination", "updated_at", "2099-01-01 10:00:00.000000", "unplausibel"),
])
def test_rows_pass_the_services_field_checks(package: Path, hub: Database, tmp_path: Path,
                                             entity: str, column: str, value: Any,
                                             message: str) -> None:
    """Signed by the registered team device itself: still refused, the row named."""
    bad = rebuild(package, tmp_path / "bad.zip", data=_cell(entity, column, value))
    rows, before = all_rows(hub), counts(hub)
    with pytest.raises(ImportFailed) as info, hub.session() as s:
        import_sync(s, actor(s, "iz"), bad)
    problem = info.value.report.errors[0]
    assert (problem.sheet, problem.row, problem.column) == (entity, 2, column)
    assert message in problem.message, problem.message
    assert f"Blatt „{entity}“, Zeile 2" in problem.text() or "Zeile 2" in problem.text()
    assert all_rows(hub) == rows and counts(hub) == before


# -- hostile manifests ---------------------------------------------------------------------
def _manifest_case(package: Path, tmp_path: Path, raw: bytes,
                   compress: int = zipfile.ZIP_STORED) -> Path:
    content = members(package)
    content["manifest.json"] = raw
    return write_zip(tmp_path / "hostile.zip", content, {"manifest.json": compress})


def _edited(package: Path, change: dict[str, Any]) -> bytes:
    meta = json.loads(members(package)["manifest.json"])
    meta.update(change)
    return json.dumps(meta).encode()


HOSTILE: dict[str, tuple[dict[str, Any] | bytes, str]] = {
    "counts is a list": ({"counts": [1, 2]}, "„counts“"),
    "count is text": ({"counts": {"person": "viele"}}, "counts.person"),
    "count is negative": ({"counts": {"person": -1}}, "counts.person"),
    "count is a bool": ({"counts": {"person": True}}, "counts.person"),
    "sheets is text": ({"sheets": "person"}, "„sheets“"),
    "sheet names are numbers": ({"sheets": {"person": [1]}}, "„sheets“"),
    "files is a list": ({"files": ["data.xlsx"]}, "„files“"),
    "files entry is text": ({"files": {"data.xlsx": "abc"}}, "files.data.xlsx.sha256"),
    "unknown file": ({"files": {"../etc/passwd": {"sha256": "0" * 64, "bytes": 1}}},
                     "unbekannten Datei"),
    "package_id is a number": ({"package_id": 7}, "„package_id“"),
    "team_id is an object": ({"team_id": {"a": 1}}, "„team_id“"),
    "full is text": ({"full": "ja"}, "„full“"),
    "to_version out of range": ({"to_version": 2**80}, "„to_version“"),
    "from_version above to_version": ({"from_version": 9, "to_version": 3}, "to_version"),
    "format_version as float": ({"format_version": 2.0}, "Formatversion fehlt"),
    "format_version as bool": ({"format_version": True}, "Formatversion fehlt"),
    "format_version huge": ({"format_version": 10**200}, "neuere Formatversion"),
    "audit heads malformed": ({"audit_heads": {"X": {"seq": "1", "hash": "zz"}}},
                              "audit_heads"),
    "deeply nested": (b'{"format": "impfteam-sync", "x": ' + b"[" * 100_000
                      + b"]" * 100_000 + b"}", "kein gültiges JSON"),
    "integer over 4300 digits": (b'{"format": "impfteam-sync", "format_version": '
                                 + b"9" * 5000 + b"}", "kein gültiges JSON"),
    "not utf-8": (b'{"format": "\xff\xfe"}', "kein gültiges JSON"),
    "a list": (b"[1, 2, 3]", "kein Impfteam-Synchronisationspaket"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_manifest_is_refused(case: str, package: Path, hub: Database,
                                     tmp_path: Path) -> None:
    change, expected = HOSTILE[case]
    raw = change if isinstance(change, bytes) else _edited(package, change)
    error = refused(hub, _manifest_case(package, tmp_path, raw), expected)
    assert error.message.startswith("Synchronisationspaket: ") and "\n" not in error.message


def test_corrupt_deflated_manifest_is_refused(package: Path, hub: Database,
                                              tmp_path: Path) -> None:
    path = _manifest_case(package, tmp_path, members(package)["manifest.json"],
                          zipfile.ZIP_DEFLATED)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("manifest.json")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 2, start + 40):  # garble the deflate stream, CRC untouched
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    refused(hub, path, "manifest.json ist beschädigt")


# -- the CLI: a team laptop's key registered on the hub -----------------------------------
def _ctx(db: Database, **args: Any) -> CliContext:
    namespace = argparse.Namespace(db=str(db.sqlite_path), user="iz.admin", json=True, **args)
    return CliContext(namespace)


def test_signing_export_and_signer_add(team_a: Database, hub: Database, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from core.commands import keys
    from core.db.models import Signer

    with hub.session() as s:  # start from a hub that trusts nobody
        for row in s.query(Signer).all():
            s.delete(row)
    package = export(team_a, tmp_path / "team.zip")
    refused(hub, package, "Unbekannter Unterzeichner")

    ctx = _ctx(team_a, force=False)
    assert keys.run_signing_init(ctx) == 0
    init = json.loads(capsys.readouterr().out)
    assert init["created"] is False and len(init["key_id"]) == 32  # export made it
    key_file = Path(init["file"])
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert key_file.parent.stat().st_mode & 0o777 == 0o700
    out = tmp_path / "team_a.pub.json"
    assert keys.run_signing_export(_ctx(team_a, out=str(out), label="Team A Laptop")) == 0
    exported = json.loads(capsys.readouterr().out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["key_id"] == init["key_id"] == exported["key_id"]
    assert doc["team_id"] == "TA" and doc["device_id"] == "DEVTA"
    assert "PRIVATE" not in out.read_text(encoding="utf-8")

    ctx = _ctx(hub, file=str(out))
    assert keys.run_signer_add(ctx) == 0
    added = json.loads(capsys.readouterr().out)
    assert added["added"] is True and added["team_id"] == "TA"
    assert keys.run_signer_add(ctx) == 0
    assert json.loads(capsys.readouterr().out)["added"] is False
    assert keys.run_signer_list(_ctx(hub)) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["key_id"] for r in listed] == [init["key_id"]]
    assert keys.run_show(_ctx(team_a)) == 0
    assert json.loads(capsys.readouterr().out)["sync_signing_key_id"] == init["key_id"]
    assert _import(hub, package).ok


@pytest.mark.parametrize(("content", "message"), [
    (b"kein json", "kein gültiges JSON"),
    (b'{"format": "impfteam-signer", "algorithm": "Ed25519", "public_key": "AAAA"}',
     "beschädigt"),
    (b'{"format": "etwas"}', "keine Impfteam-Schlüsseldatei"),
    (b"[" * 50_000, "kein gültiges JSON"),
])
def test_broken_signer_file_is_refused(hub: Database, tmp_path: Path, content: bytes,
                                       message: str) -> None:
    from core.commands import keys

    path = tmp_path / "key.json"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        keys.run_signer_add(_ctx(hub, file=str(path)))


def test_signer_file_with_a_foreign_key_id_is_refused(hub: Database, tmp_path: Path) -> None:
    from core.commands import keys
    from core.security.signing import signer_document

    doc = signer_document(own_signer())
    doc["key_id"] = "0" * 32
    path = tmp_path / "key.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(UserError, match="Schlüssel-ID passt nicht"):
        keys.run_signer_add(_ctx(hub, file=str(path)))
