"""The demo city's reference data: GM0344 Utrecht and its ten wijken, codes and names as CBS publishes them.

Checked against CBS's "Kerncijfers wijken en buurten" (CBS names the wijken
"Wijk 01 West" ... "Wijk 10 Vleuten-De Meern"). No population is shipped as
fact: `example_utrecht.csv` has example figures for the demo, marked so.
"""

from __future__ import annotations

from pathlib import Path

UTRECHT = ("GM0344", "Utrecht")
UTRECHT_WIJKEN: tuple[tuple[str, str], ...] = (
    ("WK034401", "Wijk 01 West"),
    ("WK034402", "Wijk 02 Noordwest"),
    ("WK034403", "Wijk 03 Overvecht"),
    ("WK034404", "Wijk 04 Noordoost"),
    ("WK034405", "Wijk 05 Oost"),
    ("WK034406", "Wijk 06 Binnenstad"),
    ("WK034407", "Wijk 07 Zuid"),
    ("WK034408", "Wijk 08 Zuidwest"),
    ("WK034409", "Wijk 09 Leidsche Rijn"),
    ("WK034410", "Wijk 10 Vleuten-De Meern"),
)
SEED_SOURCE = "CBS, gebiedsindeling (codes en namen van gemeente en wijken)"
EXAMPLE_CSV = Path(__file__).with_name("example_utrecht.csv")
EXAMPLE_YEAR = 2024  # the year the example figures pretend to be for; they are not CBS figures
