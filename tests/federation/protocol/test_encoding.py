"""Strict base64url and JSON: one spelling per value, no ambiguity between parsers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from federation.protocol.encoding import EncodingError, b64url_decode, b64url_encode, json_dumps, json_object


@given(st.binary(max_size=200))
def test_base64url_round_trip(data: bytes) -> None:
    text = b64url_encode(data)
    assert "=" not in text and "+" not in text and "/" not in text
    assert b64url_decode(text) == data


@pytest.mark.parametrize("text", ["YQ==", "YQ=", "a+b/", "Y Q", "YR", "A", "é", "YQ\n"])
def test_non_canonical_or_foreign_base64_is_refused(text: str) -> None:
    # "YR" decodes to b"a" in lenient decoders (stray low bits), like "YQ".
    with pytest.raises(EncodingError):
        b64url_decode(text)


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": 1, "a": 2}',
        b'{"value": NaN}',
        b'{"value": Infinity}',
        b"[1, 2]",
        b'"text"',
        b"\xff\xfe{}",
        b"{",
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_ambiguous_or_non_object_json_is_refused(data: bytes) -> None:
    with pytest.raises(EncodingError):
        json_object(data)


def test_json_dumps_is_compact_utf8() -> None:
    assert json_dumps({"name": "Buurtcoöperatie", "n": [1, 2.5]}) == '{"name":"Buurtcoöperatie","n":[1,2.5]}'.encode()
    with pytest.raises(ValueError):
        json_dumps({"value": float("nan")})
