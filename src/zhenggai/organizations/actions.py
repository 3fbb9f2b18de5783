"""State changes of the organisation registry. Views, the API and commands call these only.

Each action runs in one transaction, takes the acting user, and leaves a history
row (django-simple-history) naming the user and the action.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from zhenggai.core.audit import stamp
from zhenggai.core.text import match_key
from zhenggai.organizations.choices import UnitLevel
from zhenggai.organizations.models import Person, Unit, UnitAlias, UnitMembership
from zhenggai.organizations.signals import unit_succeeded

if TYPE_CHECKING:
    from zhenggai.accounts.models import User


audit = logging.getLogger("zhenggai.audit")

__all__ = [
    "add_alias",
    "create_person",
    "create_unit",
    "hand_over_person",
    "move_unit",
    "record_succession",
    "set_collective_members",
]


@transaction.atomic
def create_unit(
    *,
    acting_user: User,
    name: str,
    level: str,
    parent: Unit | None = None,
    short_name: str = "",
    code: str = "",
    aliases: Iterable[str] = (),
    region_code: str = "",
) -> Unit:
    """A new unit of the registry; ``region_code`` is its 行政区划代码 (counties, cities, provinces), digits only."""
    name = (name or "").strip()
    region_code = (region_code or "").strip()
    if region_code and not (region_code.isdigit() and len(region_code) in (2, 4, 6, 9, 12)):
        raise ValidationError({"region_code": _("A division code is 2 to 12 digits (e.g. 530102).")})
    if not name:
        raise ValidationError({"name": _("A unit needs a name.")})
    if level not in UnitLevel.values:
        raise ValidationError({"level": _("Unknown unit level: %(level)s") % {"level": level}})
    unit = Unit(name=name, level=level, parent=parent, short_name=short_name, code=code, region_code=region_code)
    unit = stamp(unit, acting_user, "create")
    unit.save()
    for alias in aliases:
        _add_alias(unit, alias, acting_user)
    return unit


def _add_alias(unit: Unit, name: str, acting_user: User) -> UnitAlias:
    alias = UnitAlias(unit=unit, name=name.strip())
    existing = UnitAlias.objects.filter(unit=unit, key=match_key(alias.name)).first()
    if existing:
        return existing
    stamp(alias, acting_user, "add alias").save()
    return alias


@transaction.atomic
def add_alias(unit: Unit, name: str, *, acting_user: User) -> UnitAlias:
    if not (name or "").strip():
        raise ValidationError({"name": _("An alias cannot be empty.")})
    return _add_alias(unit, name, acting_user)


@transaction.atomic
def move_unit(unit: Unit, new_parent: Unit | None, *, acting_user: User) -> Unit:
    """Re-hang a unit (and its subtree) under another parent; ``Unit.save`` rewrites the tree paths."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    unit.parent = Unit.objects.select_for_update().get(pk=new_parent.pk) if new_parent is not None else None
    stamp(unit, acting_user, "move").save()
    return unit


@transaction.atomic
def set_collective_members(collective: Unit, members: Iterable[Unit], *, acting_user: User) -> None:
    """Replace the member list of a collective unit (各县区政府 → the county governments)."""
    if not collective.is_collective:
        raise ValidationError({"collective": _("Only a collective unit has members.")})
    member_ids = {m.pk for m in members}
    if collective.pk in member_ids:
        raise ValidationError({"members": _("A collective cannot contain itself.")})
    # One row at a time (collectives have a handful of members) so each change has its history row.
    for membership in UnitMembership.objects.filter(collective=collective).exclude(member_id__in=member_ids):
        stamp(membership, acting_user, "remove member").delete()
    existing = set(UnitMembership.objects.filter(collective=collective).values_list("member_id", flat=True))
    for pk in sorted(member_ids - existing):
        stamp(UnitMembership(collective=collective, member_id=pk), acting_user, "add member").save()


