"""What the response journeys share: signing in through the real page, a second browser session,
waiting for an email at the real SMTP server, and axe-core on each page of this stage."""

from __future__ import annotations

import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

from sori.complaints.models import Complaint
from tests.conftest import PASSWORD
from tests.e2e.browser import axe_violations
from tests.integration.messaging.conftest import Inbox

EMAIL_WAIT_SECONDS = 10.0


def sign_in(page: Any, base: str, username: str, path: str) -> None:
    """Open ``path`` as a signed-out person would: the sign-in page, then back to ``path``."""
    page.goto(f"{base}{path}")
    page.wait_for_url(lambda url: url.startswith(f"{base}/staff/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}{path}")


def another_session(page: Any) -> Any:
    """A second person at another computer: a fresh browser context with its own cookies."""
    return page.context.browser.new_context().new_page()


def assert_accessible(page: Any) -> None:
    assert page.locator("h1").count() == 1
    violations = axe_violations(page)
    assert violations == [], violations


def follow(page: Any, base: str, reference: str, tail: str) -> None:
    """Click the first link to the stage's page ``tail`` (from the workspace) and wait for it."""
    target = f"/staff/complaints/{reference}/{tail}"
    page.locator(f'a[href="{target}"]').first.click()
    page.wait_for_url(f"{base}{target}")


def submit_main_form(page: Any) -> None:
    """Press the form's main button (not "add another remedy")."""
    page.locator("main form[method=post] button[type=submit]:not([name])").first.click()


def wait_for_email(inbox: Inbox, recipient: str, subject_part: str) -> EmailMessage:
    deadline = time.monotonic() + EMAIL_WAIT_SECONDS
    while True:
        for recipients, message in list(inbox.received):
            if recipient in recipients and subject_part in str(message["Subject"]):
                return message
        if time.monotonic() > deadline:
            seen = [(r, str(m["Subject"])) for r, m in inbox.received]
            raise AssertionError(f"no email to {recipient} about {subject_part!r}; got {seen}")
        time.sleep(0.05)


def body_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]


def wait_until(reference: str, check: Callable[[Complaint], bool], what: str) -> Complaint:
    """The complaint once ``check`` holds (the live server commits in its own thread)."""
    deadline = time.monotonic() + EMAIL_WAIT_SECONDS
    while True:
        complaint = Complaint.objects.get(reference=reference)
        if check(complaint):
            return complaint
        if time.monotonic() > deadline:
            raise AssertionError(f"{reference} never got {what} (status {complaint.status})")
        time.sleep(0.05)


def wait_for_status(reference: str, status: str) -> Complaint:
    return wait_until(reference, lambda complaint: complaint.status == status, status)
