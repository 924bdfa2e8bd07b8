"""Who may read the outbox in the admin: the complaints manager, the administrator, and the
auditor, who reads every record and changes none (ISO 10002 8.4 evidence that 7.4 was met)."""

from __future__ import annotations

import rules
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from sori.accounts.models import Role, StaffProfile
from sori.core.actors import Actor, ActorKind

READERS = (Role.COMPLAINTS_MANAGER.value, Role.ADMINISTRATOR.value, Role.AUDITOR.value)
RETRIERS = (Role.COMPLAINTS_MANAGER.value, Role.ADMINISTRATOR.value)


@rules.predicate
def reads_outbox(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    role = StaffProfile.objects.filter(user_id=user.pk).values_list("role", flat=True).first()
    return role in READERS


rules.add_perm("messaging", reads_outbox)
rules.add_perm("messaging.view_outboundmessage", reads_outbox)
rules.add_perm("messaging.view_inboundmessage", reads_outbox)


# The same people, as actors for the back-office outbox and inbound-mail pages: readers see
# failing and received mail; only the complaints manager and the administrator act on it.
@rules.predicate
def can_read_mail(actor: Actor) -> bool:
    return actor.kind is ActorKind.STAFF and actor.role in READERS


@rules.predicate
def can_retry_messages(actor: Actor) -> bool:
    return actor.kind is ActorKind.STAFF and actor.role in RETRIERS
