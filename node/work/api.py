"""`/api/v1/time-logs`, `/api/v1/partners`, `/api/v1/assignments`."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from node.accounts.auth import require_actor
from node.work import assignments, time_logs
from node.work.models import Assignment
from schemas.common import page_of
from schemas.node.work import (
    AssignmentIn,
    AssignmentListArgs,
    AssignmentOut,
    AssignmentPatch,
    InvoiceIn,
    InvoiceOut,
    PartnerIn,
    PartnerOut,
    PartnerPatch,
    TimeLogIn,
    TimeLogListArgs,
    TimeLogOut,
    TimeLogPatch,
)
from wijknet.web.serialise import Annotated
from wijknet.web.transaction import ApiView

time_logs_blp = Blueprint("time_logs", __name__, url_prefix="/api/v1/time-logs", description="Hours (inzet)")
partners_blp = Blueprint("partners", __name__, url_prefix="/api/v1/partners", description="Partners of the wijkbedrijf")
assignments_blp = Blueprint(
    "assignments", __name__, url_prefix="/api/v1/assignments", description="Assignments from partners (opdrachten)"
)


def _with_totals(items: list[Assignment]) -> list[Annotated]:
    totals = assignments.assignment_totals([a.id for a in items])
    return [Annotated(a, totals=totals[a.id]) for a in items]


@time_logs_blp.route("")
class TimeLogs(ApiView):
    @time_logs_blp.arguments(TimeLogListArgs, location="query", as_kwargs=True)
    @time_logs_blp.response(200, page_of(TimeLogOut))
    def get(self, page: int, page_size: int, **filters: Any) -> Any:
        """List hours: coordinators all, members their own."""
        return time_logs.list_time_logs(require_actor(), time_logs.TimeLogFilter(**filters), page, page_size)

    @time_logs_blp.arguments(TimeLogIn)
    @time_logs_blp.response(201, TimeLogOut)
    def post(self, data: dict[str, Any]) -> Any:
        """Log hours on an accepted match (the volunteer) or an assignment (coordinators)."""
        return time_logs.log_hours(require_actor(), data)


@time_logs_blp.route("/<id:log_id>")
class TimeLogResource(ApiView):
    @time_logs_blp.response(200, TimeLogOut)
    def get(self, log_id: int) -> Any:
        return time_logs.get_time_log(require_actor(), log_id)

    @time_logs_blp.arguments(TimeLogPatch)
    @time_logs_blp.response(200, TimeLogOut)
    def patch(self, changes: dict[str, Any], log_id: int) -> Any:
        return time_logs.update_time_log(require_actor(), log_id, changes)

    @time_logs_blp.response(204)
    def delete(self, log_id: int) -> None:
        time_logs.delete_time_log(require_actor(), log_id)


@partners_blp.route("")
class Partners(ApiView):
    @partners_blp.response(200, PartnerOut(many=True))
    def get(self) -> Any:
        return assignments.list_partners(require_actor())

    @partners_blp.arguments(PartnerIn)
    @partners_blp.response(201, PartnerOut)
    def post(self, data: dict[str, Any]) -> Any:
        return assignments.create_partner(require_actor(), **data)


@partners_blp.route("/<id:partner_id>")
class PartnerResource(ApiView):
    @partners_blp.response(200, PartnerOut)
    def get(self, partner_id: int) -> Any:
        return assignments.get_partner(require_actor(), partner_id)

    @partners_blp.arguments(PartnerPatch)
    @partners_blp.response(200, PartnerOut)
    def patch(self, changes: dict[str, Any], partner_id: int) -> Any:
        return assignments.update_partner(require_actor(), partner_id, changes)


@assignments_blp.route("")
class Assignments(ApiView):
    @assignments_blp.arguments(AssignmentListArgs, location="query", as_kwargs=True)
    @assignments_blp.response(200, page_of(AssignmentOut))
    def get(self, page: int, page_size: int, **filters: Any) -> Any:
        """List assignments with their hours and invoiced revenue (coordinators)."""
        result = assignments.list_assignments(require_actor(), assignments.AssignmentFilter(**filters), page, page_size)
        result.items = _with_totals(result.items)
        return result

    @assignments_blp.arguments(AssignmentIn)
    @assignments_blp.response(201, AssignmentOut)
    def post(self, data: dict[str, Any]) -> Any:
        return _with_totals([assignments.create_assignment(require_actor(), data)])[0]


@assignments_blp.route("/<id:assignment_id>")
class AssignmentResource(ApiView):
    @assignments_blp.response(200, AssignmentOut)
    def get(self, assignment_id: int) -> Any:
        return _with_totals([assignments.get_assignment(require_actor(), assignment_id)])[0]

    @assignments_blp.arguments(AssignmentPatch)
    @assignments_blp.response(200, AssignmentOut)
    def patch(self, changes: dict[str, Any], assignment_id: int) -> Any:
        """Change an assignment; `status` follows `planned → active → done`, or `cancelled`."""
        return _with_totals([assignments.update_assignment(require_actor(), assignment_id, changes)])[0]


@assignments_blp.route("/<id:assignment_id>/invoices")
class AssignmentInvoices(ApiView):
    @assignments_blp.response(200, InvoiceOut(many=True))
    def get(self, assignment_id: int) -> Any:
        return assignments.list_invoices(require_actor(), assignment_id)

    @assignments_blp.arguments(InvoiceIn)
    @assignments_blp.response(201, InvoiceOut)
    def post(self, data: dict[str, Any], assignment_id: int) -> Any:
        """Record revenue invoiced to the partner."""
        return assignments.add_invoice(require_actor(), assignment_id, data)
