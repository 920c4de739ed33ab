"""Enrolling the node at its hub with the invitation's token (spec section 5)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from marshmallow import ValidationError

from federation.delivery.client import DeliveryError, HubClient
from federation.protocol import envelopes
from federation.protocol.areas import area_allowed
from federation.protocol.messages import NODE_ID_PATTERN
from node.accounts.actor import Actor
from node.accounts.permissions import require_role
from node.audit.services import record
from node.extensions import db
from node.federation.keys import ensure_key
from node.federation.link import SOFTWARE, find_link
from node.federation.models import HubLink
from schemas.federation.messages import DiscoverySchema, EnrollmentAcceptedSchema
from schemas.node.codes import AuditAction, Role
from wijknet.errors import Conflict, FieldError, InvalidInput


class HubAnswerError(DeliveryError):
    """The hub's answer is not what the protocol says it must be."""


def enroll(actor: Actor, client: HubClient, *, node_id: str, token: str, now: datetime) -> HubLink:
    """Make the key (if there is none), enrol it with the token, and remember the hub."""
    require_role(actor, Role.ADMIN)
    if find_link() is not None:
        raise Conflict("This node is already enrolled; a second enrollment needs a new node id.")
    settings = current_app.extensions["wijknet.settings"]
    if not settings.wijk:
        raise InvalidInput("Configure the node's wijk before enrolling.", [FieldError("wijk", "Not configured.")])
    if not NODE_ID_PATTERN.match(node_id):
        raise InvalidInput("Not a node id.", [FieldError("node_id", "Lower-case letters, digits and '-'.")])
    try:
        discovery = DiscoverySchema().load(client.discovery())
    except ValidationError as exc:
        raise HubAnswerError(f"the hub's discovery document is not wijknet-federation/1: {exc.messages}") from None
    key = ensure_key()
    envelope = envelopes.enrollment(
        key, node_id=node_id, token=token, name=settings.name, software=SOFTWARE, issued_at=now
    )
    accepted = client.send(discovery["endpoints"]["enrollments"], envelope)
    try:
        answer = EnrollmentAcceptedSchema().load(accepted.body)
    except ValidationError as exc:
        raise HubAnswerError(f"the hub's enrollment answer is not as the protocol says: {exc.messages}") from None
    link = HubLink(
        hub_url=client.base_url.rstrip("/"),
        hub_id=discovery["hub_id"],
        node_id=answer["node_id"],
        municipality=answer["municipality"],
        areas=answer["areas"],
        min_count=answer["min_count"],
        hub_jwks=answer["hub"]["jwks"],
        endpoints=discovery["endpoints"],
        enrolled_at=now,
        kid=key.kid,
    )
    db.session.add(link)
    db.session.flush()
    record(actor, AuditAction.UPDATE, "hub_link", link.id, detail=f"enrolled at {link.hub_id} as {link.node_id}")
    return link


def uncovered_areas(link: HubLink) -> list[str]:
    """The node's own areas that the hub did not register it for: their figures would be refused."""
    settings = current_app.extensions["wijknet.settings"]
    own = [settings.wijk, *sorted(settings.buurten)]
    return [area for area in own if not area_allowed(area, link.areas)]
