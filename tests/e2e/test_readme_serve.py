"""The README's run command works for a newcomer: it serves the API and stops cleanly on Ctrl-C."""

from __future__ import annotations

import re
import shlex
import signal
import subprocess
import time

import pytest

from tests.e2e.helpers import (
    ROOT,
    call,
    descendants,
    free_port,
    is_running,
    newcomer_env,
    wait_until_answering,
)

pytestmark = pytest.mark.slow


def readme_run_command() -> list[str]:
    """The part of the README's first command after the installation: ``sori serve --demo``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(
        line for line in readme.splitlines() if "pip install" in line and "sori serve" in line
    )
    command = shlex.split(line.split("&&")[-1])
    assert command[:2] == ["sori", "serve"] and "--demo" in command, line
    return command


def test_the_readme_run_command_serves_the_api_and_stops_cleanly(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "sori.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [*readme_run_command(), "--port", str(port)],
            env=newcomer_env(tmp_path / "data"), cwd=tmp_path,
            stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        # The first start migrates a new SQLite file and loads the demo organisation.
        wait_until_answering(
            f"{base}/api/v1/openapi.json", process=server, deadline_seconds=90, log=log
        )
        status, receipt = call(
            "POST", f"{base}/api/v1/complaints",
            {"description": "온라인으로 주문한 상품이 2주째 배송되지 않고 있습니다. 확인 부탁드립니다."},
        )  # fmt: skip
        assert status == 201, receipt
        assert re.fullmatch(r"C-\d{4}-\d{6}", receipt["reference"])
        assert receipt["status"] == "acknowledged"  # ISO 10002 7.4: at once

        url = f"{base}/api/v1/complaints/{receipt['reference']}"
        status, view = call("GET", url, headers={"X-Access-Code": receipt["access_code"]})
        assert status == 200, view
        assert view["reference"] == receipt["reference"]
        status, _ = call("GET", url, headers={"X-Access-Code": "wrong-code-123"})
        assert status == 404

        children = descendants(server.pid)
        # gunicorn's master, its workers, and the background worker.
        assert len(children) >= 3, children
        assert f"{base}/" in log.read_text()  # it says where it listens

        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=20) == 0, log.read_text()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(is_running(pid) for pid in children):
        time.sleep(0.1)
    assert [pid for pid in children if is_running(pid)] == [], log.read_text()
