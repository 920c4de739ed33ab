"""`wijknet demo` as a developer runs it: a real process serving a real node, stopped with Ctrl-C."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import requests

from node.demo.accounts import EXAMPLE_EMAILS
from schemas.node.codes import Role
from wijknet.demo.folder import MARKER, DemoFolder, DemoOptions, FolderError, FolderState
from wijknet.demo.processes import port_is_free

# Generous: only a hung demo runs into these.
STARTUP_TIMEOUT = 120
STOP_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_demo(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("WIJKNET_")}
    return subprocess.Popen(
        [sys.executable, "-m", "wijknet.cli", "demo", "--dir", str(tmp_path / "demo"), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=environment,
    )  # fmt: skip


class Output:
    """The demo's standard output, read line by line as it comes, on a thread of its own."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(target=self._pump, daemon=True)
        self.reader.start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def until_json(self) -> tuple[dict[str, Any], list[str]]:
        """The JSON line, and every line before it."""
        seen: list[str] = []
        while True:
            line = self.lines.get(timeout=STARTUP_TIMEOUT)
            if line is None:
                stderr = self.process.stderr.read() if self.process.stderr else ""
                raise AssertionError(f"the demo ended without its JSON line:\n{''.join(seen)}\n{stderr}")
            seen.append(line)
            if line.startswith("{"):
                return json.loads(line), seen

    def rest(self) -> list[str]:
        """What came after, once the process has ended."""
        self.reader.join(timeout=STOP_TIMEOUT)
        rest = []
        while (line := self.lines.get_nowait()) is not None:
            rest.append(line)
        return rest


def server_pid(log: Path) -> int:
    found = re.search(r"Listening at: \S+ \((\d+)\)", log.read_text(encoding="utf-8"))
    assert found, "gunicorn says where it listens"
    return int(found.group(1))


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_demo_serves_a_node_until_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    process = start_demo(tmp_path, "--port", str(port), "--months", "2")
    stdout = Output(process)
    server = None
    try:
        output, text = stdout.until_json()
        node = output["nodes"][0]
        assert output["hub"] is None
        assert node["node_id"] == "noordwest" and node["url"] == f"http://127.0.0.1:{port}"
        assert output["dir"] == str(tmp_path / "demo")
        assert output["accounts"]["coordinator"]["email"] == EXAMPLE_EMAILS[Role.COORDINATOR]
        assert any(f"{node['url']}/api/v1/docs" in line for line in text)
        server = server_pid(tmp_path / "demo" / "logs" / "noordwest.log")

        response = requests.get(
            f"{node['url']}/api/v1/help-requests",
            headers={"Authorization": f"Bearer {node['coordinator_token']}"},
            timeout=10,
        )
        assert response.status_code == 200
        assert response.json()["items"]

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=STOP_TIMEOUT) == 0
        assert stdout.rest() == []  # the JSON line stays the last one on stdout
        assert not is_running(server)
        assert port_is_free(port)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()  # and close the pipes
        if server is not None and is_running(server):
            os.killpg(server, signal.SIGKILL)


def test_a_taken_port_is_named_before_anything_is_built(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = start_demo(tmp_path, "--port", str(port))
        _, stderr = process.communicate(timeout=STARTUP_TIMEOUT)
    assert process.returncode != 0
    assert f"Port {port} on 127.0.0.1 is already in use" in stderr
    assert not (tmp_path / "demo").exists()


OPTIONS = DemoOptions(seed=1, months=18)


def test_a_finished_demo_with_the_same_options_is_reused(tmp_path: Path) -> None:
    folder = DemoFolder(tmp_path / "demo")
    assert folder.state(OPTIONS) == FolderState.NEW
    (tmp_path / "demo" / "noordwest").mkdir()
    assert folder.state(OPTIONS) == FolderState.HALF_MADE
    folder.finish(OPTIONS, {"created_at": "2026-11-25T10:00:00+00:00", "nodes": []})
    assert folder.state(OPTIONS) == FolderState.COMPLETE
    assert folder.state(DemoOptions(seed=2, months=18)) == FolderState.OTHER_OPTIONS
    folder.release()


def test_replacing_keeps_only_the_marker(tmp_path: Path) -> None:
    folder = DemoFolder(tmp_path / "demo")
    (tmp_path / "demo" / "noordwest").mkdir()
    (tmp_path / "demo" / "noordwest" / "node.sqlite3").write_bytes(b"old")
    folder.finish(OPTIONS, {"nodes": []})
    folder.clear()
    assert [p.name for p in (tmp_path / "demo").iterdir()] == [MARKER]
    assert folder.state(OPTIONS) == FolderState.NEW
    folder.release()


def test_a_folder_that_is_not_a_demo_is_never_touched(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(FolderError, match="not a wijknet demo folder"):
        DemoFolder(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_two_demos_never_share_a_folder(tmp_path: Path) -> None:
    first = DemoFolder(tmp_path / "demo")
    with pytest.raises(FolderError, match="Another `wijknet demo` is using"):
        DemoFolder(tmp_path / "demo")
    first.release()
    DemoFolder(tmp_path / "demo").release()
