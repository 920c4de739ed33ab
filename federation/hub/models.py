"""Every table of the hub, imported in one place so the metadata is complete (migrations, backups)."""

from federation.hub.accounts.models import AccountEvent, HubApiToken, HubLoginThrottle, HubUser
from federation.hub.areas.models import ReferenceArea
from federation.hub.figures.models import Figure, FigureTotal, Report, ReportHead
from federation.hub.municipal.models import MunicipalReport, MunicipalWebhook, WebhookDelivery
from federation.hub.registry.models import Invitation, KeyRotation, Node, NodeArea, NodeKey, RegistryEvent
from federation.hub.settings.models import Valuation
from federation.hub.tenders.models import Commitment, Lot, Tender

__all__ = [
    "AccountEvent",
    "Commitment",
    "Figure",
    "FigureTotal",
    "HubApiToken",
    "HubLoginThrottle",
    "HubUser",
    "Invitation",
    "KeyRotation",
    "Lot",
    "MunicipalReport",
    "MunicipalWebhook",
    "Node",
    "NodeArea",
    "NodeKey",
    "ReferenceArea",
    "RegistryEvent",
    "Report",
    "ReportHead",
    "Tender",
    "Valuation",
    "WebhookDelivery",
]
