"""Reading CBS's key-figures CSV in both its forms; the fixtures' numbers are made up, only the format is CBS's."""

from __future__ import annotations

from pathlib import Path

import pytest

from federation.hub.areas.cbs_csv import CbsFileError, column_key, decode, read_cbs_csv
from federation.protocol.areas import AreaLevel

HERE = Path(__file__).parent


def test_the_open_data_export_with_padded_codes_and_technical_headers() -> None:
    parsed = read_cbs_csv(decode((HERE / "kwb_opendata.csv").read_bytes()))
    rows = {r.code: r for r in parsed.rows}
    assert list(rows) == ["GM0344", "WK034401", "BU03440101", "BU03440102", "GM0363"]
    assert rows["GM0344"].name == "Utrecht" and rows["GM0344"].population == 700
    assert rows["WK034401"].level == AreaLevel.WIJK and rows["WK034401"].name is None  # the code only
    assert rows["BU03440101"].population is None and rows["BU03440102"].population is None  # "." and "x"
    reasons = {s.line: s.reason for s in parsed.skipped}
    assert reasons == {
        2: "NL00 is not a municipality (GM), wijk (WK) or buurt (BU) code",
        7: "the code WK034402 is a wijk, but Soort regio says 'Buurt'",
        8: "population '12,5' is not a whole number",
        10: "WK034401 came before, on line 4",
    }


def test_the_statline_download_with_dutch_headers_title_and_footer() -> None:
    parsed = read_cbs_csv(decode((HERE / "kwb_statline.csv").read_bytes()))
    rows = {r.code: r for r in parsed.rows}
    assert rows["WK034401"].name == "Wijk 01 West" and rows["WK034401"].population == 300
    assert rows["BU03440101"].population is None
    assert rows["WK034402"].population == 0  # "-" is CBS's nil
    assert rows["WK034403"].population == 1200  # spaces between thousands
    assert [(s.line, s.reason) for s in parsed.skipped] == [(10, "no area code")]  # "Bron: CBS"


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("AantalInwoners_5", "population"),
        ("Aantal inwoners (aantal)", "population"),
        ("Bevolking/Aantal inwoners", "population"),
        ('"Codering_3"', "code"),
        ("Wijken en buurten", "region"),
        ("SoortRegio_2", "kind"),
        ("Gemeentenaam_1", "municipality_name"),
        ("Bron", "source"),
        ("Mannen_6", None),
    ],
)
def test_headers_are_recognised_in_either_spelling(header: str, key: str | None) -> None:
    assert column_key(header) == key


def test_a_file_that_is_not_cbs_key_figures_is_refused_whole() -> None:
    with pytest.raises(CbsFileError, match="no header"):
        read_cbs_csv("name;value\nfoo;1\n")
    with pytest.raises(CbsFileError, match="no population column"):
        read_cbs_csv("Codering;Gemeentenaam\nGM0344;Utrecht\n")


def test_older_downloads_in_windows_1252_are_read() -> None:
    text = '"Wijken en buurten";"Codering";"Aantal inwoners"\n"Súdwest-Fryslân";"GM1900";"90"\n'
    parsed = read_cbs_csv(decode(text.encode("cp1252")))
    assert parsed.rows[0].name == "Súdwest-Fryslân"
    assert decode(b"\xef\xbb\xbfCodering") == "Codering"  # a byte-order mark is dropped
