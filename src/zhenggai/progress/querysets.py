"""Visibility of progress data: exactly the problems a user sees (``Problem.objects.visible_to``)."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from zhenggai.accounts.scope import ALL, scope_for


def _visible_problems(user):
    return apps.get_model("ledger", "Problem").objects.visible_to(user).values("pk")


class ProblemChildQuerySet(models.QuerySet):
    """Rows that hang off a problem (reports, warnings, escalations, extensions)."""

    def visible_to(self, user):
        if scope_for(user).kind == ALL:
            return self
        return self.filter(problem__in=_visible_problems(user))


class ProgressReportQuerySet(ProblemChildQuerySet):
    def current(self):
        return self.filter(is_current=True)


class ReportChildQuerySet(models.QuerySet):
    """Indicators and evidence: visible with their report."""

    def visible_to(self, user):
        if scope_for(user).kind == ALL:
            return self
        return self.filter(report__problem__in=_visible_problems(user))
