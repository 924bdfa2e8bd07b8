"""The complaint workspace: one complaint, its record and the steps its handler may take now.

ISO 10002 7.3 (tracking), 7.5 (initial assessment), 7.6 (investigation), 4.7 (objectivity),
7.9 (closing, reopening, withdrawing, merging). Every form posts to a view that checks its
shape, calls one service and answers: without JavaScript with a redirect back to the page and a
message (PRG); with htmx with the panel that changed, plus the header, the actions and the
timeline, which every change can affect. A bad form comes back with what was typed and the
error in the person's language; a complaint changed by someone else in between is shown as it
is now, with what was typed kept.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sori.backoffice.auth import StaffRequest, staff_required
from sori.backoffice.errors import add_form_errors, add_message, http_status_for
from sori.backoffice.forms.workspace import (
    GENERIC_EVENTS,
    NOTE_ONLY_EVENTS,
    SIMPLE_EVENTS,
    AssessmentForm,
    AssignForm,
    ConflictForm,
    ContactForm,
    EventForm,
    EvidenceForm,
    FindingsForm,
    LinkForm,
    NamedStaffForm,
    NoteForm,
    TaskDoneForm,
    TaskForm,
)
from sori.backoffice.views import deadlines
from sori.complaints import selectors, workspace_selectors
from sori.complaints.attachments import IncomingFile
from sori.complaints.models import ContactMethod, Language
from sori.complaints.services import assignment, investigation, links
from sori.complaints.services.attachments import attach_files
from sori.complaints.services.escalation import assess_complaint
from sori.complaints.services.handover import assign_and_notify
from sori.complaints.services.transitions import transition_complaint
from sori.complaints.workflow import EVENT_LABELS, Event, Status, transition_for
from sori.complaints.workspace_selectors import Choices, Permissions, Person, WorkspaceView
from sori.core.errors import Conflict, DomainError, NotFound
from sori.governance.competence import course_name, local_today, missing_training
from sori.governance.selectors import actions_for_complaint
from sori.governance.services.actions import can_open_actions

# Each panel is a template whose root element carries the id ``ws-<name>``.
PANELS = {
    name: f"backoffice/workspace/_{name}.html"
    for name in (
        "header",
        "actions",
        "timeline",
        "assessment",
        "assignment",
        "notes",
        "tasks",
        "contacts",
        "findings",
        "attachments",
        "related",
        "deadlines",
    )
}
# Every change can move the version, the status and the timeline: refreshed with every panel.
REFRESHED = ("header", "actions", "timeline", "deadlines")
# Changes after which the whole page is drawn again (the status changed; many panels follow).
WHOLE_PAGE = ("actions", "assessment")

# Steps with their own pages, built by the response feature (``None`` while not installed).
RESPONSE_PAGES = {
    Event.PROPOSE_RESPONSE: "backoffice:propose_response",
    Event.APPROVE: "backoffice:approve",
    Event.COMMUNICATE_DECISION: "backoffice:communicate_decision",
    Event.ACCEPT: "backoffice:record_reaction",
    Event.REJECT: "backoffice:record_reaction",
    Event.REFER_EXTERNALLY: "backoffice:refer_externally",
    # The internal review tells the managers; its page does that (the generic form otherwise).
    Event.ESCALATE: "backoffice:start_review",
}
# A guard the step's own form answers (the assessment, the response): not a reason to hide it.
ANSWERED_BY_FORM = {
    Event.ASSESS: "assessment_incomplete",
    Event.REASSESS: "assessment_incomplete",
    Event.PROPOSE_RESPONSE: "response_missing",
}
# Element ids of each form, so that several forms on one page never share one.
AUTO_IDS = {
    "assessment": "id_assess_%s",
    "assign": "id_assign_%s",
    "named": "id_named_%s",
    "conflict": "id_conflict_%s",
    "note": "id_note_%s",
    "task": "id_task_%s",
    "contact": "id_contact_%s",
    "findings": "id_findings_%s",
    "evidence": "id_evidence_%s",
    "link": "id_link_%s",
}

# Who edits the configuration (the priority matrix among it) in the Django admin.
CONFIGURING_ROLES = frozenset({"complaints_manager", "administrator"})

STALE = gettext_lazy(
    "Someone else changed this complaint while you were working on it. The page now shows the "
    "latest version and what you typed is kept: check it and send it again."
)


def page_url(name: str, reference: str) -> str | None:
    """The address of a page named ``name`` for this complaint, or None while it is not there."""
    try:
        return reverse(name, kwargs={"reference": reference})
    except NoReverseMatch:
        return None


def workspace_url(reference: str) -> str:
    return reverse("backoffice:complaint", kwargs={"reference": reference})


def _is_htmx(request: StaffRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@dataclass
class Action:
    """One line of the actions panel."""

    event: str
    label: str
    kind: str  # "form", "link", "assess", "blocked" or "elsewhere"
    url: str | None = None
    form: EventForm | None = None
    blocker: str = ""


def _event_public(status: str, event: Event) -> bool:
    transition = transition_for(Status(status), event)
    return bool(transition and transition.public)


def _actions(ws: WorkspaceView, bound: dict[str, forms.Form]) -> list[Action]:
    """What the viewer may do now, from ``transition_options`` (table × role × scope)."""
    header = ws.header
    items: list[Action] = []
    linked: set[str] = set()
    for option in ws.options.events:
        event = Event(option.event)
        blocker = option.blocked_by
        blocked = blocker is not None and blocker.code != ANSWERED_BY_FORM.get(event)
        label = option.label
        if blocked:
            assert blocker is not None
            items.append(Action(event.value, label, "blocked", blocker=blocker.detail))
            continue
        if event in (Event.ASSESS, Event.REASSESS):
            items.append(Action(event.value, label, "assess", url="#ws-assessment"))
            continue
        url = page_url(RESPONSE_PAGES[event], header.reference) if event in RESPONSE_PAGES else None
        if url is not None:
            if url in linked:
                continue
            linked.add(url)
            if event in (Event.ACCEPT, Event.REJECT):
                label = _("record the complainant's answer")
            items.append(Action(event.value, label, "link", url=url))
        elif event in SIMPLE_EVENTS or event in NOTE_ONLY_EVENTS:
            form = bound.get(f"event:{event.value}")
            if not isinstance(form, EventForm):
                form = EventForm(event=event.value, initial={"expected_version": header.version})
            form.set_public(_event_public(header.status, event))
            items.append(Action(event.value, label, "form", form=form))
        else:
            items.append(Action(event.value, label, "elsewhere"))
    return items


def _myself(request: StaffRequest) -> Person:
    return Person(id=request.actor.user_id or 0, label=request.actor.label)


def _form(
    name: str,
    cls: type[forms.Form],
    request: StaffRequest,
    choices: Choices,
    permissions: Permissions,
    data: QueryDict | None = None,
    files: Any = None,
    **kwargs: Any,
) -> forms.Form:
    """One of the workspace's forms, bound to ``data`` or not, with its choices."""
    if cls in (AssignForm, NamedStaffForm, TaskForm, FindingsForm):
        kwargs["choices"] = choices
    if cls is ConflictForm:
        kwargs["choices"] = choices
        kwargs["only"] = None if permissions.declare_for_others else _myself(request)
    return cls(data, files, auto_id=AUTO_IDS[name], **kwargs)


