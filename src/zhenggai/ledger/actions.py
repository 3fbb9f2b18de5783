"""State changes of the ledger. Views, serializers and commands validate input and call these.

Each action is one transaction, takes a keyword ``acting_user`` and leaves history
rows (who, when, before/after through django-simple-history) whose change reason
names the action. Edits to a problem take the ``expected_version`` the editor
loaded; if someone saved in between, ``ConflictError`` is raised and nothing is
written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from zhenggai.core.audit import stamp
from zhenggai.core.errors import ConflictError
from zhenggai.ledger.choices import PERSON_ROLES, UNIT_ROLES, AssignmentRole, ItemStatus, PlanStatus
from zhenggai.ledger.models import (
    Assignment,
    Category,
    Inspection,
    Measure,
    Plan,
    Problem,
    Target,
)

if TYPE_CHECKING:
    from zhenggai.accounts.models import User

__all__ = [
    "MEASURE_EDITABLE_FIELDS",
    "PROBLEM_EDITABLE_FIELDS",
    "add_category",
    "add_measure",
    "add_target",
    "assign",
    "create_inspection",
    "create_plan",
    "create_problem",
    "delete_measure",
    "delete_target",
    "merge_problems",
    "remove_assignment",
    "reopen_problem",
    "require_open",
    "set_plan_status",
    "sign_off_problem",
    "update_measure",
    "update_problem",
]

# Fields of a problem a person may edit through the UI and API; "deadline" is the
# text as written, from which the deadline columns are parsed.
PROBLEM_EDITABLE_FIELDS = ("number_text", "title", "description", "cause", "deadline", "status", "category")
MEASURE_EDITABLE_FIELDS = ("number_text", "text", "deadline", "status", "target")


def _next_position(queryset) -> int:
    return (queryset.aggregate(m=Max("position"))["m"] or 0) + 1


def _require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


# Inspections, plans, categories -------------------------------------------------


@transaction.atomic
def create_inspection(*, acting_user: User, team: str, inspected_unit, **fields: Any) -> Inspection:
    inspection = Inspection(team=_require_text(team, "team", _("Name the inspection team.")), **fields)
    inspection.inspected_unit = inspected_unit
    inspection.full_clean()
    stamp(inspection, acting_user, "create").save()
    return inspection


@transaction.atomic
def create_plan(
    *, acting_user: User, inspection: Inspection, title: str, jurisdiction, level: str, issuing_units=(), **fields
) -> Plan:
    plan = Plan(
        inspection=inspection,
        title=_require_text(title, "title", _("A plan needs a title.")),
        jurisdiction=jurisdiction,
        level=level,
        **fields,
    )
    plan.full_clean()
    stamp(plan, acting_user, "create").save()
    if issuing_units:
        plan.issuing_units.set(issuing_units)
    return plan


@transaction.atomic
def set_plan_status(plan: Plan, status: str, *, acting_user: User) -> Plan:
    if status not in PlanStatus.values:
        raise ValidationError({"status": _("Unknown plan status.")})
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    plan.status = status
    stamp(plan, acting_user, f"status {status}").save()
    return plan


@transaction.atomic
def add_category(plan: Plan, *, acting_user: User, title: str, number_text: str = "", declared_count=None) -> Category:
    category = Category(
        plan=plan,
        title=_require_text(title, "title", _("A category needs a title.")),
        number_text=number_text,
        declared_count=declared_count,
        position=_next_position(plan.categories.all()),
    )
    stamp(category, acting_user, "create").save()
    return category


# Problems -------------------------------------------------------------------------


@transaction.atomic
def create_problem(
    plan: Plan,
    *,
    acting_user: User,
    title: str,
    description: str = "",
    cause: str = "",
    deadline: str = "",
    number: int | None = None,
    number_text: str = "",
    category: Category | None = None,
    parent: Problem | None = None,
) -> Problem:
    if category is not None and category.plan_id != plan.pk:
        raise ValidationError({"category": _("The category belongs to another plan.")})
    if parent is not None and parent.plan_id != plan.pk:
        raise ValidationError({"parent": _("The parent problem belongs to another plan.")})
    problem = Problem(
        plan=plan,
        category=category,
        parent=parent,
        number=number,
        number_text=number_text,
        title=_require_text(title, "title", _("A problem needs a title.")),
        description=description,
        cause=cause,
        position=_next_position(plan.problems.all()),
    )
    problem.set_deadline(deadline)
    stamp(problem, acting_user, "create").save()
    return problem


def _apply_problem_change(problem: Problem, field: str, value: Any) -> None:
    if field not in PROBLEM_EDITABLE_FIELDS:
        raise ValidationError({field: _("This field cannot be changed here.")})
    if field == "deadline":
        problem.set_deadline(value or "")
    elif field == "title":
        problem.title = _require_text(value, "title", _("A problem needs a title."))
    elif field == "status":
        if value not in ItemStatus.values:
            raise ValidationError({"status": _("Unknown status.")})
        problem.status = value
    elif field == "category":
        if value is not None and value.plan_id != problem.plan_id:
            raise ValidationError({"category": _("The category belongs to another plan.")})
        problem.category = value
    else:
        setattr(problem, field, value or "")


@transaction.atomic
def update_problem(
    problem: Problem,
    *,
    acting_user: User,
    expected_version: int,
    changes: dict[str, Any],
    reason: str = "edit",
    historical: bool = False,
) -> Problem:
    """Apply ``changes`` if nobody saved the problem since ``expected_version`` was read.

    The row is locked (PostgreSQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE
    transaction holds the write lock) so two concurrent saves are serialised and
    the second sees the bumped version and fails with ConflictError.

    Sign-off (完成交账销号) is the outcome of the acceptance procedure, not an edit: an
    ordinary edit may neither set it nor change a signed-off problem. ``historical``
    is for recording the state of items signed off before they entered the system
    (imports, the demo).
    """
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    if locked.version != expected_version:
        raise ConflictError(
            _("Someone else saved this problem in the meantime. Reload it, then make your change again."),
            current_version=locked.version,
        )
    if not historical and locked.status == ItemStatus.SIGNED_OFF:
        raise ValidationError(_("This problem has been signed off; it cannot be changed unless it is reopened."))
    if not historical and changes.get("status") == ItemStatus.SIGNED_OFF:
        raise ValidationError({"status": _("Sign-off is recorded by the acceptance procedure, not by editing.")})
    for field, value in changes.items():
        _apply_problem_change(locked, field, value)
    locked.version += 1
    stamp(locked, acting_user, reason).save()
    return locked


@transaction.atomic
def merge_problems(problem: Problem, into: Problem, *, acting_user: User) -> Problem:
    """Record that ``problem`` is rectified together with ``into`` (合并整改)."""
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    into = Problem.objects.select_for_update().get(pk=into.pk)
    if locked.plan_id != into.plan_id:
        raise ValidationError({"merged_into": _("Problems of different plans cannot be merged.")})
    chain, current = set(), into
    while current is not None and current.pk not in chain:  # A→B, B→C, then C→A would close a loop
        chain.add(current.pk)
        current = Problem.objects.filter(pk=current.merged_into_id).first() if current.merged_into_id else None
    if locked.pk in chain:
        raise ValidationError({"merged_into": _("A problem cannot be merged into itself.")})
    locked.merged_into = into
    locked.version += 1
    stamp(locked, acting_user, "merge").save()
    return locked


# Sign-off and reopening (called by the acceptance procedure only) ---------------------------


def require_open(problem: Problem) -> None:
    """Refuse a change to a signed-off problem's targets, measures or deadline (reopen it first)."""
    if problem.status == ItemStatus.SIGNED_OFF:
        raise ValidationError(_("This problem has been signed off; it cannot be changed unless it is reopened."))


