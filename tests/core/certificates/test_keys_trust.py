"""Training keys, the key store (permissions, nothing printed) and trust list loading."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from core.certificates.cose import kid_for
from core.certificates.keys import (
    install_identity,
    installed_identity,
    is_training,
    load_identity,
    make_training_pki,
    require_identity,
    write_training_files,
)
from core.certificates.trust import (
    TrustListError,
    default_trust,
    install_trust_list,
    load_trust,
    parse_json_list,
)
from core.errors import UserError
from core.paths import data_dir


def test_training_files(tmp_path: Path) -> None:
    files = write_training_files(tmp_path / "t")
    assert {p.name for p in files.values()} == {"csca.pem", "dsc.pem", "dsc.key.pem",
                                                 "trustlist.json"}
    for name in ("csca.pem", "dsc.pem", "dsc.key.pem"):
        assert "TRAINING / MUSTER" in files[name].read_text().splitlines()[0]
    assert stat.S_IMODE(files["dsc.key.pem"].stat().st_mode) == 0o600
    identity = load_identity(files["dsc.key.pem"], files["dsc.pem"])
    assert identity.training and is_training(identity.certificate)
    listed = json.loads(files["trustlist.json"].read_text())["certificates"]
    assert listed[0]["kid"] == identity.kid_b64
    assert load_trust(files["trustlist.json"]).candidates(identity.kid)


def test_install_stores_key_0600_and_repr_hides_it(tmp_path: Path) -> None:
    files = write_training_files(tmp_path / "t", "PS256")
    identity = install_identity(files["dsc.key.pem"], files["dsc.pem"])
    store = data_dir() / "keys"
    assert stat.S_IMODE((store / "dsc.key.pem").stat().st_mode) == 0o600
    assert stat.S_IMODE(store.stat().st_mode) == 0o700
    assert "PRIVATE" not in repr(identity) and "kid=" in repr(identity)
    again = installed_identity()
    assert again is not None and again.kid == identity.kid
    assert require_identity().kid == identity.kid


def test_install_rejects_mismatch_and_expired(tmp_path: Path) -> None:
    first = write_training_files(tmp_path / "a")
    second = write_training_files(tmp_path / "b")
    with pytest.raises(UserError, match="nicht zusammen"):
        install_identity(first["dsc.key.pem"], second["dsc.pem"])
    with pytest.raises(UserError, match="nicht gefunden"):
        install_identity(tmp_path / "fehlt.pem", first["dsc.pem"])
    with pytest.raises(UserError, match="kein PEM"):
        install_identity(first["trustlist.json"], first["dsc.pem"])
    with pytest.raises(UserError, match="Kein Signaturschlüssel installiert"):
        require_identity()
    with pytest.raises(UserError, match="zusammen"):
        require_identity(str(first["dsc.key.pem"]), None)


def test_trust_from_pem_der_directory_and_json(tmp_path: Path) -> None:
    _csca, identity = make_training_pki()
    cert = identity.certificate
    pem = tmp_path / "dsc.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    der = tmp_path / "dir" / "dsc.der"
    der.parent.mkdir()
    der.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    for source in (pem, der, der.parent):
        assert load_trust(source).candidates(kid_for(cert))[0].certificate == cert
    raw = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    listed = parse_json_list(json.dumps({"certificates": [
        {"kid": "AAAAAAAAAAA=", "rawData": raw, "country": "AT"}]}))
    assert listed.candidates(base64.b64decode("AAAAAAAAAAA="))  # the stated kid counts
    assert listed.candidates(kid_for(cert))[0].country == "AT"
    # CovPass download: signature line, then the JSON
    signed = "MEUCIQDsig==\n" + json.dumps({"certificates": [{"rawData": raw}]})
    assert len(parse_json_list(signed)) == 1


@pytest.mark.parametrize(("text", "message"), [
    ("{", "ungültiges JSON"),
    ('{"x": 1}', "certificates"),
    ('{"certificates": [{"rawData": "***"}]}', "Base64-DER"),
    ('{"certificates": [{}]}', "rawData"),
])
def test_bad_json_lists(text: str, message: str) -> None:
    with pytest.raises(TrustListError, match=message):
        parse_json_list(text)


def test_trust_errors(tmp_path: Path) -> None:
    with pytest.raises(TrustListError, match="nicht gefunden"):
        load_trust(tmp_path / "nope.pem")
    (tmp_path / "x.pem").write_text("kein Zertifikat")
    with pytest.raises(TrustListError, match=r"kein X\.509"):
        load_trust(tmp_path / "x.pem")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(TrustListError, match="kein Zertifikat"):
        load_trust(empty)


def test_installed_trust_list_and_default(tmp_path: Path) -> None:
    assert default_trust() is None
    files = write_training_files(tmp_path / "t")
    trust = install_trust_list(files["trustlist.json"])
    assert len(trust) == 1 and trust.updated_at is not None
    merged = default_trust()
    assert merged is not None and len(merged) == 1
    other = write_training_files(tmp_path / "o")
    install_identity(other["dsc.key.pem"], other["dsc.pem"])
    merged = default_trust()
    assert merged is not None and len(merged) == 2  # own DSC always trusted


def test_install_rejects_dsc_not_allowed_for_vaccinations(tmp_path: Path) -> None:
    _csca, identity = make_training_pki(types=("t",))
    key = tmp_path / "k.pem"
    key.write_bytes(identity.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    cert = tmp_path / "c.pem"
    cert.write_bytes(identity.certificate.public_bytes(serialization.Encoding.PEM))
    with pytest.raises(UserError, match="nicht für Impfzertifikate"):
        install_identity(key, cert)
