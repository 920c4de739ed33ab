"""The report as a printable PDF (A4, Dutch), drawn with ReportLab from the same content as the JSON and CSV.

The font is Bitstream Vera, which ReportLab ships: the PDF's built-in
Helvetica has no "≥", and the report must not depend on the fonts of the
machine it is made on. Tables repeat their header row on every page they
run over; every page says which report it belongs to and its number.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import reportlab
from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from federation.hub.dashboards.completeness import ReportingState
from federation.hub.municipal.content import LotDelivery, ReportContent, TrendLine, Wijk
from federation.hub.municipal.document import (
    REPORT_LANGUAGE,
    ReportMeta,
    category_label,
    explanations,
    file_name,
    metric_label,
    moment_label,
    month_label,
    period_label,
)
from federation.hub.municipal.numbers import dutch_money, dutch_number, money_text, total_text
from federation.hub.settings.models import ValuationMethod
from federation.protocol.codelists import ALL_CATEGORIES, CATEGORY_CODES
from federation.protocol.combine import Total

FONT, BOLD = "WijknetVera", "WijknetVera-Bold"
FONTS_DIR = Path(reportlab.__file__).parent / "fonts"
INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#5f6b7a")
RULE = colors.HexColor("#c9d1da")
HEAD = colors.HexColor("#e8eef4")
BAR = colors.HexColor("#2f6f9f")
BAR_BOUND = colors.HexColor("#9cc2de")  # a lower bound: the bar may be taller
# The per-category table of a wijk: the metrics people ask about first.
CATEGORY_COLUMNS = (
    "requests_new",
    "requests_matched",
    "requests_done",
    "requests_open_end",
    "offers_active",
    "volunteers_active",
    "volunteer_hours",
)
MARGIN = 18 * mm


def _register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONTS_DIR / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONTS_DIR / "VeraBd.ttf")))


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, textColor=INK, spaceAfter=4)
    return {
        "body": base,
        "small": ParagraphStyle("small", base, fontSize=8, leading=10.5, textColor=MUTED),
        "title": ParagraphStyle("title", base, fontName=BOLD, fontSize=20, leading=25, spaceAfter=10),
        "h1": ParagraphStyle("h1", base, fontName=BOLD, fontSize=14, leading=18, spaceBefore=12, spaceAfter=6),
        "h2": ParagraphStyle("h2", base, fontName=BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10, spaceAfter=0),
        "num": ParagraphStyle("num", base, fontSize=8, leading=10, spaceAfter=0, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", base, fontName=BOLD, fontSize=7, leading=8.5, spaceAfter=0, alignment=TA_RIGHT),
    }


def _table(rows: list[list[Any]], widths: list[float], *, numeric_from: int = 1, header: bool = True) -> Table:
    """A table whose header row comes back on every page it runs over."""
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), BOLD if header else FONT, 8),
                ("FONT", (0, 1), (-1, -1), FONT, 8),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD if header else colors.white),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table


class _NumberedCanvas(Canvas):
    """Draws "page n of m" once every page is known (ReportLab's two-pass idiom)."""

    footer_left = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(FONT, 7.5)
            self.setFillColor(MUTED)
            self.drawString(MARGIN, 10 * mm, self.footer_left)
            with force_locale(REPORT_LANGUAGE):
                text = _("Page %(page)s of %(pages)s", page=self._pageNumber, pages=total)
            self.drawRightString(A4[0] - MARGIN, 10 * mm, text)
            super().showPage()
        super().save()


def render_pdf(content: ReportContent, meta: ReportMeta, hub_name: str) -> bytes:
    """The printable report."""
    _register_fonts()
    styles = _styles()
    with force_locale(REPORT_LANGUAGE):
        story = [
            *_title_block(content, meta, hub_name, styles),
            *_reading_guide(content, meta, styles),
            *_trends(content.trends, styles),
            *_wijken(content, styles),
            *_completeness(content, styles),
            *_social_value(content, styles),
            *_tenders(content.tenders, styles),
            *_signature(content, meta, styles),
        ]
        footer = _(
            "Report %(municipality)s · %(period)s · version %(revision)s",
            municipality=content.municipality,
            period=content.period,
            revision=meta.revision,
        )
    out = io.BytesIO()
    name = municipality_title(content)
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{name} · {period_label(content.period)}",
        author=hub_name,
        subject=file_name(content.municipality, content.period, meta.revision, "pdf"),
        lang="nl-NL",
    )
    canvas_class = type("ReportCanvas", (_NumberedCanvas,), {"footer_left": footer})
    document.build(story, canvasmaker=canvas_class)
    return out.getvalue()


def municipality_title(content: ReportContent) -> str:
    if content.municipality_name:
        return f"{content.municipality_name} ({content.municipality})"
    return content.municipality


