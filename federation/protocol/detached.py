"""Detached signatures over files (RFC 7515 appendix F): the hub signs what it publishes.

A municipal report is a file (JSON, CSV or PDF) that people open as it is;
its signature travels beside it as a compact JWS whose payload part is
empty. Whoever holds the file and the signature checks them with the hub's
public key from `/.well-known/wijknet`, with any JOSE library that supports
detached content.
"""

from __future__ import annotations

from federation.protocol.encoding import EncodingError, b64url_decode, b64url_encode
from federation.protocol.jws import JwsError, parse_header, sign_compact
from federation.protocol.keys import ED25519_SIGNATURE_BYTES, PublicKey, SigningKey

MUNICIPAL_REPORT_TYP = "wijknet-municipal-report+jws"


def sign_detached(content: bytes, key: SigningKey, *, typ: str = MUNICIPAL_REPORT_TYP) -> str:
    """`header..signature`: the compact JWS over `content` with the payload part left out."""
    protected, _, signature = sign_compact(content, key, typ=typ).split(".")
    return f"{protected}..{signature}"


def verify_detached(
    signature: str, content: bytes, keys: dict[str, PublicKey], *, typ: str = MUNICIPAL_REPORT_TYP
) -> str:
    """Check a detached signature over `content`; returns the signing kid, else raises JwsError."""
    parts = signature.strip().split(".")
    if len(parts) != 3 or parts[1] != "":
        raise JwsError("malformed", "a detached JWS is header..signature, with an empty middle part")
    header = parse_header(parts[0], typ=typ)
    key = keys.get(header["kid"])
    if key is None:
        raise JwsError("unknown_key", f"no hub key {header['kid']}")
    try:
        value = b64url_decode(parts[2])
    except EncodingError:
        raise JwsError("malformed", "the signature is not base64url") from None
    signing_input = f"{parts[0]}.{b64url_encode(content)}".encode("ascii")
    if len(value) != ED25519_SIGNATURE_BYTES or not key.verify(value, signing_input):
        raise JwsError("bad_signature", "the signature does not match the file")
    return header["kid"]
