"""Enrolling the node at its hub with the invitation's token (spec section 5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from marshmallow import ValidationError

from federation.delivery.client import DeliveryError, HubClient
from federation.protocol import envelopes
from federation.protocol.areas import area_allowed
from federation.protocol.keys import SigningKey
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
    existing = find_link()
    if existing is not None:
        raise Conflict(
            f"This node is already enrolled at {existing.hub_id} as {existing.node_id}. If the hub revoked its "
            "key, ask the hub's administrator for an invitation under a new node id, then run "
            "`wijknet node enroll --again --hub URL --node-id NEW_ID --token TOKEN`."
        )
    check_node_id(node_id)
    key = ensure_key()
    link = HubLink()
    apply_enrollment(link, client, request_enrollment(client, key, node_id=node_id, token=token, now=now), now)
    link.kid = key.kid
    db.session.add(link)
    db.session.flush()
    record(actor, AuditAction.UPDATE, "hub_link", link.id, detail=f"enrolled at {link.hub_id} as {link.node_id}")
    return link


def check_node_id(node_id: str) -> None:
    settings = current_app.extensions["wijknet.settings"]
    if not settings.wijk:
        raise InvalidInput("Configure the node's wijk before enrolling.", [FieldError("wijk", "Not configured.")])
    if not NODE_ID_PATTERN.fullmatch(node_id):
        raise InvalidInput("Not a node id.", [FieldError("node_id", "Lower-case letters, digits and '-'.")])


@dataclass(frozen=True)
class Enrollment:
    """What the hub said: its discovery document and its answer to the enrollment."""

    discovery: dict[str, Any]
    answer: dict[str, Any]


def request_enrollment(client: HubClient, key: SigningKey, *, node_id: str, token: str, now: datetime) -> Enrollment:
    """Send the enrollment signed with `key` (proof of possession); raises DeliveryError if the hub refuses it."""
    try:
        discovery = DiscoverySchema().load(client.discovery())
    except ValidationError as exc:
        raise HubAnswerError(f"the hub's discovery document is not wijknet-federation/1: {exc.messages}") from None
    settings = current_app.extensions["wijknet.settings"]
    envelope = envelopes.enrollment(
        key, node_id=node_id, token=token, name=settings.name, software=SOFTWARE, issued_at=now
    )
    accepted = client.send(discovery["endpoints"]["enrollments"], envelope)
    try:
        answer = EnrollmentAcceptedSchema().load(accepted.body)
    except ValidationError as exc:
        raise HubAnswerError(f"the hub's enrollment answer is not as the protocol says: {exc.messages}") from None
    return Enrollment(discovery, answer)


def apply_enrollment(link: HubLink, client: HubClient, enrollment: Enrollment, now: datetime) -> None:
    """Remember the hub as its discovery and enrollment answer describe it."""
    discovery, answer = enrollment.discovery, enrollment.answer
    link.hub_url = client.base_url.rstrip("/")
    link.hub_id = discovery["hub_id"]
    link.node_id = answer["node_id"]
    link.municipality = answer["municipality"]
    link.areas = answer["areas"]
    link.min_count = answer["min_count"]
    link.hub_jwks = answer["hub"]["jwks"]
    link.endpoints = discovery["endpoints"]
    link.enrolled_at = now


def uncovered_areas(link: HubLink) -> list[str]:
    """The node's own areas that the hub did not register it for: their figures would be refused."""
    settings = current_app.extensions["wijknet.settings"]
    own = [settings.wijk, *sorted(settings.buurten)]
    return [area for area in own if not area_allowed(area, link.areas)]
