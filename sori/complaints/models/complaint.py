"""Complaints, complainants, categories and the public/internal timeline (ISO 10002 7.2–7.9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sori.complaints.workflow import FINAL_STATUSES, STATUS_LABELS, Reaction, Status
from sori.privacy.fields import EncryptedTextField


class Channel(models.TextChoices):
    WEB = "web", _("web form")
    EMAIL = "email", _("email")
    PHONE = "phone", _("phone")
    LETTER = "letter", _("letter")
    IN_PERSON = "in_person", _("in person")
    API = "api", _("API")


class Language(models.TextChoices):
    KO = "ko", _("Korean")
    EN = "en", _("English")


class ContactMethod(models.TextChoices):
    EMAIL = "email", _("email")
    PHONE = "phone", _("phone")
    LETTER = "letter", _("letter")
    NONE = "none", _("no contact")


class Priority(models.TextChoices):
    LOW = "low", _("low")
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    URGENT = "urgent", _("urgent")


# Sorting the queue by urgency needs a number; the database keeps it in step with ``priority``.
PRIORITY_RANK = {Priority.LOW: 1, Priority.NORMAL: 2, Priority.HIGH: 3, Priority.URGENT: 4}


class Level(models.TextChoices):
    """The scale for severity, complexity and impact in the initial assessment (ISO 10002 7.5)."""

    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")
    CRITICAL = "critical", _("critical")


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("upheld")
    PARTLY_UPHELD = "partly_upheld", _("partly upheld")
    NOT_UPHELD = "not_upheld", _("not upheld")


class RemedyType(models.TextChoices):
    EXPLANATION = "explanation", _("explanation")
    APOLOGY = "apology", _("apology")
    CORRECTION = "correction", _("correction")
    REPLACEMENT = "replacement", _("replacement")
    REPAIR = "repair", _("repair")
    REFUND = "refund", _("refund")
    COMPENSATION = "compensation", _("compensation")
    PROCESS_CHANGE = "process_change", _("process change")
    NONE = "none", _("no remedy")


class ClosureCode(models.TextChoices):
    RESOLVED_ACCEPTED = "resolved_accepted", _("resolved: decision accepted")
    RECOURSE_EXHAUSTED = (
        "recourse_exhausted",
        _("internal recourse exhausted; external routes given"),
    )
    NO_REPLY = "no_reply", _("no reply within the waiting period")
    EXTERNAL_DECISION = (
        "external_decision",
        _("concluded by external dispute resolution"),
    )


class Category(models.Model):
    """A node of the category tree, with Korean and English labels (ISO 10002 8.2)."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.PROTECT
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    label_ko = models.CharField(_("label (Korean)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Where complaints in this category go first (ISO 10002 5.4: routing to the right team).
    unit = models.ForeignKey(
        "accounts.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("handling unit"),
        help_text=_("New complaints in this category are routed to this unit."),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if get_language() == "en" else self.label_ko


class ComplaintType(models.Model):
    """What kind of complaint it is, as a regulator classifies it (for example 민원처리법's 질의·건의·
    고충·기타 민원, or the FCA's payment-services complaints): SLA policies are chosen by it."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    label_ko = models.CharField(_("label (Korean)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("complaint type")
        verbose_name_plural = _("complaint types")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if get_language() == "en" else self.label_ko


class Complainant(models.Model):
    """The person who complains. Contact data is encrypted; look-ups go through blind indexes."""

    name = EncryptedTextField(_("name"), blank=True)
    email = EncryptedTextField(_("email"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    postal_address = EncryptedTextField(_("postal address"), blank=True)
    email_index = models.CharField(max_length=32, blank=True, db_index=True)
    phone_index = models.CharField(max_length=32, blank=True, db_index=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.KO
    )
    preferred_contact = models.CharField(
        _("preferred contact method"),
        max_length=10,
        choices=ContactMethod.choices,
        default=ContactMethod.EMAIL,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("complainant")
        verbose_name_plural = _("complainants")

    def __str__(self) -> str:
        return f"complainant #{self.pk}"


class Complaint(models.Model):
    # ISO 10002 7.2: a unique identifying code, never reused.
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    access_code_hash = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
        verbose_name=_("received by"),
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    complainant = models.ForeignKey(
        Complainant, null=True, blank=True, related_name="complaints", on_delete=models.PROTECT
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    description = models.TextField(_("what happened"))
    occurred_on = models.DateField(_("when it happened"), null=True, blank=True)
    occurred_place = models.CharField(_("where it happened"), max_length=300, blank=True)
    product_or_service = models.CharField(_("product or service"), max_length=300, blank=True)
    order_reference = models.CharField(_("order or account number"), max_length=100, blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("category")
    )
    complaint_type = models.ForeignKey(
        ComplaintType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("complaint type"),
    )
    desired_remedy = models.TextField(_("remedy asked for"), blank=True)
    on_behalf_of = EncryptedTextField(_("on behalf of"), blank=True)
    representative_relationship = models.CharField(
        _("relationship to the person"), max_length=100, blank=True
    )
    assistance_needs = models.TextField(_("assistance needed"), blank=True)

    status = models.CharField(
        _("status"),
        max_length=24,
        choices=[(s.value, STATUS_LABELS[s]) for s in Status],
        default=Status.RECEIVED,
        db_index=True,
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    priority_rank = models.GeneratedField(
        expression=Case(
            *(When(priority=value, then=Value(rank)) for value, rank in PRIORITY_RANK.items()),
            default=Value(2),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    # When the response is due (ISO 10002 4.15, 7.3); the queue is ordered by it.
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # ISO 10002 4.7: people the complaint is about may not handle it.
    named_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="named_in_complaints",
        verbose_name=_("staff named in the complaint"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    # ISO 10002 7.5 initial assessment
    severity = models.CharField(_("severity"), max_length=8, choices=Level.choices, blank=True)
    safety_risk = models.BooleanField(_("safety implications"), null=True, blank=True)
    complexity = models.CharField(_("complexity"), max_length=8, choices=Level.choices, blank=True)
    impact = models.CharField(_("impact"), max_length=8, choices=Level.choices, blank=True)
    immediate_action_needed = models.BooleanField(
        _("immediate action needed"), null=True, blank=True
    )
    immediate_action = models.TextField(_("immediate action taken"), blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="assigned_complaints",
        on_delete=models.PROTECT,
        verbose_name=_("handler"),
    )
    unit = models.ForeignKey(
        "accounts.Unit", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("unit")
    )

    # ISO 10002 7.6 investigation
    findings = models.TextField(_("findings"), blank=True)
    root_cause = models.ForeignKey(
        "complaints.RootCause",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("root cause"),
    )
    root_cause_note = models.TextField(_("root cause explained"), blank=True)

    # ISO 10002 7.7 response
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    remedy_type = models.CharField(
        _("remedy type"), max_length=16, choices=RemedyType.choices, blank=True
    )
    remedy_amount = models.DecimalField(
        _("remedy amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    response_reasons = models.TextField(_("reasons"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    first_stage_handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    # ISO 10002 7.8 communicating the decision
    decision_method = models.CharField(
        _("how the decision was communicated"),
        max_length=10,
        choices=ContactMethod.choices,
        blank=True,
    )
    decision_issued_at = models.DateTimeField(_("decision issued at"), null=True, blank=True)
    external_routes_given = models.BooleanField(
        _("external dispute-resolution routes given"), default=False
    )
    review_round = models.PositiveSmallIntegerField(_("internal reviews held"), default=0)

    # ISO 10002 7.9 the complainant's answer and closure
    reaction = models.CharField(
        _("complainant's answer"),
        max_length=10,
        choices=[
            (Reaction.ACCEPTED.value, _("accepted")),
            (Reaction.REJECTED.value, _("rejected")),
        ],
        blank=True,
    )
    reaction_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reaction_comment = models.TextField(_("complainant's comments"), blank=True)
    closure_code = models.CharField(
        _("closure code"), max_length=24, choices=ClosureCode.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, related_name="merged_from", on_delete=models.PROTECT
    )
    # ISO 10002 8.3: the complainant may decline the satisfaction survey.
    survey_opt_out = models.BooleanField(_("declined the satisfaction survey"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["status", "received_at"], name="complaint_status_recv_idx"),
            # The back-office queue: open complaints by due time, then urgency (keyset pages).
            models.Index(
                "due_at",
                models.F("priority_rank").desc(),
                "id",
                condition=~Q(status__in=sorted(s.value for s in FINAL_STATUSES)),
                name="complaint_queue_idx",
            ),
            # The queue's "my team" and "my complaints" tabs: the same order within one unit or
            # handler, open complaints only (closed ones would be read first, being due earlier).
            models.Index(
                "unit",
                "due_at",
                models.F("priority_rank").desc(),
                "id",
                condition=~Q(status__in=sorted(s.value for s in FINAL_STATUSES)),
                name="complaint_unit_queue_idx",
            ),
            models.Index(
                "assignee",
                "due_at",
                models.F("priority_rank").desc(),
                "id",
                condition=~Q(status__in=sorted(s.value for s in FINAL_STATUSES)),
                name="complaint_assignee_queue_idx",
            ),
            # The queue of closed (or all) complaints, in the same order.
            models.Index(
                "due_at", models.F("priority_rank").desc(), "id", name="complaint_due_idx"
            ),
            # ISO 10002 8.4: the KPIs' cohorts (closed, decided, acknowledged in a period) and the
            # time each took since receipt, read from the index alone.
            models.Index(
                fields=["closed_at", "status", "received_at"], name="complaint_closed_idx"
            ),
            models.Index(
                fields=["decision_issued_at", "received_at"], name="complaint_decided_idx"
            ),
            models.Index(
                fields=["acknowledged_at", "received_at"], name="complaint_acknowledged_idx"
            ),
            # ISO 10002 8.4: the pre-aggregated figures' job finds the complaints changed since
            # its last run (sori.analytics.services.figures).
            models.Index(fields=["updated_at"], name="complaint_updated_idx"),
            # ISO 10002 4.10, 8.4: a handler's complaints in other units (the figures add them
            # to the unit's), answered from the index alone. Partial (routed complaints only), so
            # that SQLite never takes it for the queue's "my complaints" tab, which its partial
            # index of open complaints serves in order.
            models.Index(
                fields=["assignee", "unit"],
                condition=Q(unit__isnull=False),
                name="complaint_assignee_unit_idx",
            ),
            # ... and those not routed to a unit (the same reasons).
            models.Index(
                fields=["assignee"],
                condition=Q(unit__isnull=True),
                name="complaint_assignee_pool_idx",
            ),
            # ISO 10002 8.4: a unit's backlog at a moment (open, or closed after it), with the
            # receipt time for its age, read from the index alone (a handler's dashboard).
            models.Index(
                fields=["unit", "closed_at", "received_at"], name="complaint_unit_closed_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ComplaintEvent(models.Model):
    """One line of the timeline per change; ``public`` lines are shown to the complainant (7.3)."""

    complaint = models.ForeignKey(Complaint, related_name="events", on_delete=models.CASCADE)
    kind = models.CharField(max_length=40)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    public = models.BooleanField(default=True)
    actor = models.CharField(max_length=100)
    actor_label = models.CharField(max_length=200)
    note = models.TextField(blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [
            # ISO 10002 8.4: reopenings, withdrawals and merges in a period (the figures' live
            # days and their job) without reading the whole timeline.
            models.Index(fields=["kind", "occurred_at"], name="complaintevent_kind_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"


class IdempotencyKey(models.Model):
    """The first answer given to a submission, replayed when a client retries with the same key.

    The answer holds the access code, so it is kept encrypted and only for a limited time.
    """

    key = models.CharField(max_length=200, unique=True)
    fingerprint = models.CharField(max_length=64)
    response = EncryptedTextField()
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.key


class Attachment(models.Model):
    """A file given with a complaint or a reply (ISO 10002 7.2, 7.6).

    Stored through Django's default storage under a random name in the data directory (never
    served by the web server); read only through ``selectors.attachment_file``. ``name`` is the
    sanitised name shown to people; ``content_type`` was decided from the content.
    """

    complaint = models.ForeignKey(Complaint, related_name="attachments", on_delete=models.PROTECT)
    name = models.CharField(_("file name"), max_length=120)
    storage_name = models.CharField(max_length=200, unique=True)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.CharField(max_length=100)
    uploaded_by_label = models.CharField(max_length=200)
    # The complainant sees their own files and those staff chose to share with them.
    public = models.BooleanField(_("shown to the complainant"), default=False)
    created_at = models.DateTimeField(_("added at"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class SurveyResponse(models.Model):
    """The complainant's satisfaction with the handling, after closure (ISO 10002 8.3)."""

    complaint = models.OneToOneField(
        Complaint, related_name="survey_response", on_delete=models.PROTECT
    )
    process = models.PositiveSmallIntegerField(_("satisfaction with the process"))
    outcome = models.PositiveSmallIntegerField(_("satisfaction with the outcome"))
    ease = models.PositiveSmallIntegerField(_("how easy it was"))
    comment = models.TextField(_("comments"), blank=True, max_length=2000)
    submitted_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("satisfaction survey answer")
        verbose_name_plural = _("satisfaction survey answers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(process__range=(1, 5))
                & models.Q(outcome__range=(1, 5))
                & models.Q(ease__range=(1, 5)),
                name="survey_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"survey {self.complaint_id}"
