"""The example city: a hub and the real wijken the demo's nodes serve, their folders and ports.

The wijk codes and names are checked against CBS's "Kerncijfers wijken en
buurten". The buurt codes follow CBS's pattern, but their real names could not
be checked, so they carry names marked as examples, never names passed off as
fact. For the same reason the city has only these three wijken: more would
need code-name pairs nobody here has checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

UTRECHT = "GM0344"
BUURTEN_PER_WIJK = 4
HUB_ID = "samen030-demo"
HUB_NAME = "Stadscoöperatie Utrecht (voorbeeld)"
# For the hub and every node: plain http on 127.0.0.1, so no Secure cookies; quick logins instead of
# a production Argon2 cost.
LOCAL_SETTINGS: dict[str, Any] = {"secure_cookies": False, "password_time_cost": 1, "password_memory_kib": 8192}


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
class ServerPlan:
    """Where one of the demo's servers keeps its instance and log, and where it listens."""

    name: str
    instance: Path
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass(frozen=True)
class NodePlan(ServerPlan):
    wijk: DemoWijk


@dataclass(frozen=True)
class CityPlan:
    root: Path
    hub: ServerPlan
    nodes: tuple[NodePlan, ...]

    @property
    def ports(self) -> list[int]:
        return [self.hub.port, *(node.port for node in self.nodes)]


def plan_city(root: Path, port: int, nodes: int = len(WIJKEN)) -> CityPlan:
    """The hub on `port`, then one node per wijk, in the order of WIJKEN, on the ports after it."""
    if not 1 <= nodes <= len(WIJKEN):
        raise ValueError(f"the demo city has 1 to {len(WIJKEN)} nodes")
    logs = root / "logs"
    hub = ServerPlan("hub", root / "hub", port, logs / "hub.log")
    plans = tuple(
        NodePlan(wijk.node_id, root / wijk.node_id, port + 1 + index, logs / f"{wijk.node_id}.log", wijk)
        for index, wijk in enumerate(WIJKEN[:nodes])
    )
    return CityPlan(root, hub, plans)