def _forms(
    request: StaffRequest, ws: WorkspaceView, bound: dict[str, forms.Form]
) -> dict[str, Any]:
    allowed = ws.permissions
    choices = ws.choices
    made: dict[str, Any] = {}

    def put(name: str, cls: type[forms.Form], **kwargs: Any) -> None:
        if name in bound:
            made[name] = bound[name]
        else:
            made[name] = _form(name, cls, request, choices, allowed, **kwargs)

    if allowed.assess:
        put("assessment", AssessmentForm, initial={"expected_version": ws.header.version})
    if allowed.assign:
        put(
            "assign",
            AssignForm,
            initial={"assignee": ws.header.assignee_id, "unit": ws.header.unit_id},
        )
        put("named", NamedStaffForm, initial={"named_staff": [p.id for p in ws.named_staff]})
    if allowed.declare_conflict:
        put("conflict", ConflictForm)
    if allowed.investigate:
        put("note", NoteForm)
        put("task", TaskForm)
        put("contact", ContactForm)
        findings = ws.findings
        put(
            "findings",
            FindingsForm,
            initial={
                "findings": findings.text,
                "root_cause": findings.root_cause_code,
                "root_cause_note": findings.root_cause_note,
            },
        )
        put("evidence", EvidenceForm)
        put("link", LinkForm)
        made["task_done"] = {
            task.id: bound.get(f"task_done:{task.id}", TaskDoneForm(task_id=task.id))
            for task in ws.tasks
            if task.done_at is None
        }
    return made


