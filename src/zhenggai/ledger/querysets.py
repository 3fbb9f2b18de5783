"""Query sets for the ledger, holding the one visibility rule per model.

``visible_to(user)`` is the only way pages, API endpoints, exports and downloads
select ledger rows; objects outside it answer 404. The rule is built from the
user's ``Scope`` (zhenggai.accounts.scope): a tree-path prefix for offices and
reviewers, a short list of acting unit ids for unit users. Both become one
semi-join on indexed columns, so the cost does not grow with per-row checks.
"""

from __future__ import annotations

from datetime import date

from django.apps import apps
from django.db import models
from django.db.models import Q

from zhenggai.accounts.scope import ALL, NOTHING, SUBTREE, scope_for
from zhenggai.ledger.choices import OPEN_STATUSES


def _model(name: str):
    return apps.get_model("ledger", name)


def held_in_subtree(path: str) -> Q:
    """Assignments held by a unit under ``path`` or by a collective with a member under it."""
    membership = apps.get_model("organizations", "UnitMembership")
    collectives = membership.objects.filter(member__path__startswith=path).values("collective_id")
    return Q(unit__path__startswith=path) | Q(unit_id__in=collectives)


def _assigned_problem_ids(scope):
    """Ids of problems in which the scope's units hold any role (a subquery, not a list)."""
    assignments = _model("Assignment").objects.all()
    if scope.kind == SUBTREE:
        assignments = assignments.filter(held_in_subtree(scope.root_path))
    else:
        assignments = assignments.filter(unit_id__in=scope.unit_ids)
    return assignments.values("problem_id")


class ProblemQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProblemQuerySet:
        scope = scope_for(user)
        if scope.kind == ALL:
            return self
        if scope.kind == NOTHING:
            return self.none()
        ids = _assigned_problem_ids(scope)
        # A unit holding one aspect of a split problem (004 第十七项（一）) also sees the problem it belongs to.
        parent_ids = _model("Problem").objects.filter(pk__in=ids, parent__isnull=False).values("parent_id")
        condition = Q(pk__in=ids) | Q(pk__in=parent_ids)
        if scope.kind == SUBTREE:
            condition |= Q(plan__jurisdiction__path__startswith=scope.root_path)
        return self.filter(condition)

    def editable_by(self, user) -> ProblemQuerySet:
        """Offices edit the plans under their jurisdiction; administrators edit everything."""
        scope = scope_for(user)
        if scope.kind == ALL:
            return self
        if scope.role != "office" or scope.kind != SUBTREE:
            return self.none()
        # Not visible_to: an office *sees* a higher-level plan's problems its units hold,
        # but only the plan's own jurisdiction may change them.
        return self.filter(plan__jurisdiction__path__startswith=scope.root_path)

    def open(self) -> ProblemQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, as_of: date) -> ProblemQuerySet:
        """Open problems whose due date has passed (long-term-only items have no due date)."""
        return self.open().filter(due_date__lt=as_of)

    def for_list(self) -> ProblemQuerySet:
        """What the ledger list renders: plan, category and parent in the row query, lead units prefetched."""
        assignment = _model("Assignment")
        lead = assignment.objects.filter(role="lead", measure__isnull=True, target__isnull=True).select_related("unit")
        return self.select_related("plan", "category", "parent").prefetch_related(
            models.Prefetch("assignments", queryset=lead, to_attr="lead_assignments")
        )

    def for_detail(self, user) -> ProblemQuerySet:
        """What a problem's page and API detail show, in a fixed number of queries: targets and measures
        with their own assignments, the user's visible aspects, the problem-level assignments."""
        assignments = _model("Assignment").objects.select_related("unit", "person", "inherited_from")
        measures = _model("Measure").objects.prefetch_related(
            models.Prefetch("assignments", queryset=assignments, to_attr="own_assignments")
        )
        targets = _model("Target").objects.prefetch_related(
            models.Prefetch("assignments", queryset=assignments, to_attr="own_assignments")
        )
        return self.select_related("plan__inspection", "category", "parent", "merged_into").prefetch_related(
            models.Prefetch("targets", queryset=targets),
            models.Prefetch("children", queryset=_model("Problem").objects.visible_to(user)),
            models.Prefetch("measures", queryset=measures),
            models.Prefetch(
                "assignments",
                queryset=assignments.filter(measure__isnull=True, target__isnull=True),
                to_attr="problem_assignments",
            ),
        )


class ChildQuerySet(models.QuerySet):
    """Targets and measures are visible exactly when their problem is."""

    def visible_to(self, user) -> ChildQuerySet:
        scope = scope_for(user)
        if scope.kind == ALL:
            return self
        return self.filter(problem__in=_model("Problem").objects.visible_to(user).values("pk"))


class AssignmentQuerySet(ChildQuerySet):
    def open(self) -> AssignmentQuerySet:
        """What a successor unit or person inherits: assignments on a problem not yet completed,
        or on a measure not yet completed (even if the problem as a whole is)."""
        return self.filter(Q(problem__status__in=OPEN_STATUSES) | Q(measure__status__in=OPEN_STATUSES))


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlanQuerySet:
        scope = scope_for(user)
        if scope.kind == ALL:
            return self
        if scope.kind == NOTHING:
            return self.none()
        condition = Q(pk__in=_model("Problem").objects.visible_to(user).values("plan_id"))
        if scope.kind == SUBTREE:
            condition |= Q(jurisdiction__path__startswith=scope.root_path)
        return self.filter(condition)


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user) -> InspectionQuerySet:
        scope = scope_for(user)
        if scope.kind == ALL:
            return self
        if scope.kind == NOTHING:
            return self.none()
        condition = Q(pk__in=_model("Plan").objects.visible_to(user).values("inspection_id"))
        if scope.kind == SUBTREE:
            condition |= Q(inspected_unit__path__startswith=scope.root_path)
        return self.filter(condition)


def visible_problem_count(user) -> models.Count:
    """Annotation for plans: how many of the plan's problems ``user`` may open."""
    visible = _model("Problem").objects.visible_to(user).values("pk")
    return models.Count("problems", filter=Q(problems__in=visible))
