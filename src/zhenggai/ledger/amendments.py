"""Plan amendments (方案修改完善): a numbered revision of a plan that changes some of its problems.

An amendment notice (the end of 004) names a problem and gives, with the reviewer's opinion
(审核意见), new wording for a field: 整改时限, 整改目标, 整改措施, or a responsibility list. Each change
is applied to the ledger and recorded as a ``PlanRevisionChange`` with the text before and after, so
what the plan said before the revision stays readable.

Fields a change may name:

* a problem field of ``PROBLEM_EDITABLE_FIELDS`` (``deadline`` is the wording as written);
* ``targets`` / ``measures``: the problem's complete new list, each ``TargetText`` / ``MeasureText``.
  The old rows are deleted through the ledger actions (their history rows keep them). A new target
  without a deadline of its own keeps the deadline of the old target at the same position, because a
  notice that rewrites a target's wording usually leaves its time limit alone;
* an assignment role (``lead``, ``cooperating``, ``supervising``, ``leader``, ``person`` …): the new
  holders as ``Holder`` (a matched unit, or only the name as written).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.core.audit import stamp
from zhenggai.ledger import actions
from zhenggai.ledger.actions import _apply_problem_change as apply_problem_change
from zhenggai.ledger.choices import AssignmentRole
from zhenggai.ledger.models import Plan, PlanRevision, PlanRevisionChange, Problem

if TYPE_CHECKING:
    from zhenggai.accounts.models import User

__all__ = ["Holder", "MeasureText", "ProblemChange", "TargetText", "amend_plan"]

LIST_FIELDS = ("targets", "measures")


@dataclass(frozen=True)
class TargetText:
    text: str
    number_text: str = ""
    deadline: str = ""


@dataclass(frozen=True)
class MeasureText:
    text: str
    number_text: str = ""
    deadline: str = ""


@dataclass(frozen=True)
class Holder:
    """Who holds a role after the amendment: a registry unit, or just the name as the notice wrote it."""

    raw_text: str
    unit: Any = None


@dataclass(frozen=True)
class ProblemChange:
    """One field of one problem changed by an amendment, with the reviewer's opinion (审核意见)."""

    problem: Problem
    field: str
    value: Any
    opinion: str = ""


def _lines(rows, fmt) -> str:
    return "\n".join(fmt(row) for row in rows)


def _target_line(target) -> str:
    deadline = target.due_raw if hasattr(target, "due_raw") else target.deadline
    return f"{target.number_text}{target.text}" + (f"（{deadline}）" if deadline else "")


def _field_text(problem: Problem, field: str) -> str:
    if field == "deadline":
        return problem.due_raw
    if field in LIST_FIELDS:
        return _lines(getattr(problem, field).order_by("position", "pk"), _target_line)
    if field in AssignmentRole.values:
        return "、".join(a.raw_text for a in problem.assignments.filter(role=field, target=None, measure=None))
    value = getattr(problem, field)
    return "" if value is None else str(value)


def _replace_targets(problem: Problem, new: list[TargetText], acting_user: User) -> None:
    old = list(problem.targets.order_by("position", "pk"))
    kept_deadlines = [target.due_raw for target in old]
    for target in old:
        actions.delete_target(target, acting_user=acting_user)
    for index, target in enumerate(new):
        deadline = target.deadline or (kept_deadlines[index] if index < len(kept_deadlines) else "")
        actions.add_target(
            problem, acting_user=acting_user, text=target.text, number_text=target.number_text, deadline=deadline
        )


def _replace_measures(problem: Problem, new: list[MeasureText], acting_user: User) -> None:
    for measure in problem.measures.all():
        actions.delete_measure(measure, acting_user=acting_user)
    for measure in new:
        actions.add_measure(
            problem,
            acting_user=acting_user,
            text=measure.text,
            number_text=measure.number_text,
            deadline=measure.deadline,
        )


def _replace_holders(problem: Problem, role: str, holders: list[Holder], acting_user: User) -> None:
    for assignment in problem.assignments.filter(role=role, target=None, measure=None):
        actions.remove_assignment(assignment, acting_user=acting_user)
    for holder in holders:
        actions.assign(problem, role, acting_user=acting_user, unit=holder.unit, raw_text=holder.raw_text)


def _apply(problem: Problem, change: ProblemChange, acting_user: User) -> None:
    if change.field == "targets":
        _replace_targets(problem, list(change.value), acting_user)
    elif change.field == "measures":
        _replace_measures(problem, list(change.value), acting_user)
    elif change.field in AssignmentRole.values:
        _replace_holders(problem, change.field, list(change.value), acting_user)
    else:
        apply_problem_change(problem, change.field, change.value)


@transaction.atomic
def amend_plan(
    plan: Plan,
    *,
    acting_user: User,
    changes: list[ProblemChange],
    title: str = "",
    doc_number: str = "",
    issue_date: date | None = None,
    effective_on: date | None = None,
    review_reference: str = "",
    summary: str = "",
) -> PlanRevision:
    """Record a plan revision and apply its changes; what the plan said before stays in the revision.

    ``effective_on`` (default: the issue date, else today) is the first day the new values are in
    force; computations for an earlier date use the old ones."""
    if not changes:
        raise ValidationError({"changes": _("An amendment must change at least one item.")})
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    revision = PlanRevision.objects.create(
        plan=plan,
        number=plan.current_revision + 1,
        title=title,
        doc_number=doc_number,
        issue_date=issue_date,
        effective_on=effective_on or issue_date or timezone.localdate(),
        review_reference=review_reference,
        summary=summary,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    for change in changes:
        if change.problem.plan_id != plan.pk:
            raise ValidationError({"changes": _("A change refers to a problem of another plan.")})
        problem = Problem.objects.select_for_update().get(pk=change.problem.pk)
        actions.require_open(problem)
        before = _field_text(problem, change.field)
        _apply(problem, change, acting_user)
        problem.version += 1
        stamp(problem, acting_user, f"amendment {revision.number}").save()
        PlanRevisionChange.objects.create(
            revision=revision,
            problem=problem,
            field=change.field,
            before=before,
            after=_field_text(problem, change.field),
            opinion=change.opinion,
        )
    plan.current_revision = revision.number
    stamp(plan, acting_user, f"amendment {revision.number}").save()
    return revision