def _response_panel(request: StaffRequest, ws: WorkspaceView) -> SafeString | None:
    """The response feature's panel (7.7–7.9), when that feature provides one."""
    if ws.detail is None:
        return None
    try:
        module = importlib.import_module("sori.backoffice.views.response")
    except ImportError:
        return None
    panel_for = getattr(module, "workspace_panel", None)
    if panel_for is None:
        return None
    panel = panel_for(request, ws.detail)
    if not panel:
        return None
    context = dict(panel)
    template = context.pop("template")
    return mark_safe(render_to_string(template, context, request))  # noqa: S308 (a template)


def _context(
    request: StaffRequest,
    ws: WorkspaceView,
    bound: dict[str, forms.Form] | None = None,
) -> dict[str, Any]:
    bound = bound or {}
    sla = deadlines.panel(request, ws, bound)
    return {
        "ws": ws,
        "forms": {**_forms(request, ws, bound), **sla.forms},
        "deadlines": sla,
        "actions": _actions(ws, bound),
        "reference": ws.header.reference,
        "has_errors": any(form.errors for form in bound.values()),
        "admin_priority_url": _admin_url("admin:complaints_priorityrule_changelist"),
        "can_edit_matrix": request.actor.role in CONFIGURING_ROLES,
        # ISO 10002 8.7: a single complaint can start an improvement action.
        "can_open_action": can_open_actions(request.actor),
        "linked_actions": actions_for_complaint(
            viewer=request.actor, reference=ws.header.reference
        ),
    }


def _admin_url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _viewing_history(request: StaffRequest) -> bool:
    return request.GET.get("show") == "history"


