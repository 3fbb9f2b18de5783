"""What part of the ledger a user may see, computed once per user object.

Every ``visible_to(user)`` in the project starts here, so pages, the API, exports
and downloads share one rule:

* administrators see everything;
* an office (整改办) or reviewer sees its jurisdiction's subtree: the unit's tree path
  is a prefix, matched through an index, never a per-row permission subquery;
* a responsible-unit or supervising-unit user acts as its unit, the units it
  succeeded (机构改革), and the collectives it belongs to (各县区政府 includes 天祝县政府).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zhenggai.accounts.choices import Role

ALL, SUBTREE, UNITS, NOTHING = "all", "subtree", "units", "nothing"


@dataclass(frozen=True)
class Scope:
    kind: str
    role: str = ""
    root_path: str = ""
    root_id: int | None = None
    unit_ids: frozenset[int] = field(default_factory=frozenset)


def _acting_unit_ids(unit) -> frozenset[int]:
    """The unit, its predecessors (transitively) and the collectives containing any of them."""
    from zhenggai.organizations.models import Unit, UnitMembership

    ids = {unit.pk}
    frontier = {unit.pk}
    while frontier:  # one query per generation of predecessors; reform chains are short
        frontier = set(Unit.objects.filter(successor_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    collectives = UnitMembership.objects.filter(member_id__in=ids).values_list("collective_id", flat=True)
    return frozenset(ids | set(collectives))


def scope_for(user) -> Scope:
    cached = getattr(user, "_zhenggai_scope", None)
    if cached is not None:
        return cached
    scope = _compute(user)
    if getattr(user, "is_authenticated", False):
        user._zhenggai_scope = scope
    return scope


def _compute(user) -> Scope:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope(NOTHING)
    if user.is_superuser or user.role == Role.ADMIN:
        return Scope(ALL, role=Role.ADMIN)
    unit = user.unit
    if unit is None:
        return Scope(NOTHING, role=user.role)
    if user.role in (Role.OFFICE, Role.REVIEWER):
        return Scope(SUBTREE, role=user.role, root_path=unit.path, root_id=unit.pk)
    return Scope(UNITS, role=user.role, root_id=unit.pk, unit_ids=_acting_unit_ids(unit))
