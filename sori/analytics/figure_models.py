"""Pre-aggregated daily figures: what the dashboards and the KPIs read at scale (ISO 10002 8.4).

Each row sums the complaints of one day (in the organisation's time zone, ``grain="d"``) or of one
calendar month (``grain="m"``, ``day`` = its first day) for one unit × category × channel. Every
column is additive, so any period of whole days is a sum of rows: whole months from the month rows,
the days at either end from the day rows. The cohorts are the KPI catalogue's
(``sori.analytics.kpi_queries``); each column is attributed to the day its cohort is defined by
(received, closed, decided, clock stopped, ...). The figures are derived data: ``sori figures
--rebuild`` recomputes them from the complaints at any time, and ``sori.analytics.services.figures``
keeps them up to date (see docs/analytics.md, "Pre-aggregated figures").
"""

from __future__ import annotations

from django.db import models

# ``a``: a month for the whole organisation (every unit, category and channel summed): what an
# unfiltered view reads, a dozen rows a year.
DAY, MONTH, ALL = "d", "m", "a"
GRAINS = [(DAY, "day"), (MONTH, "month"), (ALL, "month, whole organisation")]


class FigureKey(models.Model):
    """The key every figure table shares. Plain ids, no foreign keys: the rows are derived and
    rebuilt, never edited, and must not hold up deleting a unit or a category."""

    grain = models.CharField(max_length=1, choices=GRAINS)
    day = models.DateField()
    unit_id = models.BigIntegerField(null=True)
    channel = models.CharField(max_length=20, blank=True)

    class Meta:
        abstract = True


class DailyFigure(FigureKey):
    """The complaint cohorts' counts (ISO 10002 8.2, 8.3, 8.4)."""

    category_id = models.BigIntegerField(null=True)
    # By day of receipt.
    received = models.IntegerField(default=0)  # merged duplicates not counted
    received_all = models.IntegerField(default=0)  # every status: for "open at a moment"
    repeat = models.IntegerField(default=0)
    complete = models.IntegerField(default=0)
    # By day of the current closure (closed_at).
    closed_any = models.IntegerField(default=0)  # any status: for "open at a moment"
    closed = models.IntegerField(default=0)  # status closed
    stage_one = models.IntegerField(default=0)
    reviewed = models.IntegerField(default=0)
    referred = models.IntegerField(default=0)
    surveyed = models.IntegerField(default=0)
    survey_sum = models.BigIntegerField(default=0)
    # By day of the first withdrawal or merge (complaints withdrawn or merged now).
    ended = models.IntegerField(default=0)
    # By day the decision was issued.
    decided = models.IntegerField(default=0)
    decided_extended = models.IntegerField(default=0)
    with_outcome = models.IntegerField(default=0)
    upheld = models.IntegerField(default=0)
    partly_upheld = models.IntegerField(default=0)
    not_upheld = models.IntegerField(default=0)
    redressed = models.IntegerField(default=0)
    redress_total = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    class Meta:
        indexes = [models.Index(fields=["grain", "day"], name="analytics_daily_idx")]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.unit_id} {self.category_id} {self.channel}"


class TimerFigure(FigureKey):
    """Stage clocks met and ended (by the day they stopped) and extended (by the day extended)."""

    category_id = models.BigIntegerField(null=True)
    stage = models.CharField(max_length=20)
    met = models.IntegerField(default=0)
    ended = models.IntegerField(default=0)
    extensions = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["grain", "day"], name="analytics_timerfig_idx")]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.stage}"


class RootCauseFigure(FigureKey):
    """Complaints received by root cause; no category (the Pareto by category reads live rows)."""

    root_cause_id = models.BigIntegerField(null=True)
    received = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["grain", "day"], name="analytics_causefig_idx")]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.root_cause_id}"


class DurationBin(models.Model):
    """How many complaints of a cohort took ``hour`` whole hours since receipt, per unit (for the
    medians and 90th percentiles of the whole organisation or of a unit — a handler's view; a view
    narrowed by category or channel reads live rows)."""

    grain = models.CharField(max_length=1, choices=GRAINS)
    day = models.DateField()
    unit_id = models.BigIntegerField(null=True)
    measure = models.CharField(max_length=12)  # acknowledge, decide, close
    hour = models.IntegerField()
    count = models.IntegerField(default=0)
    # The shortest and longest duration in the bin (seconds): the values are spread between them.
    low = models.FloatField(default=0)
    high = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["grain", "day"], name="analytics_durbin_idx")]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.unit_id} {self.measure} {self.hour}h"


class ReopenDay(models.Model):
    """A complaint reopened on a day: "reopened in the period" counts complaints, not days."""

    complaint_id = models.BigIntegerField(db_index=True)
    day = models.DateField(db_index=True)

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.day}"


class EndedComplaint(models.Model):
    """A complaint withdrawn or merged: when it was received and first ended (the backlog ageing
    at a past moment counts complaints by receipt that had not ended by then)."""

    complaint_id = models.BigIntegerField(unique=True)
    received_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    unit_id = models.BigIntegerField(null=True)
    category_id = models.BigIntegerField(null=True)
    channel = models.CharField(max_length=20, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["ended_at", "received_at"], name="analytics_ended_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.ended_at}"


class FigureState(models.Model):
    """How far the figures are built: every day before ``built_through`` is in the tables, as of
    the changes made before ``changes_since`` (the next run reads changes from there)."""

    built_through = models.DateField(null=True)
    changes_since = models.DateTimeField(null=True)
    rebuilt_at = models.DateTimeField(null=True)
    rebuild_started_at = models.DateTimeField(null=True)  # a full rebuild under way
    time_zone = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"built through {self.built_through}"
