"""The CBS areas the hub knows by name, with their population where the city cooperative imported it."""

from __future__ import annotations

import re

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from federation.hub.extensions import db
from federation.protocol.areas import AreaLevel
from wijknet.web.database import enum_column

CBS_WIJK_PREFIX = re.compile(r"^Wijk \d+ ")  # CBS names wijken "Wijk 01 West"


class ReferenceArea(db.Model):
    """A municipality, wijk or buurt: its CBS code and name, and its population in one year from one source."""

    __tablename__ = "reference_areas"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))  # None: known by its code only
    level: Mapped[AreaLevel] = mapped_column(enum_column(AreaLevel))
    parent_code: Mapped[str | None] = mapped_column(String(10))  # the wijk of a buurt, the municipality of a wijk
    population: Mapped[int | None]
    population_year: Mapped[int | None]
    # Where the name and population come from, shown beside every rate: a CBS table, or "example figures".
    source: Mapped[str] = mapped_column(String(300))

    __table_args__ = (Index("ix_reference_areas_parent", "parent_code", "code"),)

    @property
    def short_name(self) -> str:
        """The name without CBS's "Wijk 01 " prefix, or the code when there is no name."""
        if not self.name:
            return self.code
        return CBS_WIJK_PREFIX.sub("", self.name) if self.level == AreaLevel.WIJK else self.name
