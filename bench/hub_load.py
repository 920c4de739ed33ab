"""The load generator of the hub intake benchmark: a process of its own, as cheap as a client can be.

It shares the machine's cores with the hub it measures, so every cycle it
spends is one the hub does not get: the requests are built as bytes before
the clock starts, and one thread drives every connection through `selectors`
on raw keep-alive sockets, reading no more of an answer than its status line,
its `Content-Length` and its body.
"""

from __future__ import annotations

import os
import selectors
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

HEAD_END = b"\r\n\r\n"


def post(path: str, port: int, content_type: str, body: bytes) -> bytes:
    """One HTTP/1.1 request on a keep-alive connection, as the bytes to send."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


@dataclass
class Answer:
    status: int
    body: bytes
    seconds: float  # from the first byte sent to the last byte of the answer received


@dataclass
class _Client:
    """One connection working through its requests, one at a time."""

    requests: list[bytes]
    port: int
    answers: list[Answer] = field(default_factory=list)
    sock: socket.socket | None = None
    out: memoryview = field(default_factory=lambda: memoryview(b""))
    received: bytearray = field(default_factory=bytearray)
    began: float = 0.0

    @property
    def done(self) -> bool:
        return len(self.answers) == len(self.requests)

    def connect(self, selector: selectors.BaseSelector) -> None:
        self.sock = socket.create_connection(("127.0.0.1", self.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        selector.register(self.sock, selectors.EVENT_WRITE, self)

    def start(self, selector: selectors.BaseSelector) -> None:
        """Begin sending the next request."""
        self.out = memoryview(self.requests[len(self.answers)])
        self.received.clear()
        self.began = time.perf_counter()
        selector.modify(self.sock, selectors.EVENT_WRITE, self)

    def writable(self, selector: selectors.BaseSelector) -> None:
        self.out = self.out[self.sock.send(self.out) :]
        if not self.out:
            selector.modify(self.sock, selectors.EVENT_READ, self)

    def readable(self, selector: selectors.BaseSelector) -> Answer | None:
        """Read what arrived; the answer, once it is complete."""
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("the hub closed the connection before answering")
        self.received += chunk
        head_end = self.received.find(HEAD_END)
        if head_end < 0:
            return None
        head = bytes(self.received[:head_end]).decode("latin-1").split("\r\n")
        fields = dict(line.split(":", 1) for line in head[1:])
        headers = {name.strip().lower(): value.strip() for name, value in fields.items()}
        end = head_end + len(HEAD_END) + int(headers.get("content-length", "0"))
        if len(self.received) < end:
            return None
        answer = Answer(int(head[0].split()[1]), bytes(self.received[head_end + len(HEAD_END) : end]), 0.0)
        answer.seconds = time.perf_counter() - self.began
        self.answers.append(answer)
        if headers.get("connection", "").lower() == "close":  # a server that does not keep connections
            selector.unregister(self.sock)
            self.sock.close()
            self.sock = None
        return answer


def run(clients: list[_Client], stop_unless: Callable[[Answer], bool]) -> None:
    """Drive every client until each has its answers, or until an answer fails `stop_unless`."""
    selector = selectors.DefaultSelector()
    try:
        for client in clients:
            if not client.done:
                client.connect(selector)
                client.start(selector)
        busy = sum(not client.done for client in clients)
        while busy:
            for key, events in selector.select():
                client = key.data
                if events & selectors.EVENT_WRITE:
                    client.writable(selector)
                    continue
                answer = client.readable(selector)
                if answer is None:
                    continue
                if not stop_unless(answer):
                    return
                if client.done:
                    busy -= 1
                    if client.sock is not None:
                        selector.unregister(client.sock)
                elif client.sock is None:
                    client.connect(selector)
                    client.start(selector)
                else:
                    client.start(selector)
    finally:
        for client in clients:
            if client.sock is not None:
                client.sock.close()
        selector.close()


def load_process(port: int, requests: list[list[bytes]], warmup: int, expected: int, pipe: Connection) -> None:
    """The load generator's process: warm up, tell the parent, wait for its word, send the rest, report.

    Sends back `("ready",)` after the warm-up; then `("done", answers, started, ended, cpu)` with every
    answer per client, or `("failed", status, body)` at the first answer that is not `expected`.
    """
    failed: list[Answer] = []

    def keep_going(answer: Answer) -> bool:
        if answer.status != expected:
            failed.append(answer)
        return not failed

    clients = [_Client(batch[:warmup], port) for batch in requests]
    run(clients, keep_going)
    if failed:
        pipe.send(("failed", failed[0].status, failed[0].body))
        return
    pipe.send(("ready",))
    pipe.recv()
    timed = [_Client(batch[warmup:], port) for batch in requests]
    cpu, started = _cpu(), time.perf_counter()
    run(timed, keep_going)
    ended, cpu = time.perf_counter(), _cpu() - cpu
    if failed:
        pipe.send(("failed", failed[0].status, failed[0].body))
        return
    answers = [[(a.status, a.body, a.seconds) for a in c.answers] for c in clients]
    for batch, client in zip(answers, timed, strict=True):
        batch.extend((a.status, a.body, a.seconds) for a in client.answers)
    pipe.send(("done", answers, started, ended, cpu))


def _cpu() -> float:
    times = os.times()
    return times.user + times.system
