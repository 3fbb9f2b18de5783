"""Daily snapshots of the statistics (统计快照): the task counts of one plan — in total and per lead
unit — as the statistics engine computed them for one day, so trend charts read a few rows instead of
re-evaluating the ledger for every point.

A snapshot is derived data: ``zhenggai.stats.actions.take_snapshots`` writes it (replacing that day's
rows, so a re-run after a history correction is harmless) and nothing edits it by hand; the admin
shows it read-only. Each row names when it was taken and by whom (``None``: the daily job).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DailySnapshot(models.Model):
    """The statistics of one plan on one day: for one lead unit (``unit``), or for the plan as a whole
    (``unit`` empty). Definitions are the engine's (``zhenggai.stats.engine``): a task is a top-level,
    non-merged problem; "closed" is closed on ``day``; ``overdue`` and ``behind`` are its lists' lengths.

    ``by_pace`` is JSON (pace value → count, the engine's ``Counts.by_pace`` as it stood): its keys
    are the engine's pace enumeration plus ``"none"``, which may grow, and a chart reads the breakdown
    whole; the figures charts and sums select on (totals, closed, overdue, behind) are columns.
    A unit row's tasks are ``UnitStats.task_ids`` (by unit id, so two units of one name stay apart) and
    its measures ``UnitStats.measures`` / ``measures_closed``; ``measures_closed`` is nullable for rows
    written before the engine gave it.
    """

    day = models.DateField(_("day"))
    plan = models.ForeignKey("ledger.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("lead unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: the whole plan"),
    )
    # The unit's name that day (names change; a chart labels the point as it was).
    unit_name = models.CharField(_("lead unit name"), max_length=200, blank=True)
    tasks_total = models.PositiveIntegerField(_("tasks"), default=0)
    tasks_closed = models.PositiveIntegerField(_("closed tasks"), default=0)
    tasks_due = models.PositiveIntegerField(_("tasks due by the day"), default=0)
    tasks_due_closed = models.PositiveIntegerField(_("closed tasks due by the day"), default=0)
    by_pace = models.JSONField(_("tasks by status"), default=dict)
    overdue = models.PositiveIntegerField(_("overdue tasks"), default=0)
    behind = models.PositiveIntegerField(_("tasks behind schedule"), default=0)
    measures_total = models.PositiveIntegerField(_("measures"), default=0)
    measures_closed = models.PositiveIntegerField(_("closed measures"), null=True, blank=True)
    taken_at = models.DateTimeField(_("taken at"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("daily statistics snapshot")
        verbose_name_plural = _("daily statistics snapshots")
        ordering = ["-day", "plan_id", "unit_name", "pk"]
        constraints = [
            # NULL never equals NULL in a unique index (SQLite and PostgreSQL alike), so the plan-total
            # row gets its own partial constraint.
            models.UniqueConstraint(
                fields=["day", "plan", "unit"], condition=Q(unit__isnull=False), name="stats_one_snapshot_per_unit_day"
            ),
            models.UniqueConstraint(
                fields=["day", "plan"], condition=Q(unit__isnull=True), name="stats_one_plan_snapshot_per_day"
            ),
        ]
        # Series read one plan set over a few days: (plan, day) first; the unit constraint's index
        # (day, plan, unit) serves the per-day replacement.
        indexes = [models.Index(fields=["plan", "day"], name="stats_snapshot_plan_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.plan_id} {self.unit_name or '—'}"

    @property
    def completion(self) -> float | None:
        """Closed tasks / all tasks, None without tasks."""
        return self.tasks_closed / self.tasks_total if self.tasks_total else None


class PlanStatistics(models.Model):
    """Every number of the statistics page (统计) for one plan on one day: ``engine.statistics`` on the
    plan's problems, as ``Statistics.to_dict()`` (ids behind each number included), kept as JSON text —
    not a JSON column: PostgreSQL's jsonb reorders keys, and the tables list categories and units in the
    order the engine met them. The page adds the plans a user sees in whole (``stats.stored``) instead of
    evaluating the ledger. Today's rows are rewritten whenever a change reaches the warning refresh
    (``stats.tasks.refresh_plan_statistics``); past days' are final once the day is over."""

    day = models.DateField(_("day"))
    plan = models.ForeignKey("ledger.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="+")
    data = models.TextField(_("statistics (JSON)"))
    # the same without the ids behind the numbers (half the size): what the page needs unless a number's
    # rows are asked for (``stats.stored.without_ids``)
    counts = models.TextField(_("statistics without ids (JSON)"), default="")
    # the plan's problems (not merged) when it was computed: a row whose plan has gained or lost one since
    # is not served (``stats.stored``), whatever refresh was missed
    problem_count = models.PositiveIntegerField(_("problems"), null=True, blank=True)
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        verbose_name = _("plan statistics")
        verbose_name_plural = _("plan statistics")
        ordering = ["-day", "plan_id"]
        constraints = [models.UniqueConstraint(fields=["day", "plan"], name="stats_one_plan_statistics_per_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.plan_id}"
