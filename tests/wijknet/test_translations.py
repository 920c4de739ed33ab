"""Every text of the interface has its Dutch translation, and the compiled catalogue is up to date."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "wijknet" / "translations" / "nl" / "LC_MESSAGES"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


def texts_in_the_code() -> set[str]:
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _key(value: str | tuple[str, ...] | list[str]) -> str | tuple[str, ...]:
    """A plural entry's id and text are sequences (singular, plural): as tuples they compare and hash."""
    return value if isinstance(value, str) else tuple(value)


def _singular(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def _is_translated(string: str | tuple[str, ...]) -> bool:
    return bool(string) if isinstance(string, str) else all(string)  # every plural form


def test_every_text_has_a_dutch_translation() -> None:
    with (CATALOGUE / "messages.po").open("rb") as fh:
        catalogue = read_po(fh)
    translated = {_singular(m.id): m for m in catalogue if m.id}
    needed = texts_in_the_code()
    missing = sorted(t for t in needed if t not in translated or not _is_translated(_key(translated[t].string)))
    assert missing == [], "run `make translations` and translate these in messages.po"
    fuzzy = sorted(m.id for m in translated.values() if m.fuzzy)
    assert fuzzy == []
    unused = sorted(set(translated) - needed)
    assert unused == [], "texts no longer in the code: run `make translations`"


def test_the_compiled_catalogue_matches_the_translations() -> None:
    with (CATALOGUE / "messages.po").open("rb") as fh:
        catalogue = read_po(fh)
    with (CATALOGUE / "messages.mo").open("rb") as fh:
        compiled = read_mo(fh)
    assert {_key(m.id): _key(m.string) for m in compiled if m.id} == {
        _key(m.id): _key(m.string) for m in catalogue if m.id
    }
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)  # and it compiles
    assert buffer.getvalue()
