"""Staff accounts and API tokens from the command line (ISO 10002 5.4 responsibility, 4.12)."""

from __future__ import annotations

import contextlib
import os
import pty
import select
import termios
import time
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from sori.accounts.models import ApiToken, StaffProfile
from sori.accounts.services import user_for_token
from sori.audit.models import AuditEntry
from tests.integration.cli.conftest import SORI, sori_env

PASSWORD = "a-long-password-for-tests-42"


def createuser(*args: str, stdin: str | None = None) -> str:
    out = StringIO()
    call_command("createuser", *args, stdout=out, stdin=StringIO(stdin or ""))
    return out.getvalue()


def create_token(username: str, *args: str) -> str:
    out = StringIO()
    call_command("token", "create", "--username", username, *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_createuser_takes_the_password_from_stdin_and_the_user_can_log_in(client):
    output = createuser(
        "--username", "minji", "--role", "approver", "--authority-limit", "5000000",
        "--email", "minji@example.kr", "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert "minji" in output
    profile = StaffProfile.objects.get(user__username="minji")
    assert profile.role == "approver"
    assert profile.authority_limit == Decimal("5000000")
    assert client.login(username="minji", password=PASSWORD)
    entry = AuditEntry.objects.get(action="sori.staff.created")
    assert (entry.actor_label, entry.iso_clause) == ("cli", "5.4")


@pytest.mark.django_db
def test_an_unknown_role_is_refused_and_no_user_is_made():
    with pytest.raises(CommandError) as refusal:
        createuser("--username", "x", "--role", "boss", "--password-stdin", stdin=PASSWORD)
    assert refusal.value.returncode == 2
    assert "boss" in str(refusal.value)
    assert "handler" in str(refusal.value)  # the message lists the roles there are
    assert not get_user_model().objects.filter(username="x").exists()


@pytest.mark.django_db
def test_a_weak_password_is_refused():
    with pytest.raises(CommandError) as refusal:
        createuser("--username", "y", "--role", "handler", "--password-stdin", stdin="1234\n")
    assert refusal.value.returncode == 2
    assert not get_user_model().objects.filter(username="y").exists()


@pytest.mark.django_db
def test_without_a_terminal_createuser_asks_for_password_stdin():
    with pytest.raises(CommandError, match="--password-stdin") as refusal:
        createuser("--username", "z", "--role", "handler", stdin=PASSWORD)
    assert refusal.value.returncode == 2
    assert not get_user_model().objects.filter(username="z").exists()


@pytest.mark.django_db
def test_token_create_prints_only_a_token_that_works_on_the_api(client, submit):
    createuser("--username", "seojun", "--role", "handler", "--password-stdin", stdin=PASSWORD)
    output = create_token("seojun", "--label", "crm sync")
    token = output.strip()
    assert output.count("\n") == 1 and " " not in token
    assert user_for_token(token).get_username() == "seojun"
    assert ApiToken.objects.get().label == "crm sync"

    reference = submit("앱 결제가 두 번 청구되었습니다.").reference
    answer = client.get(f"/api/v1/complaints/{reference}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 200, answer.content
    assert answer.json()["reference"] == reference
    forged = client.get(
        f"/api/v1/complaints/{reference}", HTTP_AUTHORIZATION=f"Bearer {token[:-2]}xx"
    )
    assert forged.status_code == 401


@pytest.mark.django_db
def test_token_create_for_an_unknown_user_fails():
    with pytest.raises(CommandError, match="nobody") as refusal:
        create_token("nobody")
    assert refusal.value.returncode == 2
    assert not ApiToken.objects.exists()


def test_the_sori_executable_creates_a_user_and_a_token(run_sori):
    made = run_sori(
        "createuser", "--username", "jiwoo", "--role", "complaints_manager", "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert StaffProfile.objects.get(user__username="jiwoo").role == "complaints_manager"
    assert get_user_model().objects.get(username="jiwoo").check_password(PASSWORD)

    issued = run_sori("token", "create", "--username", "jiwoo")
    assert issued.returncode == 0, issued.stderr
    assert user_for_token(issued.stdout.strip()).get_username() == "jiwoo"

    refused = run_sori("createuser", "--username", "x", "--role", "boss", "--password-stdin",
                       stdin=PASSWORD)  # fmt: skip
    assert refused.returncode == 2
    assert "boss" in refused.stderr


def type_passwords_in_a_terminal(argv: list[str], answers: list[str]) -> tuple[int, str]:
    """Run ``argv`` on a pseudo-terminal and answer each password prompt in turn.

    A prompt is recognised by the terminal, not by its (translated) text.
    """
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the terminal is its controlling tty
        os.execve(argv[0], argv, sori_env())  # noqa: S606
    output = bytearray()
    deadline = time.monotonic() + 60

    def read_a_little() -> bool:
        assert time.monotonic() < deadline, output.decode(errors="replace")
        ready, _, _ = select.select([terminal], [], [], 0.05)
        if ready:
            with contextlib.suppress(OSError):  # EIO once the child has closed the terminal
                output.extend(os.read(terminal, 4096))
        return bool(ready)

    def echo_is_off() -> bool:
        return not termios.tcgetattr(terminal)[3] & termios.ECHO

    for answer in answers:
        # getpass turns echo off (discarding typed-ahead input) before it asks; everything the
        # command printed before that is already on the terminal, so read it all first.
        while not echo_is_off():
            read_a_little()
        while read_a_little():
            pass
        mark = len(output)
        os.write(terminal, answer.encode() + b"\n")
        # The newline getpass writes once it has read the answer (the answer is not echoed).
        while b"\n" not in output[mark:]:
            read_a_little()
    while True:
        finished, status = os.waitpid(pid, os.WNOHANG)
        if finished:
            break
        read_a_little()
    with contextlib.suppress(OSError):
        output.extend(os.read(terminal, 4096))
    os.close(terminal)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


def test_in_a_terminal_createuser_asks_for_the_password_twice(run_sori):
    argv = [SORI, "createuser", "--username", "hana", "--role", "handler"]
    code, screen = type_passwords_in_a_terminal(argv, [PASSWORD, PASSWORD])
    assert code == 0, screen
    assert PASSWORD not in screen  # never echoed
    assert get_user_model().objects.get(username="hana").check_password(PASSWORD)

    code, screen = type_passwords_in_a_terminal(
        [SORI, "createuser", "--username", "dana", "--role", "handler"], [PASSWORD, PASSWORD + "x"]
    )
    assert code == 2, screen
    assert not get_user_model().objects.filter(username="dana").exists()
