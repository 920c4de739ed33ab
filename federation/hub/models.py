"""Every table of the hub, imported in one place so the metadata is complete (migrations, backups)."""

from federation.hub.figures.models import Figure, Report, ReportHead
from federation.hub.registry.models import Invitation, KeyRotation, Node, NodeArea, NodeKey, RegistryEvent
from federation.hub.tenders.models import Commitment, Lot, Tender

__all__ = [
    "Commitment",
    "Figure",
    "Invitation",
    "KeyRotation",
    "Lot",
    "Node",
    "NodeArea",
    "NodeKey",
    "RegistryEvent",
    "Report",
    "ReportHead",
    "Tender",
]
