"""A municipality sees its own municipality only; the city cooperative's staff see every one."""

from __future__ import annotations

import pytest
from flask import Flask

from federation.hub.accounts.actor import HubActor, HubRole
from federation.hub.accounts.permissions import (
    municipality_scope,
    require_area_access,
    require_municipality_access,
    require_role,
    visible_municipalities,
)
from federation.hub.extensions import db
from federation.hub.registry.models import Node
from wijknet.errors import PermissionDenied

UTRECHT = HubActor(user_id=1, token_id=None, role=HubRole.MUNICIPALITY, municipality="GM0344", label="utrecht")
AMSTERDAM = HubActor(user_id=None, token_id=2, role=HubRole.MUNICIPALITY, municipality="GM0363", label="amsterdam")
ANALYST = HubActor(user_id=3, token_id=None, role=HubRole.ANALYST, municipality=None, label="analyst")
ADMIN = HubActor(user_id=4, token_id=None, role=HubRole.ADMIN, municipality=None, label="admin")


@pytest.mark.parametrize("actor", [ANALYST, ADMIN, UTRECHT])
def test_who_may_see_utrecht(actor: HubActor) -> None:
    require_municipality_access(actor, "GM0344")
    require_area_access(actor, "WK034402")
    require_area_access(actor, "BU03440201")


@pytest.mark.parametrize("area", ["GM0344", "WK034402", "BU03440201"])
def test_another_municipality_may_not_see_utrecht(area: str) -> None:
    with pytest.raises(PermissionDenied):
        require_area_access(AMSTERDAM, area)
    with pytest.raises(PermissionDenied):
        require_municipality_access(AMSTERDAM, "GM0344")


@pytest.mark.parametrize("code", ["WK034402", "gm0344", "GM0344\n", "", "all"])
def test_only_a_municipality_code_is_a_municipality(code: str) -> None:
    with pytest.raises(PermissionDenied):
        require_municipality_access(ADMIN, code)


def test_a_municipality_account_without_a_code_sees_nothing() -> None:
    broken = HubActor(user_id=5, token_id=None, role=HubRole.MUNICIPALITY, municipality=None, label="broken")
    with pytest.raises(PermissionDenied):
        municipality_scope(broken)
    with pytest.raises(PermissionDenied):
        require_municipality_access(broken, "GM0344")


def test_the_scope() -> None:
    assert municipality_scope(UTRECHT) == "GM0344"
    assert municipality_scope(ANALYST) is None and municipality_scope(ADMIN) is None


def test_visible_municipalities(hub_app: Flask) -> None:
    with hub_app.app_context():
        for node_id, municipality in (("zuilen", "GM0344"), ("oost", "GM0344"), ("noord", "GM0363")):
            db.session.add(
                Node(node_id=node_id, name=node_id, name_given=node_id, municipality=municipality, software="t")
            )
        db.session.flush()
        assert visible_municipalities(ANALYST) == ["GM0344", "GM0363"]
        assert visible_municipalities(ADMIN, ["GM0599", "GM0344"]) == ["GM0344", "GM0599"]
        assert visible_municipalities(UTRECHT) == ["GM0344"]
        assert visible_municipalities(AMSTERDAM, ["GM0344"]) == ["GM0363"]  # its own, even where nothing reports
        db.session.rollback()


def test_roles() -> None:
    require_role(ADMIN, HubRole.ADMIN)
    require_role(ANALYST, HubRole.ANALYST, HubRole.ADMIN)
    with pytest.raises(PermissionDenied):
        require_role(ANALYST, HubRole.ADMIN)
    with pytest.raises(PermissionDenied):
        require_role(UTRECHT, HubRole.ANALYST, HubRole.ADMIN)
    assert HubActor.system().is_admin
