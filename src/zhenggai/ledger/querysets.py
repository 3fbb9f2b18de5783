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
from zhenggai.organizations.models import path_prefix


def _model(name: str):
    return apps.get_model("ledger", name)


def units_under(path: str):
    """Ids of the units whose tree path starts with ``path`` (a subquery served by the path index)."""
    return apps.get_model("organizations", "Unit").objects.filter(path_prefix("path", path)).values("pk")


def problems_held_under(path: str):
    """Ids of problems in which a unit under ``path`` — or a collective with a member there — holds a role.

    A UNION of two indexed lookups rather than one query with an OR across a join: with the OR,
    PostgreSQL hashed every assignment against every unit (measured in bench/RESULTS.md).
    """
    assignments = _model("Assignment").objects
    membership = apps.get_model("organizations", "UnitMembership").objects
    units = units_under(path)
    held = assignments.filter(unit_id__in=units).values("problem_id")
    via_collective = assignments.filter(unit_id__in=membership.filter(member_id__in=units).values("collective_id"))
    return held.union(via_collective.values("problem_id"))


def _visible_problem_ids(scope):
    """Ids of the problems the scope may open, as one subquery (a UNION of indexed lookups)."""
    if scope.kind == SUBTREE:
        held = problems_held_under(scope.root_path)
        own_plans = _model("Problem").objects.filter(plan__jurisdiction_id__in=units_under(scope.root_path))
        parts = [held, own_plans.values("pk")]
    else:
        held = _model("Assignment").objects.filter(unit_id__in=scope.unit_ids).values("problem_id")
        parts = [held]
    # A unit holding one aspect of a split problem (004 第十七项（一）) also sees the problem it belongs to.
    parents = _model("Problem").objects.filter(pk__in=held, parent__isnull=False).values("parent_id")
    return parts[0].union(*parts[1:], parents)


class ProblemQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProblemQuerySet:
        scope = scope_for(user)
        if scope.kind == ALL:
            return self
        if scope.kind == NOTHING:
            return self.none()
        return self.filter(pk__in=_visible_problem_ids(scope))

    def editable_by(self, user) -> ProblemQuerySet:
        """Offices edit the plans under their jurisdiction; administrators edit everything."""
        scope = scope_for(user)
        if scope.kind == ALL:
            return self
        if scope.role != "office" or scope.kind != SUBTREE:
            return self.none()
        # Not visible_to: an office *sees* a higher-level plan's problems its units hold,
        # but only the plan's own jurisdiction may change them.
        return self.filter(plan__jurisdiction_id__in=units_under(scope.root_path))

    def open(self) -> ProblemQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, as_of: date) -> ProblemQuerySet:
        """Open problems whose due date has passed (long-term-only items have no due date)."""
        return self.open().filter(due_date__lt=as_of)

    def for_list(self) -> ProblemQuerySet:
        """What the ledger list renders: plan, category and parent in the row query, lead units prefetched."""
        assignment = _model("Assignment")
        lead = assignment.objects.filter(role="lead", measure__isnull=True, target__isnull=True).select_related("unit")
        return (
            self.select_related("plan", "category", "parent")
            # The list shows titles; the long texts stay in the database.
            .defer("description", "cause", "parent__description", "parent__cause")
            .prefetch_related(models.Prefetch("assignments", queryset=lead, to_attr="lead_assignments"))
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
            condition |= Q(jurisdiction_id__in=units_under(scope.root_path))
        return self.filter(condition)

    def editable_by(self, user) -> PlanQuerySet:
        """The plans whose problems a user may change (the same rule as ``ProblemQuerySet.editable_by``)."""
        scope = scope_for(user)
        if scope.kind == ALL:
            return self
        if scope.role != "office" or scope.kind != SUBTREE:
            return self.none()
        return self.filter(jurisdiction_id__in=units_under(scope.root_path))


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user) -> InspectionQuerySet:
        scope = scope_for(user)
        if scope.kind == ALL:
            return self
        if scope.kind == NOTHING:
            return self.none()
        condition = Q(pk__in=_model("Plan").objects.visible_to(user).values("inspection_id"))
        if scope.kind == SUBTREE:
            condition |= Q(inspected_unit_id__in=units_under(scope.root_path))
        return self.filter(condition)


def visible_problem_count(user) -> models.Count:
    """Annotation for plans: how many of the plan's problems ``user`` may open."""
    visible = _model("Problem").objects.visible_to(user).values("pk")
    return models.Count("problems", filter=Q(problems__in=visible))
