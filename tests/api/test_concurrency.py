"""Two people act on the same complaint at once: exactly one wins (ISO 10002 7.3, issue 2 §4).

Threads need committed data, so this module uses ``committed_db`` (a transactional test) and
carries no module-level ``django_db`` mark: with one, the database flush would run after the
fixture that re-enables the audit trigger on PostgreSQL.
"""

from __future__ import annotations

import threading

from django.db import connection
from django.test import Client

from sori.complaints.models import Complaint
from tests.api.helpers import ASSESSMENT, URL, fire


def test_of_two_concurrent_transitions_exactly_one_wins(committed_db, bearer, file_complaint):
    receipt = file_complaint()
    reference = receipt["reference"]
    headers = bearer("handler")
    etag = Client().get(f"{URL}/{reference}", **headers)["ETag"]
    # Two handlers act on the same version: one withdraws, the other assesses.
    attempts = [("withdraw", {}), ("assess", ASSESSMENT)]
    results: dict[str, tuple[int, str]] = {}
    barrier = threading.Barrier(len(attempts))

    def act(event: str, data: dict) -> None:
        try:
            client = Client()
            barrier.wait(timeout=10)
            response = fire(client, reference, event, {**headers, "HTTP_IF_MATCH": etag}, **data)
            results[event] = (
                response.status_code,
                response.json()["code"] if response.status_code != 200 else "",
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=attempt) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(code for code, _ in results.values())
    assert statuses == [200, 409]
    loser = next(outcome for outcome in results.values() if outcome[0] == 409)
    assert loser[1] == "conflict"
    complaint = Complaint.objects.get(reference=reference)
    assert complaint.version == int(etag.strip('"')) + 1
    winner = next(event for event, outcome in results.items() if outcome[0] == 200)
    assert complaint.status == {"withdraw": "withdrawn", "assess": "assessed"}[winner]
