"""`/api/v1/members`: members, their roles, consents and login."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from node.accounts.auth import require_actor
from node.accounts.services import change_own_password, set_member_password
from node.members import services
from schemas.common import page_of
from schemas.node.members import (
    ConsentIn,
    ConsentOut,
    MemberIn,
    MemberListArgs,
    MemberOut,
    MemberPatch,
    PasswordChangeIn,
    PasswordIn,
    RolesIn,
    RolesOut,
)
from wijknet.web.transaction import ApiView

blp = Blueprint("members", __name__, url_prefix="/api/v1/members", description="Members, roles and consent")


@blp.route("")
class Members(ApiView):
    @blp.arguments(MemberListArgs, location="query", as_kwargs=True)
    @blp.response(200, page_of(MemberOut))
    @blp.alt_response(403, response="PROBLEM")
    def get(self, page: int, page_size: int, **filters: Any) -> Any:
        """List members (coordinators and administrators)."""
        return services.list_members(require_actor(), services.MemberFilter(**filters), page, page_size)

    @blp.arguments(MemberIn)
    @blp.response(201, MemberOut)
    @blp.alt_response(409, response="PROBLEM")
    def post(self, data: dict[str, Any]) -> Any:
        """Register a member, e.g. at phone intake (coordinators and administrators)."""
        return services.create_member(require_actor(), data)


@blp.route("/me")
class Me(ApiView):
    @blp.response(200, MemberOut)
    def get(self) -> Any:
        """The member behind the token."""
        actor = require_actor()
        return services.get_member(actor, services.own_member_id(actor))


@blp.route("/me/password")
class MyPassword(ApiView):
    @blp.arguments(PasswordChangeIn)
    @blp.response(204)
    def put(self, data: dict[str, str]) -> None:
        """Change one's own password (the current one is required)."""
        change_own_password(require_actor(), data["current_password"], data["new_password"])


@blp.route("/<id:member_id>")
class MemberResource(ApiView):
    @blp.response(200, MemberOut)
    @blp.alt_response(404, response="PROBLEM")
    def get(self, member_id: int) -> Any:
        """One member (the member themself, coordinators, administrators)."""
        return services.get_member(require_actor(), member_id)

    @blp.arguments(MemberPatch)
    @blp.response(200, MemberOut)
    def patch(self, changes: dict[str, Any], member_id: int) -> Any:
        """Change a member; members change their own contact details, coordinators everything."""
        return services.update_member(require_actor(), member_id, changes)


@blp.route("/<id:member_id>/roles")
class MemberRoles(ApiView):
    @blp.arguments(RolesIn)
    @blp.response(200, RolesOut)
    def put(self, data: dict[str, Any], member_id: int) -> Any:
        """Replace a member's roles (administrators)."""
        return services.set_roles(require_actor(), member_id, data["roles"])


@blp.route("/<id:member_id>/password")
class MemberPassword(ApiView):
    @blp.arguments(PasswordIn)
    @blp.response(204)
    def put(self, data: dict[str, str], member_id: int) -> None:
        """Give a member a login or set a new password (administrators)."""
        set_member_password(require_actor(), member_id, data["password"])


@blp.route("/<id:member_id>/consents")
class MemberConsents(ApiView):
    @blp.response(200, ConsentOut(many=True))
    def get(self, member_id: int) -> Any:
        """The member's consents, withdrawn ones included."""
        return services.list_consents(require_actor(), member_id)

    @blp.arguments(ConsentIn)
    @blp.response(201, ConsentOut)
    def post(self, data: dict[str, Any], member_id: int) -> Any:
        """Record consent; recorded by a coordinator, it is marked as given on the member's behalf."""
        return services.give_consent(require_actor(), member_id, **data)


@blp.route("/<id:member_id>/consents/<id:consent_id>/withdrawal")
class ConsentWithdrawal(ApiView):
    @blp.response(200, ConsentOut)
    def post(self, member_id: int, consent_id: int) -> Any:
        """Withdraw a consent."""
        return services.withdraw_consent(require_actor(), member_id, consent_id)
