"""``sori serve`` never leaves half of Sori running: if the web server or the worker dies, the
other is stopped and ``serve`` fails; a busy port is refused before anything starts."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.helpers import descendants, free_port, is_running, newcomer_env, wait_until_answering

pytestmark = pytest.mark.slow


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_when_the_worker_dies_serve_stops_the_web_server_and_fails(tmp_path):
    port = free_port()
    log = tmp_path / "sori.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            ["sori", "serve", "--port", str(port), "--workers", "1"],
            env=newcomer_env(tmp_path / "data"), cwd=tmp_path,
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_until_answering(
            f"http://127.0.0.1:{port}/api/v1/openapi.json",
            process=server, deadline_seconds=90, log=log,
        )  # fmt: skip
        children = descendants(server.pid)
        workers = [pid for pid in children if "sori worker" in command_line(pid)]
        assert len(workers) == 1, [command_line(pid) for pid in children]

        os.kill(workers[0], signal.SIGKILL)
        assert server.wait(timeout=30) == 1, log.read_text()
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGKILL)
            server.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(is_running(pid) for pid in children):
        time.sleep(0.1)
    assert [command_line(pid) for pid in children if is_running(pid)] == []
    assert "-9" in log.read_text().strip().splitlines()[-1]  # it reports how the worker ended


def test_a_port_in_use_is_refused_before_anything_starts(tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = subprocess.run(
            ["sori", "serve", "--port", str(port)], env=newcomer_env(tmp_path / "data"),
            cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert result.returncode == 2
    assert str(port) in result.stderr
