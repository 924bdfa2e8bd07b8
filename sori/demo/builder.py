"""``build_demo()``: the demo organisation, written through the real services.

Every complaint is received by ``submit_complaint`` and moved by ``transition_complaint`` at a
past moment (``clock.frozen_at``), all steps of all complaints in time order, so the timeline
and the hash-chained audit trail are the real thing and ``sori audit verify`` passes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from sori.accounts.models import Unit
from sori.accounts.services import actor_for_user, create_staff_user
from sori.audit import services as audit
from sori.complaints.models import Category, Complaint, ReferralOutcome
from sori.complaints.services.assignment import assign_complaint
from sori.complaints.services.intake import submit_complaint
from sori.complaints.services.investigation import add_task
from sori.complaints.services.referrals import record_referral_outcome
from sori.complaints.services.transitions import EventData, transition_complaint
from sori.complaints.workflow import Event
from sori.core import clock
from sori.core.actors import SYSTEM, Actor, ActorKind, complainant_actor
from sori.core.errors import Conflict, InvalidInput
from sori.core.models import ExternalDisputeBody, Organisation
from sori.demo import data
from sori.demo.data import CategoryNode
from sori.demo.governance import demo_governance
from sori.demo.milestones import GovernanceHistory
from sori.demo.plan import COMPLAINANT, REFERRAL_OUTCOME, SUBMIT, Plan, plan_demo, working_time
from sori.demo.policy import publish_demo_policy
from sori.messaging import services as messaging
from sori.sla.services.sweep import sweep_timers

DEFAULT_COUNT = 200
DEFAULT_SEED = 10002
MAX_COUNT = 5000
EMAIL_GATEWAY = Actor(kind=ActorKind.EMAIL, label="email gateway")


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    password: str


@dataclass(frozen=True)
class DemoResult:
    created: bool
    organisation_ko: str
    organisation_en: str
    complaints: int
    logins: tuple[Login, ...]


def logins() -> tuple[Login, ...]:
    return tuple(Login(s.username, s.role, s.password) for s in data.STAFF)


def _result(created: bool, organisation: Organisation) -> DemoResult:
    return DemoResult(
        created=created,
        organisation_ko=organisation.name_ko,
        organisation_en=organisation.name_en,
        complaints=Complaint.objects.count(),
        logins=logins(),
    )


def build_demo(*, actor: Actor, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> DemoResult:
    """Create the demo organisation once; when it exists already, create nothing."""
    if not 0 <= count <= MAX_COUNT:
        raise InvalidInput(
            _("The number of demo complaints must be between 0 and %(max)d.") % {"max": MAX_COUNT},
            code="invalid_count",
            field="count",
        )
    existing = Organisation.objects.first()
    if existing is not None:
        if existing.name_en == data.ORGANISATION_EN:
            return _result(False, existing)
        raise InvalidInput(
            _(
                "This installation already belongs to “%(name)s”; the demo organisation is only "
                "created in an empty installation."
            )
            % {"name": existing.name_en},
            code="not_empty",
        )
    if Complaint.objects.exists():
        raise InvalidInput(
            _(
                "This installation already holds complaints; the demo organisation is only "
                "created in an empty installation."
            ),
            code="not_empty",
        )
    now = clock.now()
    plans = plan_demo(count=count, seed=seed, now=now)
    first = min((p.received_at for p in plans), default=now - dt.timedelta(days=1))
    # The organisation and its staff exist before the first complaint arrives.
    setup_at = min(
        working_time(first - dt.timedelta(days=3), "office"), first - dt.timedelta(hours=1)
    )
    with transaction.atomic():
        with clock.frozen_at(setup_at):
            organisation = _organisation(actor=actor)
            units = _units(actor=actor)
            _categories(actor=actor, nodes=data.CATEGORY_TREE, parent=None)
            actors = _staff(actor=actor, units=units)
            # ISO 10002 5.2: the approved, published policy the portal shows.
            publish_demo_policy(staff=actors)
        # ISO 10002 5.4, 6.4, 8.5–8.7: appointments, training, actions, audit and review, each
        # written at its own moment between the complaints' steps.
        governance = demo_governance(staff=actors, start=setup_at, now=now)
        # The demo's complainants are fictional and its events in the past: no emails.
        with messaging.suppressed():
            _run(plans, actors, governance)
            # Deadlines that passed while the demo's history was written are marked missed,
            # so the queue and the workspace show overdue complaints as they would be.
            sweep_timers()
    return _result(True, organisation)


def _organisation(*, actor: Actor) -> Organisation:
    organisation = Organisation.objects.create(
        name_ko=data.ORGANISATION_KO, name_en=data.ORGANISATION_EN, time_zone=data.TIME_ZONE
    )
    audit.record(
        action="sori.organisation.created",
        actor=actor,
        object_type="organisation",
        object_id=str(organisation.pk),
        data={
            "name_ko": organisation.name_ko,
            "name_en": organisation.name_en,
            "time_zone": organisation.time_zone,
            "reaction_wait_days": organisation.reaction_wait_days,
            "demo": True,
        },
        iso_clause="5.1",
    )
    # The audit append above serialises writers; a second concurrent run now sees the first.
    if Organisation.objects.count() > 1:
        raise Conflict(_("Another process created an organisation at the same time."))
    return organisation


def _units(*, actor: Actor) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for code, name_ko, name_en in data.UNITS:
        units[code] = Unit.objects.create(code=code, name_ko=name_ko, name_en=name_en)
        audit.record(
            action="sori.unit.created",
            actor=actor,
            object_type="unit",
            object_id=code,
            data={"name_ko": name_ko, "name_en": name_en},
            iso_clause="5.4",
        )
    return units


def _categories(*, actor: Actor, nodes: tuple[CategoryNode, ...], parent: Category | None) -> None:
    for position, node in enumerate(nodes):
        category = Category.objects.create(
            parent=parent, code=node.code, label_ko=node.ko, label_en=node.en, position=position
        )
        audit.record(
            action="sori.category.created",
            actor=actor,
            object_type="category",
            object_id=node.code,
            data={
                "parent": parent.code if parent else None,
                "label_ko": node.ko,
                "label_en": node.en,
            },
            iso_clause="8.2",
        )
        _categories(actor=actor, nodes=node.children, parent=category)


def _staff(*, actor: Actor, units: dict[str, Unit]) -> dict[str, Actor]:
    actors: dict[str, Actor] = {}
    for member in data.STAFF:
        user = create_staff_user(
            actor=actor,
            username=member.username,
            role=member.role,
            password=member.password,
            email=member.email,
            unit=units[member.unit] if member.unit else None,
            authority_limit=member.authority_limit,
            # The demo passwords are published in the README and printed on purpose.
            check_password=False,
        )
        staff_actor = actor_for_user(user)
        assert staff_actor is not None
        actors[member.username] = staff_actor
    return actors


def _assign(reference: str, plan: Plan, staff: dict[str, Actor]) -> None:
    """The complaints manager gives each new complaint to its handler (ISO 10002 5.4)."""
    handler = staff[plan.handler]
    assign_complaint(actor=staff["manager"], reference=reference, assignee_id=handler.user_id)
    if plan.investigator is not None:
        investigator = staff[plan.investigator]
        assert investigator.user_id is not None
        add_task(
            actor=handler,
            reference=reference,
            title=TASK_TITLES[plan.story.language],
            owner_id=investigator.user_id,
        )


TASK_TITLES = {
    "ko": "관련 기록과 담당 직원 진술을 확인하고 결과를 정리해 주세요.",
    "en": "Check the records and the staff involved, and write up what you find.",
}


def _referral(data: EventData | None, moment: dt.datetime, language: str) -> EventData:
    body = ExternalDisputeBody.objects.filter(active=True).order_by("position", "pk").first()
    assert body is not None, "the core migration creates the external bodies"
    return dataclasses.replace(
        data or EventData(),
        body_id=body.pk,
        referred_on=moment.date(),
        their_reference=f"ADR-{moment:%Y}-{moment:%m%d%H%M}",
        organisation_position=REFERRAL_TEXTS[language][0],
    )


REFERRAL_TEXTS = {
    "ko": (
        "내부 재검토 결과 약관과 처리 기록에 따라 결정하였으며, 조정 절차에 성실히 협조하겠습니다.",
        "조정 결정에 따라 일부 금액을 환급하였습니다.",
    ),
    "en": (
        "Our internal review followed the terms and the records; we will take part fully.",
        "We refunded part of the amount as the body recommended.",
    ),
}


def _referral_outcome(reference: str, plan: Plan, actor: Actor, moment: dt.datetime) -> None:
    """The external body decided; half the time it asked the organisation to do something."""
    asks_for_action = plan.index % 2 == 0
    record_referral_outcome(
        actor=actor,
        reference=reference,
        outcome=ReferralOutcome.PARTLY if asks_for_action else ReferralOutcome.FOR_ORGANISATION,
        outcome_on=moment.date(),
        action_required=asks_for_action,
        implementation=REFERRAL_TEXTS[plan.story.language][1] if asks_for_action else "",
        implemented_on=moment.date() if asks_for_action else None,
    )


def _run(plans: list[Plan], staff: dict[str, Actor], governance: GovernanceHistory) -> None:
    """Every step of every complaint, in time order, each at its own moment, with the
    governance milestones that fall between them."""
    actors = {**staff, "system": SYSTEM, "email": EMAIL_GATEWAY}
    steps = sorted(
        (
            (moment, plan.index, number, plan)
            for plan in plans
            for number, moment in enumerate(plan.times)
        ),
        key=lambda item: item[:3],
    )
    references: dict[int, str] = {}
    for moment, _index, number, plan in steps:
        governance.until(moment)
        step = plan.steps[number]
        with clock.frozen_at(moment):
            if step.event == SUBMIT:
                assert plan.complaint is not None
                receipt = submit_complaint(actor=actors[step.actor], data=plan.complaint)
                references[plan.index] = receipt.reference
                _assign(receipt.reference, plan, staff)
                continue
            reference = references[plan.index]
            if step.event == REFERRAL_OUTCOME:
                _referral_outcome(reference, plan, actors[step.actor], moment)
                continue
            event_data = step.data
            if step.event == Event.REFER_EXTERNALLY:
                event_data = _referral(event_data, moment, plan.story.language)
            if step.event == Event.MERGE and plan.merge_into is not None:
                note = event_data.note if event_data else ""
                event_data = EventData(note=note, into_reference=references[plan.merge_into])
            who = complainant_actor(reference) if step.actor == COMPLAINANT else actors[step.actor]
            transition_complaint(actor=who, reference=reference, event=step.event, data=event_data)
    governance.until(None)