def _page(
    request: StaffRequest,
    reference: str,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        ws = workspace_selectors.workspace(viewer=request.actor, reference=reference)
    except NotFound:
        raise Http404(_("No complaint with this reference.")) from None
    context = _context(request, ws, bound)
    _show_unplaced_errors(request, context, bound or {})
    context["response_panel"] = _response_panel(request, ws)
    person = ws.detail.complainant if ws.detail is not None else None
    if person is not None:
        context["contact_by"] = dict(ContactMethod.choices).get(
            person.preferred_contact, person.preferred_contact
        )
        context["contact_language"] = dict(Language.choices).get(
            person.preferred_language, person.preferred_language
        )
    return render(request, "backoffice/workspace/complaint.html", context, status=status)


def _unplaced_errors(context: dict[str, Any], bound: dict[str, forms.Form]) -> list[str]:
    """Errors of a form the page no longer shows (the step is not offered to this person, or
    no longer possible): they go to the top of the page, so no refusal goes unexplained."""
    shown = {f"event:{action.event}" for action in context["actions"] if action.form is not None}
    shown |= set(context["forms"])
    shown |= {f"task_done:{task_id}" for task_id in context["forms"].get("task_done", {})}
    return [
        str(error)
        for key, form in bound.items()
        if key not in shown
        for errors in form.errors.values()
        for error in errors
    ]


def _show_unplaced_errors(
    request: StaffRequest, context: dict[str, Any], bound: dict[str, forms.Form]
) -> None:
    for error in _unplaced_errors(context, bound):
        messages.error(request, error)


def _panels(
    request: StaffRequest,
    reference: str,
    main: str,
    bound: dict[str, forms.Form] | None = None,
    message: str = "",
    refresh: bool = True,
    error: str = "",
) -> HttpResponse:
    """The changed panel, with the header, actions and timeline swapped out of band (htmx)."""
    try:
        ws = workspace_selectors.workspace(
            viewer=request.actor, reference=reference, personal_data=False
        )
    except NotFound:
        raise Http404(_("No complaint with this reference.")) from None
    context = _context(request, ws, bound)
    parts = [render_to_string(PANELS[main], context, request)]
    if refresh:
        for name in REFRESHED:
            if name != main:
                parts.append(render_to_string(PANELS[name], {**context, "oob": True}, request))
    errors = [error] if error else []
    errors += _unplaced_errors(context, bound or {})
    parts.append(
        render_to_string(
            "backoffice/workspace/_status.html",
            {"message": message, "errors": errors, "oob": True},
            request,
        )
    )
    return HttpResponse("".join(parts))


def _done(request: StaffRequest, reference: str, panel: str, message: str) -> HttpResponse:
    url = workspace_url(reference)
    if _is_htmx(request):
        if panel in WHOLE_PAGE:
            messages.success(request, message)
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return _panels(request, reference, panel, message=message)
    messages.success(request, message)
    return HttpResponseRedirect(f"{url}#ws-{panel}")


def _invalid(
    request: StaffRequest, reference: str, panel: str, key: str, form: forms.Form, status: int
) -> HttpResponse:
    if _is_htmx(request):
        # htmx swaps only successful answers; the error is in the panel it swaps in.
        return _panels(request, reference, panel, bound={key: form}, refresh=False)
    return _page(request, reference, bound={key: form}, status=status)


def _stale(
    request: StaffRequest,
    reference: str,
    panel: str,
    key: str,
    make: Callable[[QueryDict], forms.Form],
) -> HttpResponse:
    """Someone else changed the complaint: show it as it is now, keep what was typed (409)."""
    try:
        current = workspace_selectors.workspace(
            viewer=request.actor, reference=reference, personal_data=False
        ).header.version
    except NotFound:
        raise Http404(_("No complaint with this reference.")) from None
    data = request.POST.copy()
    data["expected_version"] = str(current)
    form = make(data)
    form.is_valid()
    form.add_error(None, str(STALE))
    if _is_htmx(request):
        return _panels(request, reference, panel, bound={key: form})
    return _page(request, reference, bound={key: form}, status=409)


def _post(
    request: StaffRequest,
    reference: str,
    *,
    panel: str,
    key: str,
    make: Callable[[QueryDict], forms.Form],
    act: Callable[[Any], object],
    success: str,
    allowed: bool = True,
) -> HttpResponse:
    """Check the role, then the form's shape, call the service, answer (PRG, or the panel).

    A role that may not take this step at all is refused (403) before anything posted is read.
    """
    if not allowed:
        return _refused(request, reference, panel)
    form = make(request.POST)
    if not form.is_valid():
        return _invalid(request, reference, panel, key, form, status=400)
    try:
        act(form)
    except NotFound:
        raise Http404(_("No complaint with this reference.")) from None
    except Conflict:
        return _stale(request, reference, panel, key, make)
    except DomainError as error:
        add_form_errors(form, error)
        return _invalid(request, reference, panel, key, form, status=http_status_for(error))
    return _done(request, reference, panel, success)


def _permissions(request: StaffRequest, reference: str) -> Permissions:
    return _choices(request, reference)[1]


def _refused(request: StaffRequest, reference: str, panel: str) -> HttpResponse:
    message = _("Your role does not allow this on this complaint.")
    if _is_htmx(request):
        return _panels(request, reference, panel, error=message, refresh=False)
    messages.error(request, message)
    return _page(request, reference, status=403)


def _choices(request: StaffRequest, reference: str) -> tuple[Choices, Permissions]:
    try:
        return workspace_selectors.form_choices(viewer=request.actor, reference=reference)
    except NotFound:
        raise Http404(_("No complaint with this reference.")) from None


# ---------------------------------------------------------------- pages


@require_GET
@staff_required
def complaint(request: StaffRequest, reference: str) -> HttpResponse:
    try:
        target = workspace_selectors.merged_target(viewer=request.actor, reference=reference)
    except NotFound:
        raise Http404(_("No complaint with this reference.")) from None
    if target is not None and not _viewing_history(request):
        # ISO 10002 7.3: a duplicate leads to the complaint it joined; its own history stays.
        messages.info(
            request,
            format_html(
                _(
                    "Complaint {merged} was merged into this one ({target}). "
                    '<a href="{history}">Open the history of {merged}</a>.'
                ),
                merged=reference,
                target=target,
                history=f"{workspace_url(reference)}?show=history",
            ),
        )
        return HttpResponseRedirect(workspace_url(target))
    return _page(request, reference)


@require_GET
@staff_required  # type: ignore[arg-type]  # a file answer is a streaming response
def attachment(request: StaffRequest, reference: str, attachment_id: int) -> FileResponse:
    """A file of the complaint, for staff in scope; each opening is logged (4.10)."""
    try:
        name, content_type, file = selectors.attachment_file(
            request.actor, reference, attachment_id
        )
    except NotFound:
        raise Http404(_("No such attachment.")) from None
    response = FileResponse(file, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- workflow steps


@require_POST
@staff_required
def event(request: StaffRequest, reference: str) -> HttpResponse:
    """A workflow step with a note (acknowledge, investigate, ask, close, reopen, merge…)."""
    try:
        step = Event(request.POST.get("event", ""))
    except ValueError:
        step = None
    if step is None or step not in GENERIC_EVENTS:
        _choices(request, reference)  # 404 outside the viewer's scope
        messages.error(request, _("This step is not taken from this form."))
        return HttpResponseRedirect(workspace_url(reference))
    actor = request.actor
    permissions = _permissions(request, reference)

    def make(data: QueryDict) -> forms.Form:
        return EventForm(data, event=step.value)

    def act(form: EventForm) -> object:
        return transition_complaint(
            actor=actor,
            reference=reference,
            event=step,
            data=form.event_data(),
            expected_version=form.cleaned_data["expected_version"],
        )

    return _post(
        request,
        reference,
        panel="actions",
        key=f"event:{step.value}",
        make=make,
        act=act,
        success=_("Done: %(step)s.") % {"step": EVENT_LABELS[step]},
        allowed=step.value in permissions.may_fire,
    )


@require_POST
@staff_required
def assess(request: StaffRequest, reference: str) -> HttpResponse:
    """The initial assessment (7.5); a safety risk is escalated in the same step."""
    actor = request.actor
    permissions = _permissions(request, reference)

    def make(data: QueryDict) -> forms.Form:
        return AssessmentForm(data, auto_id=AUTO_IDS["assessment"])

    def act(form: AssessmentForm) -> object:
        return assess_complaint(
            actor=actor,
            reference=reference,
            data=form.event_data(),
            expected_version=form.cleaned_data["expected_version"],
        )

    return _post(
        request,
        reference,
        panel="assessment",
        key="assessment",
        make=make,
        act=act,
        success=_("The initial assessment is recorded; the priority follows from it."),
        allowed=Event.ASSESS.value in permissions.may_fire,
    )


# ---------------------------------------------------------------- assignment and objectivity


def _make(
    request: StaffRequest, reference: str, name: str, cls: type[forms.Form], **kwargs: Any
) -> tuple[Callable[[QueryDict], forms.Form], Permissions]:
    """The form's factory (with its choices) and what the viewer may do (404 out of scope)."""
    choices, permissions = _choices(request, reference)

    def make(data: QueryDict) -> forms.Form:
        return _form(name, cls, request, choices, permissions, data, request.FILES, **kwargs)

    return make, permissions


@require_POST
@staff_required
def assign(request: StaffRequest, reference: str) -> HttpResponse:
    actor = request.actor
    make, permissions = _make(request, reference, "assign", AssignForm)
    warnings: list[str] = []

    def act(form: forms.Form) -> object:
        complaint = assign_and_notify(
            actor=actor,
            reference=reference,
            assignee_id=form.cleaned_data["assignee"],
            unit_id=form.cleaned_data["unit"],
        )
        # ISO 10002 6.4: a "warn" training requirement lets the assignment through; say which
        # course the new handler still lacks (a "block" one was refused by the service).
        assignee = complaint.assignee
        if assignee is not None:
            missing = missing_training(
                user_id=assignee.pk, category_id=complaint.category_id, on=local_today()
            )
            if missing:
                text = _("%(name)s lacks training this category asks for: %(courses)s.") % {
                    "name": assignee.get_full_name() or assignee.get_username(),
                    "courses": ", ".join(course_name(item.course) for item in missing),
                }
                warnings.append(text)
                if not _is_htmx(request):
                    messages.warning(request, text)
        return complaint

    saved = _("The assignment is saved.")
    return _post(
        request,
        reference,
        panel="assignment",
        key="assign",
        make=make,
        allowed=permissions.may_assign,
        act=act,
        # htmx shows one status line: the warning goes with it (read after the service ran).
        success=lazy(lambda: " ".join([saved, *warnings]) if _is_htmx(request) else saved, str)(),
    )


@require_POST
@staff_required
def conflict(request: StaffRequest, reference: str) -> HttpResponse:
    actor = request.actor
    make, permissions = _make(request, reference, "conflict", ConflictForm)

    def act(form: forms.Form) -> object:
        return assignment.declare_conflict(
            actor=actor,
            reference=reference,
            staff_id=form.cleaned_data["staff"],
            reason=form.cleaned_data["reason"],
        )

    return _post(
        request,
        reference,
        panel="assignment",
        key="conflict",
        make=make,
        allowed=permissions.may_declare_conflict,
        act=act,
        success=_("The conflict of interest is recorded."),
    )


@require_POST
@staff_required
def named_staff(request: StaffRequest, reference: str) -> HttpResponse:
    actor = request.actor
    make, permissions = _make(request, reference, "named", NamedStaffForm)

    def act(form: forms.Form) -> object:
        return assignment.name_staff(
            actor=actor, reference=reference, staff_ids=list(form.cleaned_data["named_staff"])
        )

    return _post(
        request,
        reference,
        panel="assignment",
        key="named",
        make=make,
        allowed=permissions.may_assign,
        act=act,
        success=_("The staff named in the complaint are recorded."),
    )


# ---------------------------------------------------------------- investigation (7.6)


@require_POST
@staff_required
def note(request: StaffRequest, reference: str) -> HttpResponse:
    actor = request.actor
    make, permissions = _make(request, reference, "note", NoteForm)

    def act(form: forms.Form) -> object:
        return investigation.add_note(
            actor=actor, reference=reference, text=form.cleaned_data["text"]
        )

    return _post(
        request,
        reference,
        panel="notes",
        key="note",
        make=make,
        allowed=permissions.may_investigate,
        act=act,
        success=_("The note is added to the timeline (internal)."),
    )


@require_POST
@staff_required
def task(request: StaffRequest, reference: str) -> HttpResponse:
    actor = request.actor
    make, permissions = _make(request, reference, "task", TaskForm)

    def act(form: forms.Form) -> object:
        return investigation.add_task(
            actor=actor,
            reference=reference,
            title=form.cleaned_data["title"],
            owner_id=form.cleaned_data["owner"],
            due_on=form.cleaned_data["due_on"],
        )

    return _post(
        request,
        reference,
        panel="tasks",
        key="task",
        make=make,
        allowed=permissions.may_investigate,
        act=act,
        success=_("The task is added."),
    )


@require_POST
@staff_required
def task_done(request: StaffRequest, reference: str, task_id: int) -> HttpResponse:
    actor = request.actor
    permissions = _permissions(request, reference)  # 404 outside the scope

    def make(data: QueryDict) -> forms.Form:
        return TaskDoneForm(data, task_id=task_id)

    def act(form: forms.Form) -> object:
        return investigation.complete_task(
            actor=actor, reference=reference, task_id=task_id, outcome=form.cleaned_data["outcome"]
        )

    return _post(
        request,
        reference,
        panel="tasks",
        key=f"task_done:{task_id}",
        make=make,
        act=act,
        success=_("The task is marked done."),
        allowed=permissions.may_investigate,
    )


@require_POST
@staff_required
def contact(request: StaffRequest, reference: str) -> HttpResponse:
    actor = request.actor
    make, permissions = _make(request, reference, "contact", ContactForm)

    def act(form: forms.Form) -> object:
        data = form.cleaned_data
        return investigation.record_contact(
            actor=actor,
            reference=reference,
            contacted_at=data["contacted_at"],
            method=data["method"],
            party=data["party"],
            summary=data["summary"],
            with_complainant=bool(data["with_complainant"]),
        )

    return _post(
        request,
        reference,
        panel="contacts",
        key="contact",
        make=make,
        allowed=permissions.may_investigate,
        act=act,
        success=_("The contact is recorded."),
    )


@require_POST
@staff_required
def findings(request: StaffRequest, reference: str) -> HttpResponse:
    actor = request.actor
    make, permissions = _make(request, reference, "findings", FindingsForm)

    def act(form: forms.Form) -> object:
        data = form.cleaned_data
        return investigation.record_findings(
            actor=actor,
            reference=reference,
            findings=data["findings"],
            root_cause_code=data["root_cause"] or None,
            root_cause_note=data["root_cause_note"],
        )

    return _post(
        request,
        reference,
        panel="findings",
        key="findings",
        make=make,
        allowed=permissions.may_investigate,
        act=act,
        success=_("The findings are recorded."),
    )


@require_POST
@staff_required
def evidence(request: StaffRequest, reference: str) -> HttpResponse:
    actor = request.actor
    make, permissions = _make(request, reference, "evidence", EvidenceForm)

    def act(form: forms.Form) -> object:
        uploads = form.cleaned_data["evidence"]
        return attach_files(
            actor=actor,
            reference=reference,
            attachments=[IncomingFile(f.name or "file", f.size or 0, f) for f in uploads],
            public=bool(form.cleaned_data["share"]),
        )

    return _post(
        request,
        reference,
        panel="attachments",
        key="evidence",
        make=make,
        allowed=permissions.may_investigate,
        act=act,
        success=_("The files are added; their SHA-256 fingerprints are kept."),
    )


# ---------------------------------------------------------------- related complaints (8.2)


@require_POST
@staff_required
def link(request: StaffRequest, reference: str) -> HttpResponse:
    actor = request.actor
    make, permissions = _make(request, reference, "link", LinkForm)

    def act(form: forms.Form) -> object:
        return links.link_complaints(
            actor=actor,
            reference=reference,
            other_reference=form.cleaned_data["other"],
            note=form.cleaned_data["note"],
        )

    return _post(
        request,
        reference,
        panel="related",
        key="link",
        make=make,
        allowed=permissions.may_investigate,
        act=act,
        success=_("The complaints are now shown as related."),
    )


@require_POST
@staff_required
def unlink(request: StaffRequest, reference: str, other: str) -> HttpResponse:
    permissions = _permissions(request, reference)  # 404 outside the scope
    if not permissions.may_investigate:
        return _refused(request, reference, "related")
    try:
        links.unlink_complaints(actor=request.actor, reference=reference, other_reference=other)
    except NotFound:
        raise Http404(_("No complaint with this reference.")) from None
    except DomainError as error:
        if _is_htmx(request):
            return _panels(request, reference, "related", error=str(error.message))
        add_message(request, error)
        return HttpResponseRedirect(f"{workspace_url(reference)}#ws-related")
    return _done(
        request,
        reference,
        "related",
        _("%(other)s is no longer shown as related.") % {"other": other},
    )
