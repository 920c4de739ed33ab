"""A proxy on 127.0.0.1 in front of a real hub that breaks deliveries on purpose.

Each request takes the next fault from the queue (none: it passes through):

- "cut": the connection is closed before anything reaches the hub;
- "500": the proxy answers 500 itself;
- "lost": the hub gets the message and answers, but the answer never comes
  back (the node must send again and get the same receipt);
- ("slow", seconds): the answer comes back only after `seconds`;
- ("429", seconds): the proxy answers 429 with `Retry-After: seconds`.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

Fault = str | tuple[str, float]


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.faults: deque[Fault] = deque()
        self.seen: list[tuple[str, str, int | None]] = []  # (path, fault or "", the hub's status if reached)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                proxy.handle(self, "GET")

            def do_POST(self) -> None:
                proxy.handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        fault = self.faults.popleft() if self.faults else ""
        kind, seconds = (fault, 0.0) if isinstance(fault, str) else fault
        if kind == "cut":
            self.seen.append((handler.path, kind, None))
            handler.close_connection = True
            return
        if kind in ("500", "429"):
            self.seen.append((handler.path, kind, None))
            handler.send_response(int(kind))
            if kind == "429":
                handler.send_header("Retry-After", str(int(seconds)))
            handler.send_header("Content-Type", "application/problem+json")
            payload = b'{"type":"urn:wijknet:problem:internal_error","title":"fault","status":%s,"code":"%s"}' % (
                kind.encode(),
                b"internal_error" if kind == "500" else b"rate_limited",
            )
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
            return
        headers = {"Content-Type": handler.headers.get("Content-Type", "")}
        answer = requests.request(method, self.upstream + handler.path, data=body, headers=headers, timeout=30)
        self.seen.append((handler.path, kind, answer.status_code))
        if kind == "lost":
            handler.close_connection = True
            return
        if kind == "slow":
            time.sleep(seconds)
        handler.send_response(answer.status_code)
        for name in ("Content-Type", "Retry-After"):
            if name in answer.headers:
                handler.send_header(name, answer.headers[name])
        handler.send_header("Content-Length", str(len(answer.content)))
        handler.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the node gave up waiting ("slow")
            handler.wfile.write(answer.content)