def _successor_chain(unit_id: int) -> list[int]:
    """Ids along the successor chain starting at ``unit_id``, read (and locked) from the database,
    not from objects the caller may hold stale. Reform chains are a few links long."""
    chain: list[int] = []
    while unit_id is not None and unit_id not in chain:
        chain.append(unit_id)
        unit_id = Unit.objects.select_for_update().filter(pk=unit_id).values_list("successor_id", flat=True).first()
    return chain


@transaction.atomic
def record_succession(predecessor: Unit, successor: Unit, *, on: date, reason: str, acting_user: User) -> int:
    """Record that ``successor`` took over ``predecessor`` (机构改革) and hand it the open tasks.

    Returns the number of assignments moved. Closed tasks stay with the predecessor;
    the successor's users still see them, because a unit acts for its predecessors. The
    predecessor's user accounts move to the successor; other apps follow through the
    ``unit_succeeded`` signal (open acceptance requests). Progress reports keep the unit that
    made them.
    """
    from zhenggai.ledger.models import Assignment

    if predecessor.pk == successor.pk:
        raise ValidationError({"successor": _("A unit cannot succeed itself.")})
    predecessor = Unit.objects.select_for_update().get(pk=predecessor.pk)
    successor = Unit.objects.select_for_update().get(pk=successor.pk)
    if not successor.is_active:
        raise ValidationError({"successor": _("The successor has itself been abolished; name its successor.")})
    if predecessor.pk in _successor_chain(successor.pk):
        raise ValidationError({"successor": _("That would make a succession cycle.")})
    predecessor.successor = successor
    predecessor.succeeded_on = on
    predecessor.succession_reason = reason
    predecessor.is_active = False
    stamp(predecessor, acting_user, "succession")
    predecessor.save()
    moved = list(Assignment.objects.open().filter(unit=predecessor))
    for assignment in moved:
        assignment.inherited_from_id = assignment.inherited_from_id or predecessor.pk
        assignment.unit = successor
    bulk_update_with_history(
        moved,
        Assignment,
        ["unit", "inherited_from"],
        default_user=acting_user,
        default_change_reason=f"succession {predecessor.pk}->{successor.pk}",
    )
    _move_users(predecessor, successor, acting_user)
    unit_succeeded.send(Unit, predecessor=predecessor, successor=successor, on=on, acting_user=acting_user)
    return len(moved)


def _move_users(predecessor: Unit, successor: Unit, acting_user: User) -> None:
    """The predecessor's user accounts now act for the successor (logged: users have no history table)."""
    from zhenggai.accounts.models import User as UserModel

    names = list(UserModel.objects.filter(unit=predecessor).values_list("username", flat=True))
    if names:
        UserModel.objects.filter(unit=predecessor).update(unit=successor)
        audit.info(
            "succession %s->%s by %s moved users %s",
            predecessor.pk,
            successor.pk,
            getattr(acting_user, "username", "?"),
            ", ".join(names),
        )


@transaction.atomic
def create_person(
    *, acting_user: User, name: str, unit: Unit | None = None, title: str = "", phone: str = ""
) -> Person:
    if not (name or "").strip():
        raise ValidationError({"name": _("A person needs a name.")})
    person = stamp(Person(name=name.strip(), unit=unit, title=title, phone=phone), acting_user, "create")
    person.save()
    return person


@transaction.atomic
def hand_over_person(old: Person, new: Person, *, on: date, acting_user: User) -> int:
    """A leader or responsible person left office: the successor takes the open tasks ("由接任的领导负责")."""
    from zhenggai.ledger.models import Assignment

    if old.pk == new.pk:
        raise ValidationError({"successor": _("A person cannot succeed themselves.")})
    old = Person.objects.select_for_update().get(pk=old.pk)
    new = Person.objects.get(pk=new.pk)
    if not new.is_active:
        raise ValidationError({"successor": _("The successor is no longer in office.")})
    old.successor, old.left_on, old.is_active = new, on, False
    stamp(old, acting_user, "hand over")
    old.save()
    moved = list(Assignment.objects.open().filter(person=old))
    for assignment in moved:
        assignment.person = new
    bulk_update_with_history(
        moved, Assignment, ["person"], default_user=acting_user, default_change_reason=f"hand over {old.pk}->{new.pk}"
    )
    return len(moved)
