"""Running child processes side by side and stopping them together (for ``sori serve``).

The parent forwards SIGINT/SIGTERM to every child as SIGTERM, waits a bounded time for each, then
kills what is left, so Ctrl-C never leaves a web server or worker running. If one child stops on
its own, the others are stopped too and the parent reports failure: a web server without its
worker would silently stop sending email and applying SLA timers.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType

POLL_SECONDS = 0.2


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]


class Supervisor:
    def __init__(self, *, stop_timeout: float) -> None:
        self.stop_timeout = stop_timeout
        self.children: list[Child] = []
        self.stop_signal: int | None = None
        self._previous: dict[int, object] = {}

    def __enter__(self) -> Supervisor:
        for signum in (signal.SIGINT, signal.SIGTERM):
            self._previous[signum] = signal.signal(signum, self._on_signal)
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self.stop()
        finally:
            for signum, handler in self._previous.items():
                signal.signal(signum, handler)  # type: ignore[arg-type]

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stop_signal is not None:
            # A second Ctrl-C while stopping: do not wait any longer.
            for child in self.children:
                if child.process.poll() is None:
                    child.process.kill()
        self.stop_signal = signum

    def start(self, name: str, argv: Sequence[str]) -> Child:
        child = Child(name, subprocess.Popen(list(argv), env=os.environ.copy()))  # noqa: S603
        self.children.append(child)
        return child

    def wait(self, *, on_tick: Callable[[], None] | None = None) -> Child | None:
        """Block until a stop signal arrives (None) or a child exits on its own (that child)."""
        while True:
            if self.stop_signal is not None:
                return None
            for child in self.children:
                if child.process.poll() is not None:
                    return child
            if on_tick is not None:
                on_tick()
            time.sleep(POLL_SECONDS)

    def stop(self) -> None:
        """SIGTERM to every running child; after ``stop_timeout`` seconds, SIGKILL."""
        for child in self.children:
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for child in self.children:
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()


def accepts_connections(host: str, port: int) -> bool:
    """Whether something listens on ``host:port`` (wildcard addresses are tried on loopback)."""
    target = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104
    try:
        with socket.create_connection((target, port), timeout=POLL_SECONDS):
            return True
    except OSError:
        return False
