"""Who may act on an acceptance step (验收环节), and who may ask for acceptance.

* A review or sign-off step of level county / city / province is acted on by an office or reviewer
  whose unit is of that level and is the plan's jurisdiction or one of its ancestors — except where
  the problem names an acceptance unit (验收单位) of that level: then only that unit's users act
  (its predecessors' and collectives' through the user's scope).
* ``acceptance_unit`` steps are acted on by the problem's acceptance unit (the plan's office when
  the problem names none); ``plan_office`` steps by the office of the plan's own jurisdiction.
* Administrators may act on every step. Nobody acts on a request they filed.

The item may be a problem or a complaint case (``acceptance.subjects``): for a case, "the plan's
jurisdiction" is the case's home jurisdiction and "the plan's office" the office over the case.
"""

from __future__ import annotations

from zhenggai.acceptance.choices import ActorLevel
from zhenggai.acceptance.subjects import subject_for
from zhenggai.accounts.choices import Role
from zhenggai.accounts.scope import scope_for

__all__ = ["acting_unit", "may_act"]

_LEVEL_STEPS = (ActorLevel.COUNTY, ActorLevel.CITY, ActorLevel.PROVINCE)


def _is_admin(user) -> bool:
    return user.is_superuser or user.role == Role.ADMIN


def may_act(user, step, item) -> bool:
    """True when ``user`` may decide ``step`` for ``item``, a problem or a case (the requester check is
    the action's)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if _is_admin(user):
        return True
    subject = subject_for(item)
    acceptance = subject.acceptance_units()
    unnamed = step.actor_level == ActorLevel.ACCEPTANCE_UNIT and not acceptance
    if step.actor_level == ActorLevel.PLAN_OFFICE or unnamed:
        return user.role == Role.OFFICE and subject.is_office(user)
    if user.unit_id is None:
        return False
    units = scope_for(user).unit_ids or {user.unit_id}
    if step.actor_level == ActorLevel.ACCEPTANCE_UNIT:
        return any(unit.pk in units for unit in acceptance)
    if step.actor_level in _LEVEL_STEPS:
        named = [unit for unit in acceptance if unit.level == step.actor_level]
        if named:
            return any(unit.pk in units for unit in named)
        if user.role not in (Role.OFFICE, Role.REVIEWER) or user.unit.level != step.actor_level:
            return False
        jurisdiction = subject.jurisdiction
        return jurisdiction is not None and jurisdiction.path.startswith(user.unit.path)
    return False


def acting_unit(user, step, item):
    """The unit a decision is recorded for: the named acceptance unit the user acts for, else the user's unit."""
    units = scope_for(user).unit_ids or ({user.unit_id} if user.unit_id else set())
    for unit in subject_for(item).acceptance_units():
        if unit.pk in units:
            return unit
    return user.unit
