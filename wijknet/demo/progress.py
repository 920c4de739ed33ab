"""What the demo is doing, one line per step on stderr: a spinner on a terminal, plain lines otherwise.

Standard output stays for what a script reads (the addresses, then one line
of JSON), so the progress never gets in its way.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
FRAME_SECONDS = 0.1
CLEAR_LINE = "\r\x1b[K"
DEFAULT_WIDTH = 80


class Step:
    """A step under way: `status` shows while it runs (on a terminal), `result` and `details` when it is done."""

    def __init__(self, counter: str, label: str) -> None:
        self.counter = counter
        self.label = label
        self.status = ""
        self.result = ""
        self.details: list[str] = []
        self.began = time.monotonic()

    def line(self, mark: str, ending: str) -> str:
        return f"{self.counter} {mark}{self.label}{ending}"


class Progress:
    def __init__(self, steps: int, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self.steps = steps
        self.done = 0
        self._lock = threading.Lock()

    def note(self, text: str) -> None:
        """A line that is not a step (what the demo found, what it ignores)."""
        with self._lock:
            self._write(f"{CLEAR_LINE if self.live else ''}{text}\n")

    @contextmanager
    def step(self, label: str) -> Iterator[Step]:
        """One step: its line is finished when the block ends, with the result, or with what stopped it."""
        self.done += 1
        width = len(str(self.steps))
        step = Step(f"[{self.done:>{width}}/{self.steps}]", label)
        stop = threading.Event()
        spinner = threading.Thread(target=self._spin, args=(step, stop), daemon=True) if self.live else None
        if spinner is not None:
            spinner.start()
        try:
            yield step
        except KeyboardInterrupt:
            self._finish(step, stop, spinner, "✗ ", ": interrupted")
            raise
        except BaseException:
            self._finish(step, stop, spinner, "✗ ", ": failed")
            raise
        seconds = time.monotonic() - step.began
        self._finish(step, stop, spinner, "✓ ", f"{': ' + step.result if step.result else ''} ({seconds:.1f} s)")

    def _spin(self, step: Step, stop: threading.Event) -> None:
        frame = 0
        while not stop.wait(FRAME_SECONDS if frame else 0):
            status = f" — {step.status}" if step.status else ""
            line = step.line(f"{SPINNER[frame % len(SPINNER)]} ", status)
            width = self._width() - 1  # a line that wraps could not be redrawn
            with self._lock:
                self._write(CLEAR_LINE + (line if len(line) <= width else line[: width - 1] + "…"))
            frame += 1

    def _finish(self, step: Step, stop: threading.Event, spinner: threading.Thread | None, mark: str, end: str) -> None:
        stop.set()
        if spinner is not None:
            spinner.join()
        lines = [step.line(mark if self.live else "", end), *(f"      {detail}" for detail in step.details)]
        with self._lock:
            self._write((CLEAR_LINE if self.live else "") + "\n".join(lines) + "\n")

    def _width(self) -> int:
        try:
            return os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError):
            return DEFAULT_WIDTH

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
