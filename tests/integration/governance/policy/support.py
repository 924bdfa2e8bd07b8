"""Set-up for the policy tests: a version written, approved and published through the services."""

from __future__ import annotations

import datetime as dt

from sori.core.actors import Actor
from sori.governance.models import PolicyVersion
from sori.governance.services.policy import (
    PolicyText,
    approve_policy_version,
    draft_policy_version,
    publish_policy_version,
    update_policy_draft,
)

TEXT = PolicyText(
    title_ko="고객 불만 처리 방침",
    title_en="Complaints-handling policy",
    body_ko="우리는 모든 불만을 공정하게 처리합니다.\n\n불만 제기는 무료입니다.",
    body_en="We handle every complaint fairly.\n\nComplaining is free.",
    change_summary="First version.",
)


def drafted(manager: Actor, text: PolicyText = TEXT) -> PolicyVersion:
    version = draft_policy_version(actor=manager)
    return update_policy_draft(actor=manager, number=version.number, text=text)


def published(
    manager: Actor, top: Actor, effective_from: dt.date, text: PolicyText = TEXT
) -> PolicyVersion:
    version = drafted(manager, text)
    approve_policy_version(actor=top, number=version.number, note="Board meeting")
    return publish_policy_version(actor=manager, number=version.number,
                                  effective_from=effective_from)  # fmt: skip