@transaction.atomic
def sign_off_problem(problem: Problem, *, acting_user: User, reason: str) -> Problem:
    """Set 完成交账销号 at the end of an acceptance chain; the problem is frozen from now on."""
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    require_open(locked)
    locked.status = ItemStatus.SIGNED_OFF
    locked.version += 1
    stamp(locked, acting_user, reason).save()
    return locked


@transaction.atomic
def reopen_problem(problem: Problem, *, acting_user: User, reason: str) -> Problem:
    """Open a signed-off problem again (反弹, 回头看); its history keeps the sign-off."""
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    if locked.status != ItemStatus.SIGNED_OFF:
        raise ValidationError(_("Only a signed-off problem can be reopened."))
    locked.status = ItemStatus.IN_PROGRESS
    locked.version += 1
    stamp(locked, acting_user, reason).save()
    return locked


# Targets and measures ---------------------------------------------------------------


@transaction.atomic
def add_target(problem: Problem, *, acting_user: User, text: str, number_text: str = "", deadline: str = "") -> Target:
    require_open(problem)
    target = Target(
        problem=problem,
        text=_require_text(text, "text", _("A target needs text.")),
        number_text=number_text,
        position=_next_position(problem.targets.all()),
    )
    target.set_deadline(deadline)
    stamp(target, acting_user, "create").save()
    return target


