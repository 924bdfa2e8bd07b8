"""Drafting, approving, publishing and acknowledging the complaints-handling policy
(ISO 10002 5.1 commitment, 5.2 policy; KS Q ISO 10002 numbering, 2018: 5.2, 5.3; R-4.2.1, R-5.3.1).

A version moves draft → approved → published, one step per service below:

- ``draft_policy_version``: a complaints manager or top management starts a new version from the
  text of the current one. One version is open (draft or approved, not yet published) at a time,
  so the versions are published in the order of their numbers.
- ``update_policy_draft``: only a draft changes; it may be incomplete while it is worked on.
- ``approve_policy_version``: only top management approves (5.1: top management commits to the
  policy), only a complete draft (title and text in Korean and in English); who, when and the
  note are recorded.
- ``publish_policy_version``: only an approved version, from an effective date of today or later;
  the version in force before ends the day before.
- ``withdraw_policy_version``: an open version that will not be published is set aside.
- ``acknowledge_policy``: a staff member acknowledges the version in force; twice is harmless.

Each writes its audit entry (clause 5.2) in its own transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sori.audit.services import record
from sori.core import clock
from sori.core.actors import Actor
from sori.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from sori.governance import access
from sori.governance.models import PolicyAcknowledgement, PolicyStatus, PolicyVersion
from sori.governance.policy import ACKNOWLEDGERS, open_version, policy_in_force, today

CLAUSE = "5.2"
MAX_TITLE = 200
MAX_BODY = 50_000
MAX_NOTE = 4000
_TEXT_FIELDS = ("title_ko", "title_en", "body_ko", "body_en", "change_summary")


@dataclass(frozen=True)
class PolicyText:
    """What a version says, in Korean and English, and what changed from the one before."""

    title_ko: str = ""
    title_en: str = ""
    body_ko: str = ""
    body_en: str = ""
    change_summary: str = ""


def _require(actor: Actor, roles: frozenset[str], message: str) -> None:
    if not (actor.is_staff and actor.user_id is not None and actor.role in roles):
        raise Forbidden(message)


def _audit(actor: Actor, action: str, version: PolicyVersion, data: dict[str, Any]) -> None:
    record(
        action=f"sori.policy.{action}",
        actor=actor,
        object_type="policy_version",
        object_id=str(version.number),
        data={"version": version.number, **data},
        iso_clause=CLAUSE,
    )


def _locked(number: int) -> PolicyVersion:
    version = PolicyVersion.objects.select_for_update().filter(number=number).first()
    if version is None:
        raise NotFound(_("There is no version %(number)d of the policy.") % {"number": number})
    return version


def _cleaned(text: PolicyText) -> dict[str, str]:
    fields = {
        "title_ko": " ".join(text.title_ko.split()),
        "title_en": " ".join(text.title_en.split()),
        "body_ko": text.body_ko.replace("\r\n", "\n").strip(),
        "body_en": text.body_en.replace("\r\n", "\n").strip(),
        "change_summary": text.change_summary.replace("\r\n", "\n").strip(),
    }
    for name in ("title_ko", "title_en"):
        if len(fields[name]) > MAX_TITLE:
            raise InvalidInput(
                _("Keep the title under %(limit)d characters.") % {"limit": MAX_TITLE},
                code="title_too_long",
                field=name,
            )
    for name in ("body_ko", "body_en", "change_summary"):
        if len(fields[name]) > MAX_BODY:
            raise InvalidInput(
                _("Keep the text under %(limit)d characters.") % {"limit": MAX_BODY},
                code="text_too_long",
                field=name,
            )
    return fields


def draft_policy_version(*, actor: Actor) -> PolicyVersion:
    """Start the next version from the text of the current one (5.2: the policy is reviewed)."""
    _require(actor, access.POLICY_DRAFTERS,
             _("Only complaints managers and top management draft the policy."))  # fmt: skip
    with transaction.atomic():
        pending = open_version()
        if pending is not None:
            raise Conflict(
                _("Version %(number)d is still open (%(status)s): finish or withdraw it before "
                  "starting another.")
                % {"number": pending.number, "status": pending.get_status_display()},
                code="version_open",
                number=pending.number,
            )  # fmt: skip
        base = policy_in_force() or (
            PolicyVersion.objects.filter(status=PolicyStatus.PUBLISHED).order_by("-number").first()
        )
        number = (PolicyVersion.objects.aggregate(top=Max("number"))["top"] or 0) + 1
        try:
            # Two drafters at once: the second finds the number taken and is told so.
            with transaction.atomic():
                version = PolicyVersion.objects.create(
                    number=number,
                    title_ko=base.title_ko if base else "",
                    title_en=base.title_en if base else "",
                    body_ko=base.body_ko if base else "",
                    body_en=base.body_en if base else "",
                    status=PolicyStatus.DRAFT,
                    drafted_by_id=actor.user_id,
                    drafted_at=clock.now(),
                )
        except IntegrityError as error:
            raise Conflict(
                _("Someone else started a new version at the same time; open it from the list."),
                code="version_open",
            ) from error
        _audit(actor, "drafted", version, {"from_version": base.number if base else None})
    return version


def update_policy_draft(*, actor: Actor, number: int, text: PolicyText) -> PolicyVersion:
    """Change a draft's text; an approved or published version never changes (5.2)."""
    _require(actor, access.POLICY_DRAFTERS,
             _("Only complaints managers and top management draft the policy."))  # fmt: skip
    fields = _cleaned(text)
    with transaction.atomic():
        version = _locked(number)
        if version.status != PolicyStatus.DRAFT:
            raise Conflict(
                _("Version %(number)d is no longer a draft; start a new version to change the "
                  "policy.") % {"number": number},
                code="not_draft",
            )  # fmt: skip
        changed = [name for name in _TEXT_FIELDS if getattr(version, name) != fields[name]]
        for name in changed:
            setattr(version, name, fields[name])
        if changed:
            version.save(update_fields=[*changed, "updated_at"])
            _audit(actor, "draft_updated", version, {"changed": changed})
    return version


