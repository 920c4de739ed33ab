"""Every table of the node, imported in one place so the metadata is complete (migrations, backups)."""

from node.accounts.models import Account, ApiToken, LoginThrottle
from node.activities.models import Activity
from node.audit.models import AuditEvent
from node.federation.models import HubLink, OutboxItem, PublishedPeriod
from node.help.models import HelpOffer, HelpRequest, OfferCategory, OfferStatusChange
from node.matching.models import Match
from node.members.models import Consent, Member, MemberRole, MemberSkill
from node.settings.models import NodeSetting
from node.work.models import Assignment, Invoice, Partner, TimeLog

__all__ = [
    "Account",
    "Activity",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "Consent",
    "HelpOffer",
    "HelpRequest",
    "HubLink",
    "Invoice",
    "LoginThrottle",
    "Match",
    "Member",
    "MemberRole",
    "MemberSkill",
    "NodeSetting",
    "OfferCategory",
    "OfferStatusChange",
    "OutboxItem",
    "Partner",
    "PublishedPeriod",
    "TimeLog",
]
