"""The volunteers overview for coordinators and administrators: who offers what, where, and how busy they are."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

from node.accounts.services import actor_for_account
from node.code_labels import buurt_choices, category_choices, install_code_labels
from node.members.volunteers import VolunteerFilter, list_volunteers, volunteer_profile
from node.menu import VOLUNTEERS_ORDER, MenuEntry
from schemas.node.codes import Role
from wijknet.web.transaction import commits

PAGE_SIZE = 50

volunteer_pages = Blueprint("volunteer_pages", __name__, url_prefix="/volunteers")
volunteer_pages.record_once(install_code_labels)
MENU = MenuEntry(
    "volunteer_pages.overview",
    _l("Volunteers"),
    frozenset({Role.COORDINATOR, Role.ADMIN}),
    VOLUNTEERS_ORDER,
    section="volunteer_pages",
)


class VolunteerFilterForm(FlaskForm):
    """The filters above the list; read from the address, so a filtered list can be bookmarked."""

    class Meta:
        csrf = False  # GET: it changes nothing

    category = SelectField(_l("Category"), default="")
    buurt = SelectField(_l("Buurt"), default="")


def filter_form() -> VolunteerFilterForm:
    form = VolunteerFilterForm(formdata=request.args)
    form.category.choices = [SelectChoice("", _l("All categories")), *category_choices()]
    form.buurt.choices = [SelectChoice("", _l("All buurten")), *buurt_choices()]
    return form


def page_number() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


@volunteer_pages.get("")
@login_required
@commits  # the audit log records who listed members
def overview() -> tuple[str, int]:
    form = filter_form()
    if request.args and not form.validate():
        return render_template("members/volunteers.html", form=form, result=None), 400
    filters = VolunteerFilter(category=form.category.data or None, buurt_code=form.buurt.data or None)
    result = list_volunteers(actor_for_account(current_user), filters, page_number(), PAGE_SIZE)
    return render_template("members/volunteers.html", form=form, result=result), 200


@volunteer_pages.get("/<id:member_id>")
@login_required
@commits  # the audit log records who viewed whose data
def volunteer(member_id: int) -> str:
    profile = volunteer_profile(actor_for_account(current_user), member_id)
    return render_template("members/volunteer.html", profile=profile)
