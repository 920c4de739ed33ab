"""Detached signatures over files, checked by us and by an independent JOSE library."""

from __future__ import annotations

import pytest
from jwcrypto import jwk as jwcrypto_jwk
from jwcrypto import jws as jwcrypto_jws

from federation.protocol.detached import MUNICIPAL_REPORT_TYP, sign_detached, verify_detached
from federation.protocol.jws import JwsError
from federation.protocol.keys import SigningKey

PDF = b"%PDF-1.4\n\x00\xff binary content, not JSON\n%%EOF"


def test_a_file_and_its_signature_verify_and_nothing_else_does() -> None:
    key = SigningKey.generate()
    signature = sign_detached(PDF, key)
    assert signature.split(".")[1] == ""
    keys = {key.kid: key.public}
    assert verify_detached(signature, PDF, keys) == key.kid
    with pytest.raises(JwsError) as caught:
        verify_detached(signature, PDF + b" ", keys)
    assert caught.value.code == "bad_signature"
    with pytest.raises(JwsError) as caught:
        verify_detached(signature, PDF, {})
    assert caught.value.code == "unknown_key"
    with pytest.raises(JwsError) as caught:
        verify_detached(signature.replace("..", ".eA."), PDF, keys)
    assert caught.value.code == "malformed"


def test_jwcrypto_checks_our_detached_signature() -> None:
    key = SigningKey.generate()
    signature = sign_detached(PDF, key)
    verifier = jwcrypto_jws.JWS()
    verifier.deserialize(signature)
    verifier.allowed_algs = ["Ed25519"]
    verifier.verify(jwcrypto_jwk.JWK(**key.public.jwk()), detached_payload=PDF)
    assert verifier.jose_header["typ"] == MUNICIPAL_REPORT_TYP
