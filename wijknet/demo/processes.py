"""Starting the demo's servers as child processes, waiting until they answer, and stopping every one.

Each child runs in a session of its own, so a Ctrl-C in the terminal reaches
only the demo, which then stops its children in order (SIGTERM: gunicorn
finishes what it is doing) rather than all of them dying at once halfway
through a request. A child that does not stop in time is killed with its
whole process group, workers included.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import requests

STOP_GRACE_SECONDS = 15.0
READY_TIMEOUT_SECONDS = 60.0
POLL_SECONDS = 0.1


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class ChildFailed(Exception):
    """A child exited, or never answered; the message says which and shows the end of its log."""

    def __init__(self, child: Child, what: str) -> None:
        super().__init__(f"{child.name} {what}; its log ({child.log}) ends with:\n{child.log_tail()}")
        self.child = child


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True if a server could listen on the port now (a socket lingering after a closed one does not count)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """Ctrl-C and SIGTERM raise KeyboardInterrupt, so the demo cleans up on its way out.

    SIGINT is set too, not left to Python: a shell that starts a command in
    the background makes it ignore SIGINT, and Python then never turns it
    into KeyboardInterrupt.
    """

    def interrupt(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = {signum: signal.signal(signum, interrupt) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class Supervisor:
    """The children this process started; leaving the `with` block stops all of them."""

    def __init__(self) -> None:
        self.children: list[Child] = []

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop_all()

    def start(self, name: str, argv: Sequence[str], log: Path, env: dict[str, str]) -> Child:
        """Start a child with its output going to `log`."""
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as output:
            process = subprocess.Popen(
                list(argv), stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, env=env,
                start_new_session=True,
            )  # fmt: skip
        child = Child(name, process, log)
        self.children.append(child)
        return child

    def wait_until_ready(self, child: Child, url: str, timeout: float = READY_TIMEOUT_SECONDS) -> None:
        """Poll `url` until it answers 200; ChildFailed if the child exits or the time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            if child.process.poll() is not None:
                raise ChildFailed(child, f"exited with status {child.process.returncode} while starting")
            try:
                if requests.get(url, timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass  # not listening yet
            if time.monotonic() > deadline:
                raise ChildFailed(child, f"did not answer at {url} within {timeout:.0f} seconds")
            time.sleep(POLL_SECONDS)

    def wait_all(self, tick: Callable[[], None] = lambda: None) -> None:
        """Wait until every child has exited; ChildFailed for one that failed. `tick` runs between looks."""
        while True:
            running = False
            for child in self.children:
                status = child.process.poll()
                if status is None:
                    running = True
                elif status != 0:
                    raise ChildFailed(child, f"failed with status {status}")
            if not running:
                return
            tick()
            time.sleep(POLL_SECONDS)

    def check_running(self) -> None:
        """ChildFailed if a child has exited: a server should not."""
        for child in self.children:
            if child.process.poll() is not None:
                raise ChildFailed(child, f"exited with status {child.process.returncode}")

    def watch(self) -> Child:
        """Wait until a child exits by itself (it should not) and return it; Ctrl-C interrupts the wait."""
        while True:
            for child in self.children:
                if child.process.poll() is not None:
                    return child
            time.sleep(0.5)

    def stop_all(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """SIGTERM every child, wait for them, and kill the process group of any that lingers."""
        try:
            for child in self.children:
                if child.process.poll() is None:
                    child.process.terminate()
            deadline = time.monotonic() + grace
            for child in self.children:
                try:
                    child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    _kill_group(child)
        except KeyboardInterrupt:
            # Asked again to stop while stopping: do not wait any longer.
            for child in self.children:
                _kill_group(child)


def _kill_group(child: Child) -> None:
    with suppress(ProcessLookupError):  # already gone
        os.killpg(child.process.pid, signal.SIGKILL)
    child.process.wait()
