"""Serving an app with gunicorn from the `wijknet ... run` commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class GunicornServer(BaseApplication):  # type: ignore[misc]
    """Gunicorn with the app built in each worker (no connections shared across a fork)."""

    def __init__(self, app_factory: Callable[[], Flask], options: dict[str, Any]) -> None:
        self.app_factory = app_factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.app_factory()


def serve(
    app_factory: Callable[[], Flask],
    *,
    host: str,
    port: int,
    workers: int = 1,
    threads: int = 4,
    post_worker_init: Callable[[Any], None] | None = None,
) -> None:
    """Serve until interrupted. A small node fits in one worker with a few threads."""
    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        # Behind a reverse proxy, the proxy's X-Forwarded-* headers are trusted
        # only from the local machine.
        "forwarded_allow_ips": "127.0.0.1",
        # gunicorn's control socket lives in one place per user (~/.gunicorn):
        # a machine running several nodes and a hub would have them fight over it.
        "control_socket_disable": True,
    }
    if post_worker_init is not None:
        options["post_worker_init"] = post_worker_init
    GunicornServer(app_factory, options).run()
