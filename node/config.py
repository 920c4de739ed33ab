"""The node's configuration: `node.toml` in the instance folder, then `WIJKNET_*` variables."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from federation.protocol.areas import AreaLevel, area_level, contains
from wijknet.web.config import PLACEHOLDER_SECRETS, ConfigError

CONFIG_FILENAME = "node.toml"
DATABASE_FILENAME = "node.sqlite3"


@dataclass
class NodeSettings:
    """Every key of `node.toml`; `WIJKNET_<KEY>` overrides it."""

    name: str = "Wijkcoöperatie"
    node_id: str | None = None  # the node's id at the hub, as its invitation names it
    secret_key: str | None = None
    database_url: str | None = None
    municipality: str | None = None  # CBS code, GMxxxx
    wijk: str | None = None  # CBS code, WKxxxxxx: the node's own wijk
    buurten: dict[str, str] = field(default_factory=dict)  # BU code -> name, inside the wijk
    secure_cookies: bool = True  # False only for plain http on 127.0.0.1 (the demo)
    password_time_cost: int = 3
    password_memory_kib: int = 65536
    scheduler: bool = True  # run the daily jobs in this process
    hub_timeout_seconds: int = 30  # how long the node waits for its hub's answer before trying again later
    testing: bool = False

    def database_url_for(self, instance_path: Path) -> str:
        return self.database_url or f"sqlite:///{instance_path / DATABASE_FILENAME}"

    def validate(self) -> None:
        """Refuse to start with a configuration that cannot be right."""
        if not self.testing and (self.secret_key or "").strip().lower() in PLACEHOLDER_SECRETS:
            raise ConfigError("secret_key is missing or a placeholder; run `wijknet node init` to create one")
        if self.municipality is not None and area_level(self.municipality) != AreaLevel.MUNICIPALITY:
            raise ConfigError(f"municipality {self.municipality!r} is not a CBS code like GM0344")
        if self.wijk is not None:
            if area_level(self.wijk) != AreaLevel.WIJK:
                raise ConfigError(f"wijk {self.wijk!r} is not a CBS code like WK034402")
            if self.municipality and not contains(self.municipality, self.wijk):
                raise ConfigError(f"wijk {self.wijk} does not lie in municipality {self.municipality}")
        if not 1 <= self.hub_timeout_seconds <= 600:
            raise ConfigError("hub_timeout_seconds must lie between 1 and 600")
        for code in self.buurten:
            if area_level(code) != AreaLevel.BUURT:
                raise ConfigError(f"buurt {code!r} is not a CBS code like BU03440201")
            if self.wijk and not contains(self.wijk, code):
                raise ConfigError(f"buurt {code} does not lie in wijk {self.wijk}")
