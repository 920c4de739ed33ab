"""`wijknet demo` as a developer runs it: a hub and nodes as real processes, stopped with Ctrl-C."""

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
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

import pytest
import requests

from node.demo.accounts import EXAMPLE_EMAILS
from schemas.node.codes import Role
from wijknet.demo.folder import MARKER, DemoFolder, DemoOptions, FolderError, FolderState
from wijknet.demo.processes import port_is_free

# Generous: only a hung demo runs into these.
STARTUP_TIMEOUT = 120
STOP_TIMEOUT = 60


def free_ports(count: int) -> int:
    """A free port on 127.0.0.1 with `count - 1` free ones after it: the hub's, then the nodes'."""
    for _ in range(100):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count <= 65536 and all(port_is_free(first + i) for i in range(1, count)):
            return first
    raise AssertionError(f"no {count} free ports in a row")


def start_demo(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("WIJKNET_")}
    return subprocess.Popen(
        [sys.executable, "-m", "wijknet.cli", "demo", "--dir", str(tmp_path / "demo"), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=environment,
    )  # fmt: skip


class Output:
    """The demo's standard output, read line by line as it comes, and its progress on standard error."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.errors: list[str | None] = []
        assert process.stdout is not None and process.stderr is not None
        self.readers = [
            threading.Thread(target=self._pump, args=(process.stdout, self.lines.put), daemon=True),
            threading.Thread(target=self._pump, args=(process.stderr, self.errors.append), daemon=True),
        ]
        for reader in self.readers:
            reader.start()

    @staticmethod
    def _pump(stream: IO[str], put: Callable[[str | None], None]) -> None:
        for line in stream:
            put(line)
        put(None)

    def until_json(self) -> tuple[dict[str, Any], list[str]]:
        """The JSON line, and every line before it."""
        seen: list[str] = []
        while True:
            line = self.lines.get(timeout=STARTUP_TIMEOUT)
            if line is None:
                raise AssertionError(f"the demo ended without its JSON line:\n{''.join(seen)}\n{self.stderr}")
            seen.append(line)
            if line.startswith("{"):
                return json.loads(line), seen

    @property
    def stderr(self) -> str:
        return "".join(line for line in self.errors if line is not None)

    def close(self) -> None:
        for reader in self.readers:
            reader.join(timeout=STOP_TIMEOUT)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    def rest(self) -> list[str]:
        """What came after, once the process has ended."""
        for reader in self.readers:
            reader.join(timeout=STOP_TIMEOUT)
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


def wijknet(*args: str) -> dict[str, Any]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("WIJKNET_")}
    done = subprocess.run(
        [sys.executable, "-m", "wijknet.cli", *args], capture_output=True, text=True, timeout=60, env=environment
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def running_demo(tmp_path: Path, *args: str) -> Iterator[tuple[subprocess.Popen[str], Output]]:
    """The demo started; killed with every server it started if the test ends before it stopped."""
    process = start_demo(tmp_path, *args)
    output = Output(process)
    try:
        yield process, output
    finally:
        if process.poll() is None:
            process.terminate()  # the demo stops what it started
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        output.close()
        for log in (tmp_path / "demo" / "logs").glob("*.log"):
            for found in re.finditer(r"Listening at: \S+ \((\d+)\)", log.read_text(encoding="utf-8")):
                with suppress(ProcessLookupError):
                    os.killpg(int(found.group(1)), signal.SIGKILL)


def stop(process: subprocess.Popen[str], output: Output) -> None:
    """Ctrl-C, as in a terminal: the demo stops every process it started, and nothing follows its JSON."""
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=STOP_TIMEOUT) == 0
    assert output.rest() == []  # the JSON line stays the last one on stdout


def test_demo_serves_a_city_until_ctrl_c(tmp_path: Path) -> None:
    port = free_ports(3)
    with running_demo(tmp_path, "--port", str(port), "--nodes", "2", "--months", "2") as (process, output):
        city, text = output.until_json()
        hub = f"http://127.0.0.1:{port}"
        assert city["hub"] == hub
        assert [(n["node_id"], n["url"]) for n in city["nodes"]] == [
            ("noordwest", f"http://127.0.0.1:{port + 1}"),
            ("overvecht", f"http://127.0.0.1:{port + 2}"),
        ]
        assert city["dir"] == str(tmp_path / "demo")
        assert city["accounts"]["coordinator"]["email"] == EXAMPLE_EMAILS[Role.COORDINATOR]
        assert any(f"{hub}/.well-known/wijknet" in line for line in text)
        assert all(any(f"{n['url']}/api/v1/docs" in line for line in text) for n in city["nodes"])
        logs = tmp_path / "demo" / "logs"
        servers = [server_pid(logs / f"{name}.log") for name in ("hub", "noordwest", "overvecht")]

        discovery = requests.get(f"{hub}/.well-known/wijknet", timeout=10).json()
        assert discovery["hub_id"] == "samen030-demo" and "voorbeeld" in discovery["name"]
        figures = wijknet("hub", "figures", "--instance", str(tmp_path / "demo" / "hub"))["figures"]
        latest = {
            node: max(f["revision"] for f in figures if f["node_id"] == node) for node in ("noordwest", "overvecht")
        }
        assert latest == {"noordwest": 2, "overvecht": 2}  # the late corrections arrived as second revisions
        node = city["nodes"][0]
        response = requests.get(
            f"{node['url']}/api/v1/help-requests",
            headers={"Authorization": f"Bearer {node['coordinator_token']}"},
            timeout=10,
        )
        assert response.status_code == 200
        assert response.json()["items"]

        # The hub's example administrator logs in on the hub's pages with the password printed.
        admin = city["hub_accounts"]["admin"]
        browser = requests.Session()
        login_page = browser.get(f"{hub}/login", timeout=10).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
        answer = browser.post(
            f"{hub}/login",
            data={"email": admin["email"], "password": admin["password"], "csrf_token": token},
            timeout=10,
        )
        assert answer.status_code == 200 and 'action="/logout"' in answer.text
        assert "Noordwest" in browser.get(f"{hub}/registry", timeout=10).text
        reports = browser.get(f"{hub}/reports", timeout=10).text  # made as the daily job would have
        assert re.search(r'href="/reports/\d+/pdf"', reports)

        stop(process, output)
        assert "[4/4]" in output.stderr  # the progress, on standard error
        assert not any(is_running(pid) for pid in servers)
        assert all(port_is_free(port + i) for i in range(3))


def test_a_second_run_reuses_the_city(tmp_path: Path) -> None:
    port = free_ports(2)
    args = ("--port", str(port), "--nodes", "1", "--months", "1")
    with running_demo(tmp_path, *args) as (process, output):
        first, _ = output.until_json()
        stop(process, output)
    figures = wijknet("hub", "figures", "--instance", str(tmp_path / "demo" / "hub"))["figures"]
    with running_demo(tmp_path, *args) as (process, output):
        second, _ = output.until_json()
        assert second["nodes"] == first["nodes"]  # the same node, with the same API token
        assert wijknet("hub", "figures", "--instance", str(tmp_path / "demo" / "hub"))["figures"] == figures
        stop(process, output)
        assert "Reusing the demo" in output.stderr


def test_a_taken_port_is_named_before_anything_is_built(tmp_path: Path) -> None:
    port = free_ports(2)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port + 1))  # the first node's
        taken.listen()
        process = start_demo(tmp_path, "--port", str(port), "--nodes", "1")
        _, stderr = process.communicate(timeout=STARTUP_TIMEOUT)
    assert process.returncode != 0
    assert f"Port {port + 1} on 127.0.0.1 is already in use" in stderr
    assert not (tmp_path / "demo").exists()


OPTIONS = DemoOptions(seed=1, months=18, nodes=3, port=8000)


def test_a_finished_demo_with_the_same_options_is_reused(tmp_path: Path) -> None:
    folder = DemoFolder(tmp_path / "demo")
    assert folder.state(OPTIONS) == FolderState.NEW
    (tmp_path / "demo" / "noordwest").mkdir()
    assert folder.state(OPTIONS) == FolderState.HALF_MADE
    folder.finish(OPTIONS, {"created_at": "2026-11-25T10:00:00+00:00", "nodes": []})
    assert folder.state(OPTIONS) == FolderState.COMPLETE
    assert folder.state(DemoOptions(seed=1, months=18, nodes=3, port=9000)) == FolderState.OTHER_OPTIONS
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
