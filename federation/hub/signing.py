"""The hub's own key: it signs receipts and the tender list; nodes find it in discovery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app

from federation.protocol.encoding import json_dumps
from federation.protocol.jws import sign_compact
from federation.protocol.keys import SigningKey
from federation.protocol.messages import RECEIPT, format_timestamp


@dataclass(frozen=True)
class HubSigner:
    hub_id: str
    key: SigningKey

    @property
    def jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [self.key.public.jwk(with_kid=True)]}

    def sign(self, payload: dict[str, Any], typ: str) -> str:
        return sign_compact(json_dumps(payload), self.key, typ=typ)

    def receipt(
        self,
        *,
        node_id: str,
        subject: str,
        subject_id: str,
        received_at: datetime,
        digest: str,
        period: str | None = None,
        revision: int | None = None,
    ) -> str:
        """A signed receipt (spec section 6): `period` only for reports, `revision` for reports and commitments."""
        payload: dict[str, Any] = {
            "schema": RECEIPT.schema,
            "hub_id": self.hub_id,
            "node_id": node_id,
            "subject": subject,
            "id": subject_id,
        }
        if period is not None:
            payload["period"] = period
        if revision is not None:
            payload["revision"] = revision
        payload["received_at"] = format_timestamp(received_at)
        payload["digest"] = digest
        return self.sign(payload, RECEIPT.typ)


def hub_signer() -> HubSigner:
    return current_app.extensions["wijknet.hub_signer"]
