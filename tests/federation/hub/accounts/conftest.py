"""The hub with fast password hashing, for the account tests."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.federation.hub.accounts.people import FAST_PASSWORDS


@pytest.fixture
def hub_settings() -> dict[str, Any]:
    return dict(FAST_PASSWORDS)


@pytest.fixture
def client(hub_app: Flask) -> FlaskClient:
    return hub_app.test_client()
