"""Sign/verify round trips and each failure status of ``verify_hc1``."""

from __future__ import annotations

import copy
from datetime import timedelta

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from core.certificates import codec
from core.certificates.cose import HDR_KID, build_claims, kid_for
from core.certificates.keys import make_training_pki
from core.certificates.trust import TrustList
from core.certificates.verify import STATUSES, verify_hc1
from tests.core.certificates.helpers import NOW, VACCINATION, signed, training


@pytest.mark.parametrize("alg", ["ES256", "PS256"])
def test_round_trip(alg: str) -> None:
    identity = training(alg)
    hc1 = signed(VACCINATION, identity)
    result = verify_hc1(hc1, TrustList.of([identity.certificate]), NOW + timedelta(days=1))
    assert result.algorithm == alg
    assert (result.decoded, result.signature, result.expired) == (True, "valid", False)
    assert result.payload == VACCINATION
    assert result.person == {"family_name": "Müller", "given_name": "Anna",
                             "birth_date": "1980-04-10"}
    assert result.certificate_type == "v" and result.issuer == "DE"
    assert result.status == "vollstaendig", result.reasons
    assert result.errors == []


def test_to_dict_has_the_design_keys() -> None:
    identity = training()
    out = verify_hc1(signed(VACCINATION, identity), TrustList.of([identity.certificate]),
                     NOW).to_dict()
    for key in ("decoded", "signature", "expired", "kid", "issuer", "issued_at", "expires_at",
                "certificate_type", "person", "payload", "status", "errors"):
        assert key in out
    assert out["issued_at"] == "2026-11-23T12:00:00Z"
    assert out["kid"] and out["status"] in STATUSES


def _tamper_signature(hc1: str) -> str:
    message = cbor2.loads(codec.decode_hc1(hc1))
    parts = list(message.value)
    parts[3] = bytes([parts[3][0] ^ 0x01]) + parts[3][1:]
    return codec.encode_hc1(cbor2.dumps(cbor2.CBORTag(18, parts)))


def _tamper_payload(hc1: str) -> str:
    message = cbor2.loads(codec.decode_hc1(hc1))
    parts = list(message.value)
    claims = cbor2.loads(parts[2])
    claims[-260][1]["v"][0]["dn"] = 3
    parts[2] = cbor2.dumps(claims)
    return codec.encode_hc1(cbor2.dumps(cbor2.CBORTag(18, parts)))


@pytest.mark.parametrize("alg", ["ES256", "PS256"])
@pytest.mark.parametrize("tamper", [_tamper_signature, _tamper_payload])
def test_tampered_is_invalid(alg: str, tamper: object) -> None:
    identity = training(alg)
    hc1 = tamper(signed(VACCINATION, identity))  # type: ignore[operator]
    result = verify_hc1(hc1, TrustList.of([identity.certificate]), NOW)
    assert result.decoded and result.signature == "invalid"
    assert result.status == "ungueltig"
    assert any("Ungültige Signatur" in e for e in result.errors)


def test_unknown_kid() -> None:
    hc1 = signed(VACCINATION, training())
    other = training("ES256", ("v",), 365)
    result = verify_hc1(hc1, TrustList.of([other.certificate]), NOW)
    assert result.signature == "unknown_kid"
    assert result.status == "unbekannter_aussteller"
    assert result.person is not None  # the holder is still shown


def test_no_trust_list_never_gives_a_green_status() -> None:
    result = verify_hc1(signed(VACCINATION, training()), None, NOW)
    assert result.signature == "not_checked"
    assert result.status == "unbekannter_aussteller"


def test_expired() -> None:
    identity = training()
    hc1 = signed(VACCINATION, identity, expires=NOW + timedelta(days=10))
    result = verify_hc1(hc1, TrustList.of([identity.certificate]), NOW + timedelta(days=11))
    assert result.expired and result.signature == "valid"
    assert result.status == "abgelaufen"


def test_not_yet_issued() -> None:
    identity = training()
    hc1 = signed(VACCINATION, identity, issued=NOW + timedelta(days=5))
    result = verify_hc1(hc1, TrustList.of([identity.certificate]), NOW)
    assert result.time_valid is False and result.status == "ungueltig"


def test_dsc_eku_not_for_vaccinations() -> None:
    identity = training("ES256", ("t",))
    hc1 = signed(VACCINATION, identity)
    result = verify_hc1(hc1, TrustList.of([identity.certificate]), NOW)
    assert result.signature == "valid"
    assert result.key_usage_ok is False
    assert result.status == "ungueltig"
    assert any("Impfzertifikate" in e for e in result.errors)


