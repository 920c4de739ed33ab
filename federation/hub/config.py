"""The hub's configuration: `hub.toml` in the instance folder, then `WIJKNET_*` variables."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from federation.protocol.messages import DEFAULT_MIN_COUNT, PROTOCOL_MIN_COUNT
from wijknet.web.config import PLACEHOLDER_SECRETS, ConfigError

CONFIG_FILENAME = "hub.toml"
DATABASE_FILENAME = "hub.sqlite3"
SIGNING_KEY_FILENAME = "hub_key.pem"
HUB_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


@dataclass
class HubSettings:
    """Every key of `hub.toml`; `WIJKNET_<KEY>` overrides it."""

    hub_id: str = "stadscooperatie"
    name: str = "Stadscoöperatie"
    secret_key: str | None = None
    database_url: str | None = None
    # The smallest count a node may publish (spec section 4); agreed with the municipality.
    min_count: int = DEFAULT_MIN_COUNT
    # The older `EdDSA` name of the algorithm, which a receiver MAY accept (spec section 2).
    allow_eddsa: bool = True
    invitation_days: int = 7
    # The address nodes reach the hub at (https://hub.example.org), for the enrolment command the
    # invitation page shows; by default the address the page itself was opened at.
    public_url: str | None = None
    # A month's complete report is on time until the end of this day of the following month (Amsterdam).
    report_deadline_day: int = 10
    # The day of the month after a month (or quarter) on which its municipal report is made (Amsterdam);
    # after the deadline day, so that the report shows the figures that came on time.
    municipal_report_day: int = 12
    # Requests per minute from one key (or one client address) before 429 rate_limited.
    rate_limit_per_minute: int = 120
    secure_cookies: bool = True
    password_time_cost: int = 3
    password_memory_kib: int = 65536
    scheduler: bool = True
    testing: bool = False

    def database_url_for(self, instance_path: Path) -> str:
        return self.database_url or f"sqlite:///{instance_path / DATABASE_FILENAME}"

    def base_url(self, request_root: str) -> str:
        """The hub's address for nodes and other systems: `public_url`, else the one a page was opened at."""
        return (self.public_url or request_root).rstrip("/")

    def validate(self) -> None:
        """Refuse to start with a configuration that cannot be right."""
        if not self.testing and (self.secret_key or "").strip().lower() in PLACEHOLDER_SECRETS:
            raise ConfigError("secret_key is missing or a placeholder; run `wijknet hub init` to create one")
        if not HUB_ID_PATTERN.match(self.hub_id):
            raise ConfigError(f"hub_id {self.hub_id!r}: use lower-case letters, digits and '-'")
        if self.min_count < PROTOCOL_MIN_COUNT:
            raise ConfigError(f"min_count is at least {PROTOCOL_MIN_COUNT} (federation protocol, section 4)")
        if self.invitation_days < 1:
            raise ConfigError("invitation_days is at least 1")
        if self.rate_limit_per_minute < 1:
            raise ConfigError("rate_limit_per_minute is at least 1")
        if not 1 <= self.report_deadline_day <= 28:
            raise ConfigError("report_deadline_day is a day of the month from 1 to 28")
        if not 1 <= self.municipal_report_day <= 28:
            raise ConfigError("municipal_report_day is a day of the month from 1 to 28")
        if self.public_url is not None and not self.public_url.startswith(("https://", "http://")):
            raise ConfigError("public_url is an address like https://hub.example.org")