def _title_block(content: ReportContent, meta: ReportMeta, hub_name: str, styles: dict) -> list:
    label = _("Report to the municipality")
    rows = [
        [_("Municipality"), municipality_title(content)],
        [_("Period"), f"{period_label(content.period)} ({content.period})"],
        [_("Revision"), str(meta.revision)],
        [_("Made at"), moment_label(meta.made_at)],
        [_("Made by"), f"{hub_name} ({meta.hub_id})"],
        [_("Content digest"), Paragraph(meta.digest, styles["small"])],
    ]
    block = Table(rows, colWidths=[46 * mm, 128 * mm], hAlign="LEFT")
    block.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (0, -1), BOLD, 9.5),
                ("FONT", (1, 0), (1, -1), FONT, 9.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("BOX", (0, 0), (-1, -1), 0.8, BAR),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f4f8fb")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    intro = _(
        "The figures of the neighbourhood cooperatives in this municipality, as the city hub has received them. "
        "The same report is available as JSON and CSV; each file is signed by the hub."
    )
    return [Paragraph(label, styles["title"]), block, Spacer(1, 6), Paragraph(intro, styles["body"])]


def _reading_guide(content: ReportContent, meta: ReportMeta, styles: dict) -> list:
    texts = explanations(content, meta)
    return [
        Paragraph(_("How to read the figures"), styles["h1"]),
        Paragraph(texts["lower_bound"], styles["body"]),
        Paragraph(texts["disclosure"], styles["body"]),
        Paragraph(
            _(
                "Of the %(expected)s monthly reports the cooperatives owed for this period, %(missing)s have not "
                "come in; the totals they belong to are lower bounds.",
                expected=content.expected_node_months,
                missing=content.missing_node_months,
            ),
            styles["body"],
        ),
    ]


def _trends(trends: list[TrendLine], styles: dict) -> list:
    story: list = [
        Paragraph(_("Key figures: the last twelve months"), styles["h1"]),
        Paragraph(_("The whole municipality, all categories. A lighter bar is a lower bound (≥)."), styles["small"]),
    ]
    for line in trends:
        months = [p for p, _t in line.points]
        header = [_("Month"), *[month_label(m, "MMM yy") for m in months]]
        values = [_("Figure"), *[total_text(t) for _p, t in line.points]]
        width = (A4[0] - 2 * MARGIN - 34 * mm) / max(1, len(months))
        table = _table([header, values], [34 * mm, *[width] * len(months)])
        table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 6.5), ("FONT", (0, 0), (0, 0), BOLD, 7)]))
        story.append(KeepTogether([Paragraph(metric_label(line.metric), styles["h2"]), _bar_chart(line), table]))
    return story


def _bar_chart(line: TrendLine) -> Drawing:
    width, height = A4[0] - 2 * MARGIN, 34 * mm
    drawing = Drawing(width, height)
    values = [float(t.value) if t.value is not None else 0.0 for _p, t in line.points]
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 34 * mm, 6 * mm, width - 34 * mm, height - 9 * mm
    chart.data = [values]
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    for index, (_p, total) in enumerate(line.points):
        if total.lower_bound:
            chart.bars[(0, index)].fillColor = BAR_BOUND
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 6.5
    chart.valueAxis.labelTextFormat = lambda v: dutch_number(Decimal(str(v)))
    chart.valueAxis.strokeColor = RULE
    chart.categoryAxis.categoryNames = [month_label(p, "MMM") for p, _t in line.points]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.strokeColor = RULE
    chart.barWidth = 6
    if not any(values):
        drawing.add(String(34 * mm, height / 2, _("No figures for these months."), fontName=FONT, fontSize=8))
        return drawing
    drawing.add(chart)
    return drawing


def _wijken(content: ReportContent, styles: dict) -> list:
    story: list = [
        Paragraph(_("Per wijk"), styles["h1"]),
        Paragraph(
            _("Every indicator per wijk and category is in the CSV and JSON files; here the most asked for."),
            styles["small"],
        ),
    ]
    if not content.wijken:
        story.append(Paragraph(_("No cooperative reports on a wijk of this municipality yet."), styles["body"]))
    figures = {(i.wijk, i.category, i.metric): i.total for i in content.indicators}
    for wijk in content.wijken:
        story.extend(_wijk(wijk, figures, styles))
    return story


def _wijk(wijk: Wijk, figures: dict[tuple[str, str, str], Total], styles: dict) -> list:
    title = f"{wijk.name} ({wijk.code})" if wijk.name else wijk.code
    nodes = _("%(count)s cooperative(s) report on this wijk.", count=wijk.nodes)
    overall = [[_("Indicator"), _("All categories")]]
    for (code, category, metric), total in figures.items():
        if code == wijk.code and category == ALL_CATEGORIES:
            overall.append([metric_label(metric), total_text(total)])
    per_category = [[_("Category"), *[Paragraph(metric_label(m), styles["head"]) for m in CATEGORY_COLUMNS]]]
    for category in CATEGORY_CODES:
        cells = [figures.get((wijk.code, category, m)) for m in CATEGORY_COLUMNS]
        if all(c is None or c.value is None for c in cells):
            continue  # nothing reported in this category: a row of dashes says nothing
        per_category.append([category_label(category), *[total_text(c) for c in cells]])
    story: list = [
        KeepTogether(
            [
                Paragraph(title, styles["h2"]),
                Paragraph(nodes, styles["small"]),
                _table(overall, [70 * mm, 30 * mm]),
            ]
        )
    ]
    if len(per_category) > 1:
        widths = [40 * mm, *[(A4[0] - 2 * MARGIN - 40 * mm) / len(CATEGORY_COLUMNS)] * len(CATEGORY_COLUMNS)]
        story.extend([Spacer(1, 4), _table(per_category, widths)])
    return story