def test_dsc_expired_but_exp_later() -> None:
    """exp beyond the DSC's validity (a bad issuer): signature valid, status ungueltig."""
    _csca, identity = make_training_pki(valid_days=30, now=NOW)
    hc1 = signed(VACCINATION, identity, expires=NOW + timedelta(days=300))
    result = verify_hc1(hc1, TrustList.of([identity.certificate]), NOW + timedelta(days=60))
    assert result.signature == "valid" and not result.expired
    assert result.dsc_valid is False and result.status == "ungueltig"


def test_kid_in_unprotected_header_only() -> None:
    """hcert allows the kid in the unprotected header; the signature still verifies."""
    identity = training()
    key = identity.key
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    claims = build_claims(VACCINATION, "DE", NOW, NOW + timedelta(days=30))
    protected = cbor2.dumps({1: -7})
    der = key.sign(cbor2.dumps(["Signature1", protected, b"", claims]), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    message = [protected, {HDR_KID: kid_for(identity.certificate)}, claims,
               r.to_bytes(32, "big") + s.to_bytes(32, "big")]
    hc1 = codec.encode_hc1(cbor2.dumps(cbor2.CBORTag(18, message)))
    result = verify_hc1(hc1, TrustList.of([identity.certificate]), NOW)
    assert result.signature == "valid" and result.status == "vollstaendig"
    untagged = codec.encode_hc1(cbor2.dumps(message))
    assert verify_hc1(untagged, TrustList.of([identity.certificate]), NOW).signature == "valid"


def test_schema_violation_is_ungueltig() -> None:
    identity = training()
    payload = copy.deepcopy(VACCINATION)
    payload["v"].append(payload["v"][0])
    result = verify_hc1(signed(payload, identity), TrustList.of([identity.certificate]), NOW)
    assert result.signature == "valid" and result.schema_valid is False
    assert result.status == "ungueltig"
    assert any(e.startswith("Schema: v") for e in result.errors)


@pytest.mark.parametrize(("dn", "sd", "dt", "status"), [
    (1, 2, "2026-11-01", "unvollstaendig"),
    (2, 2, "2026-11-20", "unvollstaendig"),   # within the 14-day wait
    (2, 2, "2026-09-01", "vollstaendig"),
    (3, 3, "2026-11-20", "auffrischung"),
    (2, 1, "2026-11-20", "auffrischung"),
    (1, 1, "2026-11-20", "vollstaendig"),     # vaccination after recovery (Comirnaty)
])
def test_holder_status_by_dose(dn: int, sd: int, dt: str, status: str) -> None:
    identity = training()
    payload = copy.deepcopy(VACCINATION)
    payload["v"][0].update(dn=dn, sd=sd, dt=dt)
    result = verify_hc1(signed(payload, identity), TrustList.of([identity.certificate]), NOW)
    assert result.status == status, result.reasons
    assert result.reasons


def test_unknown_vaccine_is_incomplete() -> None:
    identity = training()
    payload = copy.deepcopy(VACCINATION)
    payload["v"][0]["mp"] = "Sputnik-V"
    result = verify_hc1(signed(payload, identity), TrustList.of([identity.certificate]), NOW)
    assert result.status == "unvollstaendig"
    assert "Nicht zugelassener Impfstoff" in result.reasons[0]


def test_test_and_recovery_certificates() -> None:
    identity = training()
    base = {k: VACCINATION[k] for k in ("ver", "nam", "dob")}
    test = base | {"t": [{"tg": "840539006", "tt": "LP217198-3", "sc": "2026-11-23T08:00:00Z",
                          "tr": "260415000", "tc": "Testzentrum", "co": "DE",
                          "is": "Robert Koch-Institut", "ci": "URN:UVCI:01DE/X/Y#1"}]}
    recovery = base | {"r": [{"tg": "840539006", "fr": "2026-10-01", "co": "DE",
                              "is": "Robert Koch-Institut", "df": "2026-10-29",
                              "du": "2027-03-30", "ci": "URN:UVCI:01DE/X/Z#1"}]}
    trust = TrustList.of([identity.certificate])
    assert verify_hc1(signed(test, identity), trust, NOW).status == "getestet"
    late = verify_hc1(signed(test, identity), trust, NOW + timedelta(days=3))
    assert late.status == "ungueltig"
    assert verify_hc1(signed(recovery, identity), trust, NOW).status == "genesen"


@pytest.mark.parametrize("text", [
    "", "   ", "hallo welt", "HC2:6BF+70790", "HC1:", "HC1:!!!!", "HC1:AAAA",
    "HC1:" + "A" * 9000, "IMPFTEAM-T1:abc:12",
])
def test_garbage_never_raises(text: str) -> None:
    result = verify_hc1(text, None, NOW)
    assert result.decoded is False
    assert result.status in ("kein_code", "ungueltig")
    assert result.errors
