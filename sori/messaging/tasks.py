"""Background tasks of the outbox (run by ``sori worker``; at once in tests)."""

from __future__ import annotations

from django_tasks import task

from sori.messaging import services


@task()
def send_message(message_id: int) -> bool:
    """Send one message queued by ``notify()``, right after the transaction that wrote it."""
    return services.deliver(message_id)
