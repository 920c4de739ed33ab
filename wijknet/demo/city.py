"""The example city: which real wijken the demo's nodes serve, their folders and ports.

The wijk codes and names are checked against CBS's "Kerncijfers wijken en
buurten". The buurt codes follow CBS's pattern, but their real names could not
be checked, so they carry names marked as examples, never names passed off as
fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

UTRECHT = "GM0344"
BUURTEN_PER_WIJK = 4


@dataclass(frozen=True)
class DemoWijk:
    node_id: str
    code: str  # CBS wijk code
    name: str  # CBS wijk name
    postcode_districts: tuple[str, ...]  # for the example addresses

    @property
    def cooperative(self) -> str:
        return f"Wijkcoöperatie {self.name} (voorbeeld)"

    @property
    def buurten(self) -> dict[str, str]:
        return {f"BU{self.code[2:]}{i:02d}": f"Buurt {i} (voorbeeld)" for i in range(1, BUURTEN_PER_WIJK + 1)}


# The city demo takes the first `--nodes` of these, in this order.
WIJKEN: tuple[DemoWijk, ...] = (
    DemoWijk("noordwest", "WK034402", "Noordwest", ("3551", "3552", "3553", "3554")),
    DemoWijk("overvecht", "WK034403", "Overvecht", ("3561", "3562", "3563", "3564")),
    DemoWijk("west", "WK034401", "West", ("3531", "3532", "3533")),
)


@dataclass(frozen=True)
class NodePlan:
    wijk: DemoWijk
    instance: Path
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass(frozen=True)
class CityPlan:
    root: Path
    nodes: tuple[NodePlan, ...]


def plan_city(root: Path, port: int, nodes: int = 1) -> CityPlan:
    """One node per wijk, in the order of WIJKEN, on `port` and the ports after it."""
    if not 1 <= nodes <= len(WIJKEN):
        raise ValueError(f"the demo city has 1 to {len(WIJKEN)} nodes")
    plans = tuple(
        NodePlan(wijk, root / wijk.node_id, port + index, root / "logs" / f"{wijk.node_id}.log")
        for index, wijk in enumerate(WIJKEN[:nodes])
    )
    return CityPlan(root, plans)
