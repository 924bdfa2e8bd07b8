"""Tampering with the audit trail is detected and named (ISO 10002 4.9 integrity, 8.1 records)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from sori.audit.models import AuditEntry
from tests.integration.cli.conftest import bypassing_triggers

TABLE = AuditEntry._meta.db_table


def verify() -> tuple[int, str]:
    """Run ``audit verify``; its exit status and what it printed."""
    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


@pytest.fixture
def trail(submit) -> int:
    """A trail written by real services: each complaint is received and acknowledged."""
    for text in (
        "택배가 2주째 도착하지 않았습니다.",
        "The refund never arrived.",
        "상담원이 불친절했습니다.",
    ):
        submit(text)
    return AuditEntry.objects.count()


def test_an_intact_trail_verifies(trail):
    code, output = verify()
    assert code == 0
    assert f"audit trail intact: {trail} entries" in output


def test_an_edited_entry_is_named(trail):
    with bypassing_triggers() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET actor_label = %s WHERE seq = %s", ["someone else", 3])
    code, output = verify()
    assert code == 1
    assert "entry #3" in output
    assert "altered" in output
    assert "#1 " not in output and "#2 " not in output


def test_an_edited_json_payload_is_named(trail):
    entry = AuditEntry.objects.get(seq=4)
    with bypassing_triggers() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET data = %s WHERE seq = %s", ['{"anonymous": true}', 4])
    assert AuditEntry.objects.get(seq=4).data != entry.data
    code, output = verify()
    assert code == 1
    assert "entry #4" in output


def test_a_deleted_entry_is_named(trail):
    with bypassing_triggers() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [2])
    code, output = verify()
    assert code == 1
    assert "#2 is missing" in output


def test_a_deleted_last_entry_is_named(trail):
    with bypassing_triggers() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [trail])
    code, output = verify()
    assert code == 1
    assert f"#{trail}" in output
    assert "missing" in output


def test_an_emptied_trail_is_reported_against_the_chain_head(trail):
    # TRUNCATE skips row triggers on PostgreSQL; the chain head still knows how long it was.
    statement = "TRUNCATE {}" if connection.vendor == "postgresql" else "DELETE FROM {}"
    with bypassing_triggers() as cursor:
        cursor.execute(statement.format(TABLE))
    code, output = verify()
    assert code == 1
    assert f"#1–#{trail}" in output


def test_two_swapped_entries_are_named(trail):
    # Swap positions 2 and 3 through a temporary value, since ``seq`` is unique.
    with bypassing_triggers() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [10**12, 2])
        cursor.execute(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [2, 3])
        cursor.execute(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [3, 10**12])
    code, output = verify()
    assert code == 1
    lines = output.splitlines()
    assert any(line.startswith("entry #2") for line in lines)
    assert any(line.startswith("entry #3") and "reordered" in line for line in lines)


def test_postgresql_refuses_to_update_or_delete_audit_entries(trail):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    for statement in (
        f"UPDATE {TABLE} SET actor_label = 'x' WHERE seq = 1",
        f"DELETE FROM {TABLE} WHERE seq = 1",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert verify()[0] == 0


def test_the_sori_command_exits_1_and_names_a_tampered_entry(run_sori, submit):
    # Anonymous: no acknowledgement email, so exactly the received and acknowledged entries.
    submit("배송 지연에 대한 불만입니다.", anonymous=True)
    submit("The product broke after one day.", anonymous=True)
    intact = run_sori("audit", "verify")
    assert intact.returncode == 0, intact.stderr
    assert re.search(r"(?<!\d)4(?!\d)", intact.stdout)  # the number of entries checked

    with bypassing_triggers() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET object_id = %s WHERE seq = %s", ["C-2026-999999", 3])
    broken = run_sori("audit", "verify")
    assert broken.returncode == 1
    assert any(line.startswith("entry #3") for line in broken.stdout.splitlines())
    assert broken.stderr.strip()  # and says so where errors go
