"""How many complaints per second Sori's API takes on the embedded default (SQLite).

Starts ``sori serve`` (no demo) in a temporary data directory on a free loopback port, with the
public submission rate limit raised, posts complaints from several client threads with the
standard library, prints throughput and latency, then stops the server with SIGINT.

    python bench/api_submissions.py --scale 1 --concurrency 4

``--scale 1`` is 500 submissions. Half carry contact details (encrypted, blind-indexed), half
are anonymous; texts are Korean and English. A short warm-up is not counted.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

PER_SCALE = 500
STARTUP_SECONDS = 90

TEXTS = [
    ("ko", "배송 지연", "온라인으로 주문한 냉장고가 약속된 날짜보다 2주가 지나도 도착하지 않았습니다. "
     "고객센터에 세 번 전화했지만 매번 다른 안내를 받았고, 정확한 배송 일정을 알려주는 사람이 없습니다.",
     "정확한 배송일을 알려주시고, 지연에 대한 보상을 요청합니다."),
    ("ko", "이중 결제", "앱에서 결제 버튼을 한 번 눌렀는데 카드에서 같은 금액이 두 번 빠져나갔습니다. "
     "결제 내역 캡처를 첨부할 수 있습니다.", "중복 결제된 금액을 환불해 주세요."),
    ("ko", "상담원 응대", "어제 오후 지점을 방문했을 때 담당 직원이 설명 없이 서류를 다시 제출하라고만 했고, "
     "질문을 하자 짜증스러운 태도로 응대했습니다.", "사과와 함께 필요한 서류를 정확히 안내받고 싶습니다."),
    ("ko", "요금 오류", "이번 달 휴대폰 요금에 가입한 적 없는 부가서비스 요금이 청구되었습니다.",
     "부가서비스 해지와 부당 청구 금액 환급"),
    ("ko", "", "아파트 관리사무소에서 공지 없이 단수를 했습니다. 어르신이 계신 집이라 매우 곤란했습니다.", ""),
    ("ko", "환불 거부", "구입 후 3일 만에 제품이 고장 났는데 매장에서는 포장을 뜯었다는 이유로 환불을 거부했습니다. "
     "제품 결함이 분명한데도 수리만 가능하다고 합니다.", "전액 환불"),
    ("en", "Late delivery", "My order was marked as delivered last Tuesday, but nothing arrived. "
     "The courier says it was left at reception; our building has no reception.",
     "Please trace the parcel or send a replacement."),
    ("en", "Account closed without notice", "My savings account was closed without any letter or "
     "email. I found out when a direct debit bounced and I was charged a fee by my landlord.",
     "Reopen the account and refund the fee I was charged."),
    ("en", "", "The train was cancelled and no replacement bus was provided. Staff at the station "
     "could not tell us when the next service would run.", ""),
    ("en", "Wrong charge on my bill", "I was charged for 3 months of premium service that I "
     "cancelled in January. I have the cancellation confirmation number.",
     "Refund the three months and confirm the cancellation in writing."),
    ("en", "Rude driver", "The bus driver shouted at my elderly mother for being slow to board "
     "and drove off before she had sat down. She fell and bruised her arm.",
     "An apology and assurance that drivers are trained to help older passengers."),
    ("en", "Broken on arrival", "The laptop screen was cracked when I opened the box. I reported "
     "it within an hour but have not had any reply for 10 days.", "A replacement laptop."),
]  # fmt: skip

PEOPLE = [
    {"name": "김민지", "email": "minji.kim@example.kr", "phone": "010-2345-6789"},
    {"name": "Alex Morgan", "email": "alex.morgan@example.com", "phone": ""},
    {"name": "박서준", "email": "", "phone": "+82 10 9876 5432", "preferred_contact": "phone"},
]


def payload(number: int) -> dict[str, object]:
    language, subject, description, remedy = TEXTS[number % len(TEXTS)]
    body: dict[str, object] = {
        "description": f"{description} (#{number})",
        "subject": subject,
        "desired_remedy": remedy,
        "language": language,
    }
    if number % 2 == 0:
        body["complainant"] = PEOPLE[(number // 2) % len(PEOPLE)]
    return body


def post(url: str, body: dict[str, object]) -> tuple[int, float]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310 (loopback)
    request.add_header("Content-Type", "application/json")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 (loopback)
            answer.read()
            status = answer.status
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    return status, time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(
    data_dir: Path, port: int, workers: int | None, log: Path
) -> subprocess.Popen[bytes]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SORI_") and name not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        SORI_DATA_DIR=str(data_dir), SORI_SUBMISSION_RATE="1000000/m", SORI_LOG_LEVEL="WARNING"
    )
    command = [str(Path(sys.executable).with_name("sori")), "serve", "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    with log.open("wb") as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


def wait_until_up(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"sori serve stopped ({server.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"sori serve did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


def run(url: str, total: int, concurrency: int) -> tuple[list[float], dict[int, int], float]:
    numbers = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def client() -> None:
        while True:
            with lock:
                number = next(numbers)
            if number >= total:
                return
            status, seconds = post(url, payload(number))
            with lock:
                latencies.append(seconds)
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1, help=f"x {PER_SCALE} submissions")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--workers", type=int, default=None, help="web processes (default: sori's)")
    parser.add_argument("--warmup", type=int, default=20, help="uncounted submissions first")
    options = parser.parse_args()
    total = max(1, round(options.scale * PER_SCALE))

    with tempfile.TemporaryDirectory(prefix="sori-bench-") as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = Path(tmp) / "serve.log"
        server = start_server(Path(tmp) / "data", port, options.workers, log)
        try:
            wait_until_up(base, server, log)
            url = f"{base}/api/v1/complaints"
            run(url, options.warmup, options.concurrency)
            latencies, statuses, elapsed = run(url, total, options.concurrency)
        finally:
            server.send_signal(signal.SIGINT)
            try:
                stopped = server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                stopped = server.wait()

    ok = statuses.get(201, 0)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    print(f"Sori API submissions on SQLite: {total} POST /api/v1/complaints, "
          f"{options.concurrency} client threads, {os.cpu_count()} CPUs")  # fmt: skip
    print(f"  throughput: {ok / elapsed:.1f} submissions/s ({ok} created in {elapsed:.2f} s)")
    print(f"  latency: p50 {cuts[49] * 1000:.1f} ms, p95 {cuts[94] * 1000:.1f} ms, "
          f"max {max(latencies) * 1000:.1f} ms")  # fmt: skip
    other = {status: count for status, count in statuses.items() if status != 201}
    print(f"  errors: {other or 'none'}; server stopped with exit status {stopped}")
    if other or stopped != 0:
        sys.exit(1)


if __name__ == "__main__":
    main()