def _state_labels() -> dict[ReportingState, str]:
    return {
        ReportingState.ON_TIME: _("on time"),
        ReportingState.LATE: _("came in late"),
        ReportingState.PARTIAL: _("partial only"),
        ReportingState.MISSING: _("missing"),
        ReportingState.AWAITED: _("awaited"),
        ReportingState.NOT_EXPECTED: _("not expected"),
    }


def _completeness(content: ReportContent, styles: dict) -> list:
    story: list = [
        Paragraph(_("Completeness of reporting"), styles["h1"]),
        Paragraph(
            _(
                "Per cooperative and month: did its report come in by the deadline, the end of day %(day)s of the "
                "following month?",
                day=content.deadline_day,
            ),
            styles["body"],
        ),
    ]
    if not content.reporting:
        story.append(Paragraph(_("No cooperative of this municipality is registered yet."), styles["body"]))
        return story
    rows = [[_("Cooperative"), *[month_label(m, "MMM yyyy") for m in content.months]]]
    labels = _state_labels()
    for node in content.reporting:
        cells = []
        for month in node.months:
            text = labels[month.state]
            if month.revision:
                text += " " + _("(version %(revision)s)", revision=month.revision)
            cells.append(text)
        rows.append([Paragraph(f"{node.name} <font color='#5f6b7a'>({node.node_id})</font>", styles["cell"]), *cells])
    width = (A4[0] - 2 * MARGIN - 60 * mm) / max(1, len(content.months))
    story.append(_table(rows, [60 * mm, *[width] * len(content.months)]))
    return story


def _method_label(method: ValuationMethod) -> str:
    return _("replacement cost") if method == ValuationMethod.REPLACEMENT_COST else _("market price")


def _social_value(content: ReportContent, styles: dict) -> list:
    value = content.social_value
    story: list = [Paragraph(_("Social value"), styles["h1"]), Paragraph(explanations_social(), styles["body"])]
    rows = [[_("Volunteer hours"), total_text(value.hours)]]
    if value.euros is None:
        rows.append([_("Value"), _("no rate set for these months")])
    else:
        rows.append([_("Value"), money_text(value.euros)])
    story.extend([_table(rows, [70 * mm, 40 * mm], header=False), Spacer(1, 4)])
    for part in value.parts:
        terms = _(
            "%(hours)s hours in %(months)s at %(rate)s an hour (%(method)s), source: %(source)s",
            hours=total_text(part.hours),
            months=", ".join(month_label(m) for m in part.months),
            rate=dutch_money(part.rate),
            method=_method_label(part.method),
            source=part.source + (f" ({part.source_url})" if part.source_url else ""),
        )
        story.append(Paragraph(f"{money_text(part.euros)}: {terms}", styles["body"]))
    if value.unvalued_months:
        months = ", ".join(month_label(m) for m in value.unvalued_months)
        story.append(Paragraph(_("Not valued (no rate set): %(months)s.", months=months), styles["body"]))
    return story


def explanations_social() -> str:
    return _(
        "Volunteer hours times the rate the city cooperative set, with the method, rate and source beside the "
        "amount. Paid hours are not valued this way."
    )


def _tenders(tenders: list[LotDelivery], styles: dict) -> list:
    if not tenders:
        return []
    rows = [[_("Tender and lot"), _("Required hours"), _("Committed hours"), _("Delivered hours")]]
    for lot in tenders:
        name = Paragraph(
            f"{lot.tender_title} · {lot.lot_title}<br/><font color='#5f6b7a'>"
            + _("%(months)s month(s); %(areas)s", months=lot.months, areas=", ".join(lot.areas))
            + "</font>",
            styles["cell"],
        )
        rows.append(
            [
                name,
                dutch_number(lot.required_hours),
                dutch_number(lot.committed_hours),
                total_text(lot.delivered_hours),
            ]
        )
    return [
        Paragraph(_("Delivery against tender commitments"), styles["h1"]),
        Paragraph(
            _(
                "Per lot: the hours the tender requires and the cooperatives committed for the months of this "
                "period, against the volunteer and paid hours reported in the lot's areas and categories."
            ),
            styles["body"],
        ),
        _table(rows, [86 * mm, 28 * mm, 28 * mm, 32 * mm]),
    ]


def _signature(content: ReportContent, meta: ReportMeta, styles: dict) -> list:
    return [
        Paragraph(_("Signature"), styles["h1"]),
        Paragraph(explanations(content, meta)["signature"], styles["body"]),
        Paragraph(
            _(
                "Signature file: %(name)s",
                name=file_name(content.municipality, content.period, meta.revision, "pdf.jws"),
            ),
            styles["small"],
        ),
    ]
