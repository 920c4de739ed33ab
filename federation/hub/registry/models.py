"""Nodes, their areas and keys, invitations, and the registry's own audit trail."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from federation.hub.extensions import db
from wijknet.web.database import enum_column, utcnow


class NodeStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"  # every message gets 403 node_suspended until reinstated


class Invitation(db.Model):
    """The hub administrator's invitation for one node; only the token's hash is kept."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[str] = mapped_column(String(63), index=True)
    name: Mapped[str] = mapped_column(String(200))
    municipality: Mapped[str] = mapped_column(String(6))
    areas: Mapped[list[str]] = mapped_column(JSON)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Node(db.Model):
    __tablename__ = "nodes"

    node_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # the invitation's name: the one the hub shows
    name_given: Mapped[str] = mapped_column(String(200))  # what the node calls itself
    municipality: Mapped[str] = mapped_column(String(6), index=True)
    status: Mapped[NodeStatus] = mapped_column(enum_column(NodeStatus), default=NodeStatus.ACTIVE)
    software: Mapped[str] = mapped_column(String(100))
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    suspended_at: Mapped[datetime | None]

    area_rows: Mapped[list[NodeArea]] = relationship(
        back_populates="node", cascade="all, delete-orphan", lazy="selectin", order_by="NodeArea.area_code"
    )
    keys: Mapped[list[NodeKey]] = relationship(back_populates="node", order_by="NodeKey.registered_at")

    @property
    def areas(self) -> list[str]:
        return [row.area_code for row in self.area_rows]


class NodeArea(db.Model):
    """A CBS area (GM, WK or BU) the node reports on; buurten inside a registered wijk come with it."""

    __tablename__ = "node_areas"

    node_id: Mapped[str] = mapped_column(ForeignKey("nodes.node_id", ondelete="CASCADE"), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)

    node: Mapped[Node] = relationship(back_populates="area_rows")


class NodeKey(db.Model):
    """A node's public key. Rotation retires it; revocation (it was stolen) ends it outright."""

    __tablename__ = "node_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)  # RFC 7638 thumbprint
    node_id: Mapped[str] = mapped_column(ForeignKey("nodes.node_id"), index=True)
    x: Mapped[str] = mapped_column(String(64))  # the public key, base64url
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set by a rotation: messages issued after this instant are refused (key_retired).
    retired_after: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    node: Mapped[Node] = relationship(back_populates="keys", lazy="joined")

    @property
    def is_current(self) -> bool:
        return self.retired_after is None and self.revoked_at is None


class KeyRotation(db.Model):
    """An accepted key rotation, kept verbatim with its receipt."""

    __tablename__ = "key_rotations"

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[str] = mapped_column(ForeignKey("nodes.node_id"), index=True)
    old_kid: Mapped[str] = mapped_column(String(64))
    new_kid: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    body: Mapped[str] = mapped_column(db.Text)
    digest: Mapped[str] = mapped_column(String(60))
    receipt: Mapped[str] = mapped_column(db.Text)


class RegistryAction(StrEnum):
    INVITE = "invite"
    ENROLL = "enroll"
    ROTATE_KEY = "rotate_key"
    REVOKE_KEY = "revoke_key"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"


class RegistryEvent(db.Model):
    """Who changed the registry, and when."""

    __tablename__ = "registry_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[RegistryAction] = mapped_column(enum_column(RegistryAction))
    node_id: Mapped[str | None] = mapped_column(String(63))
    kid: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (Index("ix_registry_events_node", "node_id", "at"),)
