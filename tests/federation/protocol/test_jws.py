"""JWS with Ed25519: our signatures, the strict checks in the spec's order, and interoperability.

Interoperability is shown both ways with two independent JOSE libraries,
joserfc and jwcrypto: they verify what we sign, we verify what they sign.
"""

from __future__ import annotations

import json

import pytest
from joserfc import jws as joserfc_jws
from joserfc.jwk import OKPKey
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

from federation.protocol.encoding import b64url_encode
from federation.protocol.jws import (
    ALG,
    LEGACY_ALG,
    JwsError,
    accepted_algorithms,
    parse_compact,
    parse_general,
    sign_compact,
    sign_general,
    strip_body,
)
from federation.protocol.keys import PublicKey, SigningKey

TYP = "wijknet-report+jws"
PAYLOAD = json.dumps({"schema": "wijknet.report/1", "node_id": "zuilen", "naam": "Buurtcoöperatie"}).encode()


def compact(header: dict, payload: bytes = PAYLOAD, key: SigningKey | None = None) -> str:
    """A compact JWS with any header at all, signed for real."""
    key = key or SigningKey.generate()
    protected = b64url_encode(json.dumps(header).encode())
    body = b64url_encode(payload)
    return f"{protected}.{body}.{b64url_encode(key.sign(f'{protected}.{body}'.encode()))}"


def error_code(call) -> str:
    with pytest.raises(JwsError) as caught:
        call()
    return caught.value.code


def test_compact_round_trip_keeps_the_exact_payload_bytes() -> None:
    key = SigningKey.generate()
    token = sign_compact(PAYLOAD, key, typ=TYP, extra_header={"jwk": key.public.jwk()})
    parsed = parse_compact(token, typ=TYP)
    parsed.verify(key.public)
    assert parsed.payload == PAYLOAD
    assert parsed.header == {"alg": "Ed25519", "kid": key.kid, "typ": TYP, "jwk": key.public.jwk()}
    assert parsed.claims["naam"] == "Buurtcoöperatie"


def test_a_changed_byte_or_another_key_fails_as_bad_signature() -> None:
    key = SigningKey.generate()
    token = sign_compact(PAYLOAD, key, typ=TYP)
    other = SigningKey.generate()
    assert error_code(lambda: parse_compact(token, typ=TYP).verify(other.public)) == "bad_signature"
    protected, payload, signature = token.split(".")
    tampered = f"{protected}.{b64url_encode(PAYLOAD.replace(b'zuilen', b'zuilem'))}.{signature}"
    assert error_code(lambda: parse_compact(tampered, typ=TYP).verify(key.public)) == "bad_signature"
    short = f"{protected}.{payload}.{b64url_encode(b'x' * 10)}"
    assert error_code(lambda: parse_compact(short, typ=TYP).verify(key.public)) == "bad_signature"


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("not-a-jws", "malformed"),
        ("a.b", "malformed"),
        ("a.b.c.d", "malformed"),
        ("é.b.c", "malformed"),
        (compact({"alg": ALG, "kid": "k"}), "malformed"),  # no typ
        (compact({"alg": ALG, "typ": TYP}), "malformed"),  # no kid
        (compact({"kid": "k", "typ": TYP}), "malformed"),  # no alg
        (compact({"alg": ALG, "kid": 7, "typ": TYP}), "malformed"),
        (compact({"alg": ALG, "kid": "k", "typ": TYP, "crit": ["exp"]}), "malformed"),
        (compact({"alg": ALG, "kid": "k", "typ": TYP, "b64": False}), "malformed"),
        (compact({"alg": ALG, "kid": "k", "typ": TYP}, payload=b"[1,2]"), "malformed"),
        (compact({"alg": ALG, "kid": "k", "typ": TYP}, payload=b'{"a":1,"a":2}'), "malformed"),
        (compact({"alg": "none", "kid": "k", "typ": TYP}), "unsupported_alg"),
        (compact({"alg": "HS256", "kid": "k", "typ": TYP}), "unsupported_alg"),
        (compact({"alg": "ES256", "kid": "k", "typ": TYP}), "unsupported_alg"),
        (compact({"alg": LEGACY_ALG, "kid": "k", "typ": TYP}), "unsupported_alg"),
        (compact({"alg": ALG, "kid": "k", "typ": "JWT"}), "wrong_type"),
        (compact({"alg": ALG, "kid": "k", "typ": TYP.upper()}), "wrong_type"),
        # The spec's order: a malformed payload is reported before a wrong alg or typ.
        (compact({"alg": "none", "kid": "k", "typ": "JWT"}, payload=b"null"), "malformed"),
        (compact({"alg": "none", "kid": "k", "typ": "JWT"}), "unsupported_alg"),
    ],
)
def test_compact_refusals_carry_the_spec_codes(token: str, code: str) -> None:
    assert error_code(lambda: parse_compact(token, typ=TYP)) == code


