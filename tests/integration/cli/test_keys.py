"""Personal data is encrypted at rest, survives key rotation, and a wrong key fails loudly
(ISO 10002 4.10 confidentiality)."""

from __future__ import annotations

import os
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from sori.audit.models import AuditEntry
from sori.audit.selectors import verify_trail
from sori.complaints.models import Complainant, Complaint
from sori.privacy.crypto import DecryptionError, FieldKey
from sori.privacy.keys import keyring

PERSON = {"name": "김민지", "email": "minji@example.kr", "phone": "010-1234-5678"}


def raw_complainants() -> list[tuple[str, str, str, str]]:
    """What the database holds, read past the ORM field."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, email, phone, postal_address FROM complaints_complainant ORDER BY id"
        )
        return [tuple(row) for row in cursor.fetchall()]


def raw_on_behalf_of() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT on_behalf_of FROM complaints_complaint WHERE on_behalf_of <> ''")
        return [row[0] for row in cursor.fetchall()]


def key_id(token: str) -> str:
    return token.split("$")[1]


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("keys", "rotate", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def old_keys() -> str:
    return settings.SORI_FIELD_KEYS


@pytest.fixture
def new_key() -> FieldKey:
    return FieldKey.generate()


@pytest.fixture
def people(submit) -> list[str]:
    references = []
    for number in range(3):
        receipt = submit(
            f"{number}번째 불만: 환불이 처리되지 않았습니다.",
            on_behalf_of="김영희", representative_relationship="딸",
        )  # fmt: skip
        references.append(receipt.reference)
    submit("Anonymous: the store was closed during opening hours.", anonymous=True)
    return references


def test_the_database_holds_no_plaintext_personal_data(people):
    rows = raw_complainants()
    assert len(rows) == 3
    current = keyring().current.key_id
    for row in rows:
        stored = " ".join(row)
        for value in (*PERSON.values(), "minji", "1234", "5678", "김"):
            assert value not in stored
        for token in row[:3]:
            assert token.startswith(f"s1${current}$")
        assert row[3] == ""  # nothing to hide, nothing stored
    assert all("김영희" not in token for token in raw_on_behalf_of())
    # The same value encrypts differently each time (random nonce): no equality leaks.
    assert len({row[1] for row in rows}) == 3
    person = Complainant.objects.order_by("id").first()
    assert (person.name, person.email, person.phone) == tuple(PERSON.values())


def test_rows_under_an_old_key_still_read_after_a_new_key_is_put_first(people, old_keys, new_key):
    with override_settings(SORI_FIELD_KEYS=f"{new_key.encoded()},{old_keys}"):
        assert keyring().current.key_id == new_key.key_id
        assert {p.email for p in Complainant.objects.all()} == {PERSON["email"]}
        assert {c.on_behalf_of for c in Complaint.objects.exclude(complainant=None)} == {"김영희"}
        # Nothing was rewritten by reading; new writes use the new key.
        assert all(key_id(row[1]) != new_key.key_id for row in raw_complainants())
        Complainant.objects.filter(pk=Complainant.objects.first().pk).update(name="박서준")
        assert key_id(raw_complainants()[0][0]) == new_key.key_id


def test_rotation_reencrypts_everything_so_the_old_key_can_be_removed(people, old_keys, new_key):
    with override_settings(SORI_FIELD_KEYS=f"{new_key.encoded()},{old_keys}"):
        output = rotate()
        assert "complaints.Complainant.email: 3" in output
        assert "complaints.Complaint.on_behalf_of: 3" in output
        assert "complaints.Complainant.postal_address: 0" in output
        # The acknowledgement emails in the outbox hold the address too (ISO 10002 4.10).
        assert "messaging.OutboundMessage.recipient: 3" in output
        assert f"Re-encrypted 15 value(s) under key {new_key.key_id}." in output
        # Idempotent: a second run finds nothing left.
        assert f"Re-encrypted 0 value(s) under key {new_key.key_id}." in rotate()

    for row in raw_complainants():
        assert {key_id(token) for token in row[:3]} == {new_key.key_id}
    assert {key_id(token) for token in raw_on_behalf_of()} == {new_key.key_id}

    with override_settings(SORI_FIELD_KEYS=new_key.encoded()):  # the old key is gone
        people_now = list(Complainant.objects.all())
        assert [(p.name, p.email, p.phone) for p in people_now] == [tuple(PERSON.values())] * 3
        complaint = Complaint.objects.get(reference=people[0])
        assert complaint.on_behalf_of == "김영희"

    runs = AuditEntry.objects.filter(action="sori.privacy.keys_rotated").order_by("seq")
    assert [run.data["total"] for run in runs] == [15, 0]
    first = runs[0]
    assert first.iso_clause == "4.10"
    assert first.object_id == new_key.key_id
    assert first.actor_label == "cli"
    assert first.data["reencrypted"]["complaints.Complainant.name"] == 3
    assert first.data["completed"] is True
    assert verify_trail() == []


def test_rotation_works_through_a_table_larger_than_one_batch(submit, old_keys, new_key):
    for number in range(7):
        submit(f"불만 {number}")
    with override_settings(SORI_FIELD_KEYS=f"{new_key.encoded()},{old_keys}"):
        assert "Re-encrypted 28 value(s)" in rotate("--batch-size", "2")
    with override_settings(SORI_FIELD_KEYS=new_key.encoded()):
        assert [p.email for p in Complainant.objects.all()] == [PERSON["email"]] * 7


def test_rotation_without_the_old_key_stops_and_names_the_row(people, new_key):
    first = Complainant.objects.order_by("pk").first()
    with (
        override_settings(SORI_FIELD_KEYS=new_key.encoded()),
        pytest.raises(CommandError) as failure,
    ):
        rotate()
    assert failure.value.returncode == 1
    assert f"complaints.Complainant #{first.pk}" in str(failure.value)
    assert "SORI_FIELD_KEYS" in str(failure.value)
    run = AuditEntry.objects.get(action="sori.privacy.keys_rotated")
    assert run.data["completed"] is False
    # Nothing was lost: with the old key back every row reads.
    assert {p.email for p in Complainant.objects.all()} == {PERSON["email"]}


def test_a_wrong_key_with_the_right_id_fails_loudly_when_the_row_is_read(people):
    impostor = FieldKey(keyring().current.key_id, os.urandom(32))
    with override_settings(SORI_FIELD_KEYS=impostor.encoded()), pytest.raises(DecryptionError):
        Complainant.objects.first()


def test_keys_generate_prints_a_key_the_keyring_accepts():
    out = StringIO()
    call_command("keys", "generate", stdout=out)
    key = FieldKey.parse(out.getvalue().strip())
    assert len(key.secret) == 32
