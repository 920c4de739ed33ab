"""Every accepted report verbatim, the head revision per node and month, and the current figures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from federation.hub.extensions import db
from wijknet.web.database import utcnow


class Report(db.Model):
    """One accepted report: the JWS as received (verifiable years later) and its receipt."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[str] = mapped_column(String(36), unique=True)
    node_id: Mapped[str] = mapped_column(ForeignKey("nodes.node_id"))
    period: Mapped[str] = mapped_column(String(7))
    revision: Mapped[int]
    complete: Mapped[bool]
    issued_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    min_count: Mapped[int]
    figure_count: Mapped[int]
    kid: Mapped[str] = mapped_column(String(64))
    jws: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(60))
    receipt: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("node_id", "period", "revision", name="uq_reports_node_period_revision"),
        Index("ix_reports_period_node", "period", "node_id"),
    )


class ReportHead(db.Model):
    """The revision that counts for one node and month: the highest one received."""

    __tablename__ = "report_heads"

    node_id: Mapped[str] = mapped_column(ForeignKey("nodes.node_id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    report_pk: Mapped[int] = mapped_column(ForeignKey("reports.id"))
    revision: Mapped[int]
    # The report whose figures are in `figures`; behind `report_pk` until the projection catches up.
    projected_pk: Mapped[int | None]

    __table_args__ = (
        # Every reader first asks for the heads not projected yet (`project_pending`): nearly always none. A partial
        # index holds only those, so the question costs a probe instead of a scan of every node-month.
        Index(
            "ix_report_heads_pending",
            "node_id",
            "period",
            postgresql_where=text("projected_pk IS NULL OR projected_pk != report_pk"),
            sqlite_where=text("projected_pk IS NULL OR projected_pk != report_pk"),
        ),
    )


class Figure(db.Model):
    """One current figure: the head revision's value for a node, month, area, category and metric."""

    __tablename__ = "figures"

    node_id: Mapped[str] = mapped_column(ForeignKey("nodes.node_id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    area: Mapped[str] = mapped_column(String(10), primary_key=True)
    category: Mapped[str] = mapped_column(String(24), primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[float | None]  # None when suppressed
    suppressed: Mapped[bool]
    revision: Mapped[int]

    __table_args__ = (
        Index("ix_figures_period_metric", "period", "metric", "category", "area"),
        # The dashboards' reads of one metric in an area (a buurt, the wijken of a municipality) over months;
        # covering (node, value, suppressed), so that a read touches no table row: the rows of one metric lie
        # scattered over the table, one a block.
        Index("ix_figures_metric_area", "metric", "category", "area", "period", "node_id", "suppressed", "value"),
    )


class FigureTotal(db.Model):
    """The current figures over nodes, per month, municipality or wijk, category and metric.

    Each node contributes the figures of its largest areas inside the
    municipality or wijk (a node reporting its wijk and the wijk's buurten
    counts with the wijk's figure, once). For flows, stocks and distinct
    counts the month's published values are added (`value_millionths`);
    the projection adds a node-month's new contribution and takes its old
    one off, in whole millionths so that nothing is left over from rounding.
    Statistics never add: for them the lowest and highest published value,
    made again for each municipality-month that changed.
    """

    __tablename__ = "figure_totals"

    area: Mapped[str] = mapped_column(String(10), primary_key=True)  # a GM or WK code
    category: Mapped[str] = mapped_column(String(24), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    cells: Mapped[int]  # the node-month figures counted here, suppressed ones included
    suppressed: Mapped[int]
    value_millionths: Mapped[int | None] = mapped_column(BigInteger)  # the published sum; None for a statistic
    lowest_millionths: Mapped[int | None] = mapped_column(BigInteger)  # statistics only
    highest_millionths: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        # One metric for the wijken of a municipality over months (needs and gaps, a table per wijk); covering.
        Index(
            "ix_figure_totals_metric",
            "metric",
            "period",
            "area",
            "category",
            "cells",
            "suppressed",
            "value_millionths",
            "lowest_millionths",
            "highest_millionths",
        ),
        # The same, for the wijken of a municipality in one category or a few (needs and gaps, a table per wijk):
        # metric, category and the range of the municipality's wijk codes bound the read, where the index above
        # reads every area and category of each month (it serves remaking the statistics of a month: all categories).
        Index(
            "ix_figure_totals_metric_category",
            "metric",
            "category",
            "area",
            "period",
            "cells",
            "suppressed",
            "value_millionths",
            "lowest_millionths",
            "highest_millionths",
        ),
    )