@transaction.atomic
def delete_target(target: Target, *, acting_user: User) -> None:
    require_open(target.problem)
    stamp(target, acting_user, "delete")
    target.delete()


@transaction.atomic
def add_measure(
    problem: Problem,
    *,
    acting_user: User,
    text: str,
    number_text: str = "",
    deadline: str = "",
    target: Target | None = None,
) -> Measure:
    require_open(problem)
    if target is not None and target.problem_id != problem.pk:
        raise ValidationError({"target": _("The target belongs to another problem.")})
    measure = Measure(
        problem=problem,
        target=target,
        text=_require_text(text, "text", _("A measure needs text.")),
        number_text=number_text,
        position=_next_position(problem.measures.all()),
    )
    measure.set_deadline(deadline)
    stamp(measure, acting_user, "create").save()
    return measure


@transaction.atomic
def update_measure(measure: Measure, *, acting_user: User, changes: dict[str, Any]) -> Measure:
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    if set(changes) != {"status"}:  # the acceptance procedure may still close a measure of a closing problem
        require_open(locked.problem)
    for field, value in changes.items():
        if field not in MEASURE_EDITABLE_FIELDS:
            raise ValidationError({field: _("This field cannot be changed here.")})
        if field == "deadline":
            locked.set_deadline(value or "")
        elif field == "text":
            locked.text = _require_text(value, "text", _("A measure needs text."))
        elif field == "status" and value not in ItemStatus.values:
            raise ValidationError({"status": _("Unknown status.")})
        elif field == "target" and value is not None and value.problem_id != locked.problem_id:
            raise ValidationError({"target": _("The target belongs to another problem.")})
        else:
            setattr(locked, field, value)
    stamp(locked, acting_user, "edit").save()
    return locked


@transaction.atomic
def delete_measure(measure: Measure, *, acting_user: User) -> None:
    """Delete a measure; refused when rows that must outlive it (progress reports) point at it."""
    require_open(measure.problem)
    stamp(measure, acting_user, "delete")
    try:
        measure.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("Measure %(label)s has progress reports and cannot be deleted.") % {"label": str(measure)}
        ) from exc


# Responsibility -----------------------------------------------------------------------


@transaction.atomic
def assign(
    problem: Problem,
    role: str,
    *,
    acting_user: User,
    unit=None,
    person=None,
    raw_text: str = "",
    target: Target | None = None,
    measure: Measure | None = None,
) -> Assignment:
    """Give a unit or person a role on a problem (or on one of its targets or measures)."""
    if role not in AssignmentRole.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role in UNIT_ROLES and person is not None:
        raise ValidationError({"person": _("This role is held by a unit, not a person.")})
    if role in PERSON_ROLES and unit is not None:
        raise ValidationError({"unit": _("This role is held by a person, not a unit.")})
    if unit is None and person is None and not (raw_text or "").strip():
        raise ValidationError({"unit": _("Name the unit or person.")})
    for child, name in ((target, "target"), (measure, "measure")):
        if child is not None and child.problem_id != problem.pk:
            raise ValidationError({name: _("It belongs to another problem.")})
    siblings = Assignment.objects.filter(problem=problem, role=role, target=target, measure=measure)
    assignment = Assignment(
        problem=problem,
        role=role,
        unit=unit,
        person=person,
        raw_text=(raw_text or "").strip() or (str(unit or person) if (unit or person) else ""),
        target=target,
        measure=measure,
        position=_next_position(siblings),
    )
    stamp(assignment, acting_user, "assign").save()
    return assignment


@transaction.atomic
def remove_assignment(assignment: Assignment, *, acting_user: User) -> None:
    stamp(assignment, acting_user, "unassign")
    assignment.delete()
