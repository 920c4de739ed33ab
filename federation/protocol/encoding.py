"""Strict encodings of the protocol (spec section 2): base64url without padding, and JSON.

Strictness is a security property here. A lenient base64 decoder accepts
several spellings of the same bytes, so one signed report could arrive as
two different byte strings; a lenient JSON parser accepts duplicate members,
and two parsers may then read two different values from one signed payload.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import msgspec

_B64URL_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# base64url to base64 in one pass, and every byte outside the base64url alphabet to "!", which no
# base64 decoder takes (the standard alphabet's own "+" and "/" as well, and "=").
_TO_BASE64 = bytes(
    _B64_ALPHABET[_B64URL_ALPHABET.index(byte)] if byte in _B64URL_ALPHABET else ord("!") for byte in range(256)
)


class EncodingError(ValueError):
    """Bytes that are not what the protocol says they must be."""


def b64url_encode(data: bytes) -> str:
    """RFC 4648 section 5, without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url; anything else (padding, other characters, stray bits) is refused."""
    if not isinstance(text, str) or not text.isascii():
        raise EncodingError("not unpadded base64url")
    raw = text.encode("ascii")
    if len(raw) % 4 == 1:
        raise EncodingError("not unpadded base64url")
    # msgspec's base64 decoder (of a JSON string into bytes) takes a report's 100 KiB in a third
    # of the time of the standard library's, and refuses every character outside the alphabet.
    quoted = b'"' + raw.translate(_TO_BASE64) + b"=" * (-len(raw) % 4) + b'"'
    try:
        data = msgspec.json.decode(quoted, type=bytes)
    except msgspec.MsgspecError:
        raise EncodingError("not unpadded base64url") from None
    # Non-zero trailing bits make a second spelling of the same bytes. Only the last group of
    # 2 or 3 characters (1 or 2 bytes) has such bits, so only it is encoded again to compare.
    tail = len(raw) % 4
    if tail and b64url_encode(data[len(data) - tail + 1 :]) != text[-tail:]:
        raise EncodingError("not the canonical base64url of its bytes")
    return data


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Built in C: a report holds a thousand objects. Only one that lost a member is searched.
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise EncodingError(f"duplicate member {key!r}")
            seen.add(key)
    return result


def _no_constants(name: str) -> Any:
    raise EncodingError(f"{name} is not JSON")


def json_loads(data: bytes | str) -> Any:
    """Parse JSON (RFC 8259, UTF-8) strictly: no duplicate members, no NaN or Infinity."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except UnicodeDecodeError:
        raise EncodingError("not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise EncodingError(f"not JSON: {exc.msg}") from None
    except EncodingError:
        raise
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise EncodingError("a number too long to read") from None
    except RecursionError:
        raise EncodingError("nested too deeply") from None


def json_object(data: bytes | str) -> dict[str, Any]:
    """Parse bytes that must hold one JSON object."""
    value = json_loads(data)
    if not isinstance(value, dict):
        raise EncodingError("not a JSON object")
    return value


def json_dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, the bytes a node signs (no canonicalisation needed: the bytes are kept)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