def approve_policy_version(*, actor: Actor, number: int, note: str = "") -> PolicyVersion:
    """Top management approves a complete draft; who, when and the note are kept (5.1, R-4.2.1)."""
    _require(actor, access.POLICY_APPROVERS, _("Only top management approves the policy."))
    with transaction.atomic():
        version = _locked(number)
        if version.status != PolicyStatus.DRAFT:
            raise Conflict(
                _("Only a draft is approved; version %(number)d is %(status)s.")
                % {"number": number, "status": version.get_status_display()},
                code="not_draft",
            )
        missing = [name for name in ("title_ko", "title_en", "body_ko", "body_en")
                   if not getattr(version, name).strip()]  # fmt: skip
        if missing:
            raise InvalidInput(
                _("The policy is approved in Korean and in English: complete the title and the "
                  "text in both languages first."),
                code="incomplete",
                missing=missing,
            )  # fmt: skip
        version.status = PolicyStatus.APPROVED
        version.approved_by_id = actor.user_id
        version.approved_at = clock.now()
        version.approval_note = note.strip()[:MAX_NOTE]
        version.save(
            update_fields=["status", "approved_by", "approved_at", "approval_note", "updated_at"]
        )
        _audit(actor, "approved", version, {"note": version.approval_note})
    return version


