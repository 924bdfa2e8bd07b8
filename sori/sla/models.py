"""SLA policies, business calendars and the timers they set on complaints (ISO 10002 4.15, 7.3).

Policies are data, edited in the admin: a policy has one target per stage (an amount, a unit that
says how to count it, and whether it may be extended), and is chosen for a complaint by priority,
category, channel and complaint type. Each complaint carries one timer per stage and round; the
timers are started, paused, resumed and stopped by the workflow's transitions.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

DEFAULT_HOURS = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def default_hours() -> dict[str, list[list[str]]]:
    return {day: [list(shift) for shift in shifts] for day, shifts in DEFAULT_HOURS.items()}


class Stage(models.TextChoices):
    # The milestones a regulator or the organisation sets a time for (ISO 10002 7.3–7.9).
    ACKNOWLEDGE = "acknowledge", _("acknowledgement")
    ASSESS = "assess", _("initial assessment")
    FIRST_CONTACT = "first_contact", _("first contact")
    DECISION = "decision", _("decision")
    CLOSE = "close", _("closure")
    INTERNAL_REVIEW = "internal_review", _("internal review")
    EXTERNAL_REFERRAL = "external_referral", _("external referral")


class UnitChoice(models.TextChoices):
    # The values of ``sori.sla.calendar.Unit`` (a test keeps them equal).
    BUSINESS_HOURS = "business_hours", _("working hours")
    WORKING_DAYS_8H = "working_days_8h", _("working days of 8 hours")
    BUSINESS_DAYS = "business_days", _("business days after the day of receipt")
    BUSINESS_DAYS_INCLUSIVE = (
        "business_days_inclusive",
        _("business days, the day of receipt counted"),
    )
    CALENDAR_DAYS = "calendar_days", _("calendar days")


class BusinessCalendar(models.Model):
    """Working hours, time zone and public holidays against which business time is counted."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Seoul")
    country = models.CharField(
        _("public holidays of"),
        max_length=8,
        blank=True,
        default="KR",
        help_text=_("Country code of the public holidays (KR, GB, AU, US …); empty for none."),
    )
    subdivision = models.CharField(
        _("region"),
        max_length=16,
        blank=True,
        help_text=_("Region whose holidays also apply, for example ENG for England."),
    )
    hours = models.JSONField(
        _("working hours"),
        default=default_hours,
        help_text=_(
            'Per weekday, a list of shifts, for example {"mon": [["09:00", "12:00"], '
            '["13:00", "18:00"]]}; a day left out is not a working day.'
        ),
    )
    is_default = models.BooleanField(_("default calendar"), default=False)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.name


class DayKind(models.TextChoices):
    CLOSED = "closed", _("closed (organisation closure)")
    WORKING = "working", _("extra working day")


class CalendarDay(models.Model):
    """A day that differs from the rule: a closure, or an extra working day with its hours."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="days", verbose_name=_("calendar")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=DayKind.choices)
    hours = models.JSONField(
        _("working hours"),
        default=list,
        blank=True,
        help_text=_('For an extra working day: its shifts, for example [["09:00", "13:00"]].'),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("closure or extra working day")
        verbose_name_plural = _("closures and extra working days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="sla_calendar_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class SlaPolicy(models.Model):
    """A set of stage targets, from the organisation or a regulator, chosen per complaint."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    source = models.TextField(
        _("source"), blank=True, help_text=_("The rule or regulation the numbers come from.")
    )
    source_url = models.URLField(_("source address"), blank=True)
    active = models.BooleanField(
        _("in use"),
        default=False,
        help_text=_("Only policies in use are chosen for complaints; templates start unused."),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("calendar"),
        help_text=_("Empty: the default calendar."),
    )
    # Which complaints it applies to; an empty selector matches any value (ISO 10002 7.5).
    priority = models.CharField(_("priority"), max_length=8, blank=True)
    category = models.ForeignKey(
        "complaints.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("category"),
    )
    channel = models.CharField(_("channel"), max_length=12, blank=True)
    complaint_type = models.ForeignKey(
        "complaints.ComplaintType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("complaint type"),
    )
    warn_percentages = models.CharField(
        _("warn the assignee at (%)"),
        max_length=40,
        default="75,90",
        blank=True,
        help_text=_("Shares of each stage's time, comma-separated, for example 75,90."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_ko


class SlaTarget(models.Model):
    """The time a policy allows for one stage, and how it is counted and extended."""

    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.CASCADE, related_name="targets", verbose_name=_("policy")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    amount = models.DecimalField(
        _("time allowed"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("3650"))],
    )
    unit = models.CharField(_("counted in"), max_length=24, choices=UnitChoice.choices)
    extension_allowed = models.BooleanField(_("one extension allowed"), default=True)
    max_extension = models.DecimalField(
        _("longest extension"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("In the same unit; empty: as long as the original time."),
    )
    holding_notice_percent = models.PositiveSmallIntegerField(
        _("holding reply at (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Send the complainant an interim reply when this share of the time has passed "
            "without the stage being reached; empty: none."
        ),
    )
    notify_complainant_on_breach = models.BooleanField(
        _("tell the complainant when missed"),
        default=False,
        help_text=_("A status notice saying the target was missed and what happens next."),
    )

    class Meta:
        verbose_name = _("stage target")
        verbose_name_plural = _("stage targets")
        ordering = ["policy", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "stage"], name="sla_target_one_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.amount} {self.get_unit_display()}"


class TimerState(models.TextChoices):
    RUNNING = "running", _("running")
    PAUSED = "paused", _("paused")
    MET = "met", _("met")
    MISSED = "missed", _("missed")
    CANCELLED = "cancelled", _("cancelled")


class Timer(models.Model):
    """One stage's clock on one complaint; ``round`` counts reopenings and internal reviews."""

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="timers"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    round = models.PositiveSmallIntegerField(default=0)
    policy = models.ForeignKey(SlaPolicy, on_delete=models.PROTECT, verbose_name=_("policy"))
    # A copy of the target when it was set: a later edit of the policy changes no running clock.
    amount = models.DecimalField(max_digits=7, decimal_places=2)
    unit = models.CharField(max_length=24, choices=UnitChoice.choices)
    state = models.CharField(_("state"), max_length=10, choices=TimerState.choices)
    started_at = models.DateTimeField(_("started"))
    due_at = models.DateTimeField(_("due"))
    original_due_at = models.DateTimeField(_("originally due"))
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("time paused (seconds)"), default=0)
    paused_business_seconds = models.PositiveIntegerField(default=0)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    warned_percent = models.PositiveSmallIntegerField(default=0)
    holding_sent_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    # When the sweep next has something to do for this timer (a warning, a holding reply, the
    # breach); NULL once nothing is left. Indexed: the sweep reads only rows that are due.
    next_alert_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SLA timer")
        verbose_name_plural = _("SLA timers")
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "stage", "round"], name="sla_timer_one_per_stage_round"
            )
        ]
        indexes = [
            models.Index(fields=["next_alert_at", "id"], name="sla_timer_alert_idx"),
            models.Index(fields=["complaint", "state"], name="sla_timer_complaint_idx"),
            # ISO 10002 8.4: the KPIs and the SLA dashboard count the clocks that ended, or were
            # extended, in a period.
            models.Index(
                fields=["stopped_at", "stage", "state", "complaint", "extended_at"],
                name="sla_timer_stopped_idx",
            ),
            models.Index(fields=["extended_at"], name="sla_timer_extended_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.stage}#{self.round} {self.state}"