def test_padding_in_a_segment_is_malformed() -> None:
    token = sign_compact(PAYLOAD, SigningKey.generate(), typ=TYP)
    protected, payload, signature = token.split(".")
    assert error_code(lambda: parse_compact(f"{protected}=.{payload}.{signature}", typ=TYP)) == "malformed"


def test_eddsa_is_accepted_only_where_allowed() -> None:
    key = SigningKey.generate()
    token = compact({"alg": LEGACY_ALG, "kid": key.kid, "typ": TYP}, key=key)
    parsed = parse_compact(token, typ=TYP, algorithms=accepted_algorithms(allow_eddsa=True))
    parsed.verify(key.public)


def test_whitespace_around_the_body_is_stripped_and_only_that() -> None:
    assert strip_body(b" \r\n\tabc.def.ghi \n") == b"abc.def.ghi"
    assert strip_body(b"abc. def") == b"abc. def"


def test_general_json_with_two_signatures() -> None:
    old, new = SigningKey.generate(), SigningKey.generate()
    document = sign_general(PAYLOAD, [old, new], typ="wijknet-key-rotation+jws")
    parsed = parse_general(document, typ="wijknet-key-rotation+jws")
    assert [s.kid for s in parsed.signatures] == [old.kid, new.kid]
    parsed.verify(old.public, parsed.signatures[0])
    parsed.verify(new.public, parsed.signatures[1])
    assert error_code(lambda: parsed.verify(new.public, parsed.signatures[0])) == "bad_signature"


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d["signatures"][0].update(header={"kid": "x"}),  # unprotected header
        lambda d: d.update(extra=1),
        lambda d: d.pop("signatures"),
        lambda d: d.update(signatures=[]),
        lambda d: d.update(payload=7),
        lambda d: d["signatures"][0].update(signature="a=="),
        lambda d: d.update(protected=d["signatures"][0]["protected"]),  # flattened members mixed in
    ],
)
def test_general_json_refusals_are_malformed(mutate) -> None:
    document = json.loads(sign_general(PAYLOAD, [SigningKey.generate()], typ=TYP))
    mutate(document)
    assert error_code(lambda: parse_general(json.dumps(document), typ=TYP)) == "malformed"


def test_general_json_checks_alg_and_typ_of_every_signature() -> None:
    key = SigningKey.generate()
    document = json.loads(sign_general(PAYLOAD, [key, key], typ=TYP))
    assert error_code(lambda: parse_general(json.dumps(document), typ="other+jws")) == "wrong_type"
    assert error_code(lambda: parse_general("[]", typ=TYP)) == "malformed"
    assert error_code(lambda: parse_general("{", typ=TYP)) == "malformed"


# --- interoperability -----------------------------------------------------------------------


def test_joserfc_verifies_what_we_sign_and_we_verify_what_it_signs() -> None:
    key = SigningKey.generate()
    their_key = OKPKey.import_key(key.public.jwk())
    token = sign_compact(PAYLOAD, key, typ=TYP)
    assert joserfc_jws.deserialize_compact(token, their_key, algorithms=[ALG]).payload == PAYLOAD

    theirs = OKPKey.generate_key("Ed25519")
    public = PublicKey.from_jwk(theirs.as_dict(private=False))
    header = {"alg": ALG, "kid": public.kid, "typ": TYP}
    token = joserfc_jws.serialize_compact(header, PAYLOAD, theirs, algorithms=[ALG])
    parsed = parse_compact(token, typ=TYP)
    parsed.verify(public)
    assert parsed.payload == PAYLOAD
    assert theirs.thumbprint() == public.kid  # the same RFC 7638 key id


def test_jwcrypto_verifies_what_we_sign_and_we_verify_what_it_signs() -> None:
    key = SigningKey.generate()
    their_key = jwcrypto_jwk.JWK(**key.public.jwk())
    verifier = jwcrypto_jws.JWS()
    verifier.deserialize(sign_compact(PAYLOAD, key, typ=TYP))
    verifier.allowed_algs = [ALG]
    verifier.verify(their_key)
    assert verifier.payload == PAYLOAD

    theirs = jwcrypto_jwk.JWK.generate(kty="OKP", crv="Ed25519")
    public = PublicKey.from_jwk(json.loads(theirs.export_public()))
    signer = jwcrypto_jws.JWS(PAYLOAD)
    signer.allowed_algs = [ALG]
    signer.add_signature(theirs, alg=ALG, protected=json.dumps({"alg": ALG, "kid": public.kid, "typ": TYP}))
    parsed = parse_compact(signer.serialize(compact=True), typ=TYP)
    parsed.verify(public)
    assert theirs.thumbprint() == public.kid


def test_jwcrypto_verifies_our_general_json_with_two_signatures() -> None:
    keys = [SigningKey.generate(), SigningKey.generate()]
    document = sign_general(PAYLOAD, keys, typ="wijknet-key-rotation+jws")
    for key in keys:
        verifier = jwcrypto_jws.JWS()
        verifier.deserialize(document)
        verifier.allowed_algs = [ALG]
        verifier.verify(jwcrypto_jwk.JWK(**key.public.jwk()))
        assert verifier.payload == PAYLOAD