def publish_policy_version(*, actor: Actor, number: int, effective_from: dt.date) -> PolicyVersion:
    """Publish an approved version from ``effective_from``; the one before ends the day before."""
    _require(actor, access.POLICY_PUBLISHERS,
             _("Only complaints managers and top management publish the policy."))  # fmt: skip
    if effective_from < today():
        raise InvalidInput(
            _("The effective date cannot be in the past: choose today or a later day."),
            code="effective_in_past",
            field="effective_from",
        )
    with transaction.atomic():
        version = _locked(number)
        if version.status == PolicyStatus.DRAFT:
            raise Conflict(
                _("Version %(number)d has not been approved by top management; only an approved "
                  "version is published.") % {"number": number},
                code="not_approved",
            )  # fmt: skip
        if version.status != PolicyStatus.APPROVED:
            raise Conflict(
                _("Version %(number)d is %(status)s; only an approved version is published.")
                % {"number": number, "status": version.get_status_display()},
                code="not_approved",
            )
        previous = (
            PolicyVersion.objects.select_for_update()
            .filter(status=PolicyStatus.PUBLISHED, effective_to__isnull=True)
            .order_by("-effective_from")
            .first()
        )
        if previous is not None and previous.effective_from is not None:
            if effective_from <= previous.effective_from:
                raise InvalidInput(
                    _("Version %(number)d takes effect on %(date)s; choose a later day.")
                    % {"number": previous.number, "date": previous.effective_from.isoformat()},
                    code="effective_too_early",
                    field="effective_from",
                )
            previous.effective_to = effective_from - dt.timedelta(days=1)
            previous.save(update_fields=["effective_to", "updated_at"])
            _audit(actor, "superseded", previous,
                   {"effective_to": previous.effective_to.isoformat(), "by_version": number})  # fmt: skip
        version.status = PolicyStatus.PUBLISHED
        version.effective_from = effective_from
        version.effective_to = None
        version.published_by_id = actor.user_id
        version.published_at = clock.now()
        version.save(update_fields=["status", "effective_from", "effective_to", "published_by",
                                    "published_at", "updated_at"])  # fmt: skip
        _audit(actor, "published", version, {
            "effective_from": effective_from.isoformat(),
            "previous_version": previous.number if previous else None,
        })  # fmt: skip
    return version


def withdraw_policy_version(*, actor: Actor, number: int, note: str = "") -> PolicyVersion:
    """Set aside a draft or an approved version that will not be published; it stays on record."""
    _require(actor, access.POLICY_DRAFTERS,
             _("Only complaints managers and top management draft the policy."))  # fmt: skip
    with transaction.atomic():
        version = _locked(number)
        if version.status not in (PolicyStatus.DRAFT, PolicyStatus.APPROVED):
            raise Conflict(
                _("Only a version not yet published is withdrawn; version %(number)d is "
                  "%(status)s.") % {"number": number, "status": version.get_status_display()},
                code="not_open",
            )  # fmt: skip
        before = version.status
        version.status = PolicyStatus.WITHDRAWN
        version.save(update_fields=["status", "updated_at"])
        _audit(actor, "withdrawn", version, {"from": before, "note": note.strip()[:MAX_NOTE]})
    return version


def acknowledge_policy(*, actor: Actor, number: int | None = None) -> PolicyAcknowledgement:
    """``actor`` has read the version in force (5.2, R-5.3.1); a second time changes nothing.

    ``number`` is the version the person read: when another took its place meanwhile, they are
    asked to read that one.
    """
    _require(actor, ACKNOWLEDGERS, _("Your role does not acknowledge the policy."))
    user_id = actor.user_id
    assert user_id is not None  # _require refuses an actor without an account
    with transaction.atomic():
        current = policy_in_force()
        if current is None:
            raise Conflict(_("No version of the policy is in force."), code="none_in_force")
        if number is not None and number != current.number:
            raise Conflict(
                _("Version %(number)d is the one in force now: read it and acknowledge it.")
                % {"number": current.number},
                code="not_in_force",
            )
        existing = PolicyAcknowledgement.objects.filter(policy=current, user_id=user_id).first()
        if existing is not None:
            return existing
        try:
            # A double click from two tabs: the second finds the first acknowledgement.
            with transaction.atomic():
                acknowledgement = PolicyAcknowledgement.objects.create(
                    policy=current, user_id=user_id, acknowledged_at=clock.now()
                )
        except IntegrityError:
            return PolicyAcknowledgement.objects.get(policy=current, user_id=user_id)
        _audit(actor, "acknowledged", current, {"user": user_id})
    return acknowledgement
