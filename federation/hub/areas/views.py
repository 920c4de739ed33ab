"""The area reference data page: municipalities, wijken and buurten with their population; CBS import for admins."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from federation.hub.accounts.auth import page_access, page_actor
from federation.hub.accounts.forms import show_errors
from federation.hub.accounts.menu import MenuEntry
from federation.hub.accounts.permissions import municipality_scope
from federation.hub.areas.models import ReferenceArea
from federation.hub.areas.services import (
    FIRST_YEAR,
    LAST_YEAR,
    ImportResult,
    children_of,
    import_cbs_csv,
    municipalities,
)
from wijknet.errors import InvalidInput
from wijknet.web.transaction import commits

areas_pages = Blueprint("areas", __name__, url_prefix="/areas")
AREAS_ORDER = 60  # after the dashboards and reports, before the registry
MENU = MenuEntry("areas.overview", _l("Areas"), order=AREAS_ORDER, section="areas")
# CBS's whole-country file is larger than the hub's 1 MiB limit for federation messages.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
FIELD_MESSAGES = {
    "year": _l("The year the figures are for, from 1990 to 2100."),
    "municipality": _l("A CBS municipality code like GM0344, or leave it empty."),
    "source": _l("At most 300 characters."),
}


class CbsImportForm(FlaskForm):
    file = FileField(
        _l("CBS key-figures file (CSV)"),
        validators=[FileRequired()],
        description=_l("“Kerncijfers wijken en buurten” from CBS StatLine or the open-data portal, saved as CSV."),
    )
    year = IntegerField(_l("Year of the figures"), validators=[DataRequired(), NumberRange(FIRST_YEAR, LAST_YEAR)])
    municipality = StringField(
        _l("Only this municipality"),
        validators=[Optional(), Length(max=6)],
        description=_l("A CBS code like GM0344; empty imports every municipality in the file."),
    )
    source = StringField(
        _l("Source"),
        validators=[Optional(), Length(max=300)],
        description=_l("Empty: “CBS, Kerncijfers wijken en buurten” and the year."),
    )


@dataclass(frozen=True)
class MunicipalityAreas:
    municipality: ReferenceArea
    wijken: list[tuple[ReferenceArea, list[ReferenceArea]]]  # each wijk with its buurten


def listing(own: str | None) -> list[MunicipalityAreas]:
    """The municipalities (one, for a municipality's account) with their wijken and buurten."""
    return [
        MunicipalityAreas(m, [(w, children_of(w.code)) for w in children_of(m.code)])
        for m in municipalities()
        if own is None or m.code == own
    ]


@areas_pages.route("", methods=["GET", "POST"])
@page_access()
@commits
def overview() -> tuple[str, int]:
    actor = page_actor()
    form: CbsImportForm | None = None
    result: ImportResult | None = None
    status = 200
    if actor.is_admin:
        request.max_content_length = MAX_UPLOAD_BYTES
        form = CbsImportForm()
        if form.validate_on_submit():
            result, status = _import(form)
        elif form.is_submitted():
            status = 422
    return render_template(
        "areas/overview.html", areas=listing(municipality_scope(actor)), form=form, result=result
    ), status


def _import(form: CbsImportForm) -> tuple[ImportResult | None, int]:
    code = (form.municipality.data or "").strip().upper() or None
    try:
        result = import_cbs_csv(
            page_actor(), form.file.data.read(), year=form.year.data, source=form.source.data, municipality=code
        )
    except InvalidInput as exc:
        flash(_("Nothing was imported. %(problem)s", problem=exc.detail), "error")
        for message in show_errors(form, exc, FIELD_MESSAGES):
            if message != exc.detail:
                flash(message, "error")
        return None, 422
    flash(_("Imported %(count)d areas.", count=result.imported), "success")
    return result, 200
