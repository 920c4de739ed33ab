"""Pushing each new report revision to the municipality's webhook, retried with backoff until it is acknowledged.

The request body is the report's JSON file, byte for byte as signed, with:

- `Wijknet-Jws`: the hub's detached signature over the body (check it with
  the key from discovery, like the file's `.jws`);
- `Wijknet-Timestamp`: seconds since 1970 when this attempt was made;
- `Wijknet-Hmac`: `sha256=<hex>`, HMAC-SHA256 with the shared secret over
  `<timestamp>.<body>`, so that the receiver knows the request comes from its
  hub and is fresh (it may refuse an old timestamp);
- `Wijknet-Delivery`: the same id on every retry, so that a receiver can
  make a repeated delivery harmless;
- `Wijknet-Report`: `GM0344/2026-10/2` (municipality, period, revision).

Any 2xx answer acknowledges; anything else, or no answer, is tried again
later with the node sender's backoff (doubling up to six hours, jittered).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import requests
from sqlalchemy import select

from federation.delivery.backoff import retry_delay
from federation.hub.accounts.actor import HubActor, HubRole
from federation.hub.accounts.permissions import require_role
from federation.hub.extensions import db
from federation.hub.municipal.models import DeliveryStatus, MunicipalReport, MunicipalWebhook, WebhookDelivery
from federation.protocol.areas import MUNICIPALITY_PATTERN
from wijknet.errors import FieldError, InvalidInput, NotFound

TIMEOUT_SECONDS = 10
BATCH = 20  # deliveries per run; the job runs every minute
SECRET_MIN_LENGTH = 16
RECENT_DELIVERIES = 50


def hmac_header(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=<hex>` over `<timestamp>.<body>`: what the receiver recomputes with its copy of the secret."""
    mac = hmac.new(secret.encode("utf-8"), str(timestamp).encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def generate_secret() -> str:
    return secrets.token_urlsafe(32)


def set_webhook(actor: HubActor, *, municipality: str, url: str, secret: str | None, now: datetime) -> MunicipalWebhook:
    """Set (or change) a municipality's webhook (administrators); an empty secret keeps the old one, or makes one."""
    require_role(actor, HubRole.ADMIN)
    municipality = (municipality or "").strip().upper()
    url = (url or "").strip()
    secret = (secret or "").strip() or None
    errors = []
    if not MUNICIPALITY_PATTERN.fullmatch(municipality):
        errors.append(FieldError("municipality", "A CBS municipality code like GM0344."))
    if not url.startswith(("https://", "http://")) or len(url) > 500:
        errors.append(FieldError("url", "An address starting with https:// (at most 500 characters)."))
    if secret is not None and not SECRET_MIN_LENGTH <= len(secret) <= 200:
        errors.append(FieldError("secret", f"From {SECRET_MIN_LENGTH} to 200 characters."))
    if errors:
        raise InvalidInput("The webhook was not saved.", errors)
    hook = db.session.get(MunicipalWebhook, municipality)
    if hook is None:
        hook = MunicipalWebhook(municipality=municipality, url=url, secret=secret or generate_secret())
        db.session.add(hook)
    elif hook.url != url:
        _cancel_pending(municipality)  # a changed address: what was meant for the old one is not sent to the new
    if secret is not None:
        hook.secret = secret
    hook.url, hook.active, hook.updated_at, hook.updated_by = url, True, now, actor.label[:120]
    db.session.flush()
    return hook


def remove_webhook(actor: HubActor, municipality: str) -> None:
    require_role(actor, HubRole.ADMIN)
    hook = db.session.get(MunicipalWebhook, municipality)
    if hook is None:
        raise NotFound(f"No webhook for {municipality}.")
    _cancel_pending(municipality)
    db.session.delete(hook)
    db.session.flush()


def _cancel_pending(municipality: str) -> None:
    pending = db.session.scalars(
        select(WebhookDelivery).where(
            WebhookDelivery.municipality == municipality, WebhookDelivery.status == DeliveryStatus.PENDING
        )
    )
    for delivery in pending:
        delivery.status = DeliveryStatus.CANCELLED


def queue_delivery(report: MunicipalReport, now: datetime) -> WebhookDelivery | None:
    """A new revision is pushed to its municipality's webhook, if it has one."""
    hook = db.session.get(MunicipalWebhook, report.municipality)
    if hook is None or not hook.active:
        return None
    delivery = WebhookDelivery(
        report=report, municipality=report.municipality, url=hook.url, next_attempt_at=now, attempts=0
    )
    db.session.add(delivery)
    db.session.flush()
    return delivery


@dataclass(frozen=True)
class DeliveryRun:
    tried: int
    delivered: int


def deliver_due(now: datetime, session: requests.Session | None = None) -> DeliveryRun:
    """Try every delivery that is due; the scheduler runs this every minute."""
    due = list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(BATCH)
        )
    )
    http = session or requests.Session()
    delivered = 0
    for delivery in due:
        hook = db.session.get(MunicipalWebhook, delivery.municipality)
        if hook is None or hook.url != delivery.url:
            delivery.status = DeliveryStatus.CANCELLED
            continue
        delivered += _attempt(http, delivery, hook.secret, now)
    db.session.flush()
    return DeliveryRun(len(due), delivered)


def _attempt(http: requests.Session, delivery: WebhookDelivery, secret: str, now: datetime) -> bool:
    report = delivery.report
    body = report.json_file
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "Wijknet-Jws": report.json_signature,
        "Wijknet-Timestamp": str(timestamp),
        "Wijknet-Hmac": hmac_header(secret, timestamp, body),
        "Wijknet-Delivery": str(delivery.id),
        "Wijknet-Report": f"{report.municipality}/{report.period}/{report.revision}",
    }
    delivery.attempts += 1
    delivery.last_attempt_at = now
    try:
        answer = http.post(delivery.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False)
    except requests.Timeout:
        outcome, retry_after = "timed out", None
    except requests.RequestException as exc:
        outcome, retry_after = f"no answer: {type(exc).__name__}", None
    else:
        if 200 <= answer.status_code < 300:
            delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
            delivery.last_outcome = f"HTTP {answer.status_code}"
            return True
        outcome = f"HTTP {answer.status_code}"
        header = answer.headers.get("Retry-After", "")
        retry_after = int(header) if header.isdigit() else None
    delivery.last_outcome = outcome[:300]
    delivery.next_attempt_at = now + retry_delay(delivery.attempts, retry_after=retry_after)
    return False


def webhooks(actor: HubActor) -> list[MunicipalWebhook]:
    require_role(actor, HubRole.ADMIN)
    return list(db.session.scalars(select(MunicipalWebhook).order_by(MunicipalWebhook.municipality)))


def recent_deliveries(actor: HubActor) -> list[WebhookDelivery]:
    require_role(actor, HubRole.ADMIN)
    stmt = select(WebhookDelivery).order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    return list(db.session.scalars(stmt.limit(RECENT_DELIVERIES)))
