"""The organisation registry: units (单位), their aliases, collectives and successors, and persons."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhenggai.core.text import match_key
from zhenggai.organizations.choices import JURISDICTION_LEVELS, UnitLevel

__all__ = ["Person", "Unit", "UnitAlias", "UnitMembership"]

# A unit's path is its ancestors' path plus its own primary key in base 36, padded
# to a fixed width, so "all units under X" is one indexed prefix match
# (path LIKE 'X.path%') instead of a recursive query per row.
PATH_SEGMENT_WIDTH = 7
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def path_segment(pk: int) -> str:
    digits = ""
    while pk:
        pk, rem = divmod(pk, 36)
        digits = _BASE36[rem] + digits
    return digits.rjust(PATH_SEGMENT_WIDTH, "0")


def path_prefix(field: str, prefix: str) -> Q:
    """Rows whose tree path (``field``) starts with ``prefix``, written so that each database uses its index.

    PostgreSQL answers ``LIKE 'prefix%'`` from the varchar_pattern_ops index. SQLite's LIKE is
    case-insensitive and never uses an index, so there the same set is asked for as the range
    [prefix, prefix with its last character incremented), which the BINARY-ordered index serves.
    """
    if connection.vendor == "sqlite":
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})
    return Q(**{f"{field}__startswith": prefix})


class UnitQuerySet(models.QuerySet):
    def visible_to(self, user) -> UnitQuerySet:
        """The registry is shared reference data: every signed-in user may read it."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self

    def subtree(self, unit: Unit, *, include_self: bool = True) -> UnitQuerySet:
        """The unit and everything beneath it in the jurisdiction tree."""
        qs = self.filter(path_prefix("path", unit.path))
        return qs if include_self else qs.exclude(pk=unit.pk)

    def jurisdictions(self) -> UnitQuerySet:
        return self.filter(level__in=JURISDICTION_LEVELS)

    def resolve(self, name: str) -> Unit | None:
        """Find a unit by its name, short name or any alias, ignoring spacing and punctuation."""
        key = match_key(name)
        if not key:
            return None
        return (
            self.filter(Q(name_key=key) | Q(short_name_key=key) | Q(aliases__key=key))
            .order_by("-is_active", "pk")
            .first()
        )


class Unit(models.Model):
    """A unit (单位): a government, party committee, department, enterprise or a collective name.

    Units form one jurisdiction tree (province ⊃ city ⊃ county ⊃ township, each with its
    departments). When institutional reform (机构改革) merges or renames a unit, the old unit
    gets a ``successor`` with the date and reason; the successor inherits the open tasks and
    the history still shows who held them (004, 第六项: "因机构改革单位合并或职能调整的，由合并或
    调整后的单位负责落实"). A collective unit (各县区政府, 市大气水土壤污染防治工作领导小组成员单位)
    stands for its members, listed through ``UnitMembership``.
    """

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("tree path"), max_length=255, blank=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    code = models.CharField(_("code"), max_length=32, blank=True, help_text=_("Administrative or credit code"))
    # 行政区划代码 (GB/T 2260, e.g. 530000 for a province, 530100 for a city) of a jurisdiction: the charts
    # page places a region's tasks on the province map by its first two digits.
    region_code = models.CharField(
        _("administrative division code"),
        max_length=12,
        blank=True,
        help_text=_("Administrative division code (行政区划代码) of a province, city or county, e.g. 530000"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    succeeded_on = models.DateField(_("succeeded on"), null=True, blank=True)
    succession_reason = models.TextField(_("succession reason"), blank=True)
    members = models.ManyToManyField(
        "self",
        verbose_name=_("members"),
        through="UnitMembership",
        through_fields=("collective", "member"),
        symmetrical=False,
        related_name="collectives",
        blank=True,
    )
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    short_name_key = models.CharField(max_length=100, editable=False, blank=True, db_index=True)

    # path/depth/keys are derived from parent and name, which the history does keep.
    history = HistoricalRecords(excluded_fields=["path", "depth", "name_key", "short_name_key"])
    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%'
            # whatever the database collation; other backends ignore opclasses.
            models.Index(fields=["path"], name="organizations_unit_path_like", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["path"], name="organizations_unit_path"),
            models.Index(fields=["level", "is_active"], name="organizations_unit_level"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_key = match_key(self.name)
        self.short_name_key = match_key(self.short_name)
        creating = self.pk is None
        moved = not creating and self.parent_id != getattr(self, "_loaded_parent_id", self.parent_id)
        new_prefix = self._parent_path() if moved else ""
        if moved and self.path and new_prefix.startswith(self.path):
            raise ValidationError({"parent": _("A unit cannot be moved under itself or its own subtree.")})
        super().save(*args, **kwargs)
        if creating or not self.path:
            # The path needs the primary key, which exists only after the INSERT.
            self.path = self._parent_path() + path_segment(self.pk)
            self.depth = len(self.path) // PATH_SEGMENT_WIDTH - 1
            Unit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
        elif moved:
            self._rewrite_subtree(new_prefix + path_segment(self.pk))
        self._loaded_parent_id = self.parent_id

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        # Remember the parent as loaded, so save() can tell a move (and rewrite the paths).
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_parent_id = instance.__dict__.get("parent_id")
        return instance

    @property
    def is_jurisdiction(self) -> bool:
        return self.level in JURISDICTION_LEVELS

    @property
    def is_collective(self) -> bool:
        return self.level == UnitLevel.COLLECTIVE

    def _parent_path(self) -> str:
        """The parent's path as stored now (read from the database, not from a possibly stale object)."""
        if not self.parent_id:
            return ""
        return Unit.objects.filter(pk=self.parent_id).values_list("path", flat=True).get()

    def _rewrite_subtree(self, new_path: str) -> None:
        """Give this unit and everything under it paths below the new parent, in one UPDATE."""
        old_path = Unit.objects.filter(pk=self.pk).values_list("path", flat=True).get()
        shift = (len(new_path) - len(old_path)) // PATH_SEGMENT_WIDTH
        Unit.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + shift
        )
        self.path, self.depth = new_path, len(new_path) // PATH_SEGMENT_WIDTH - 1

    def ancestors(self) -> UnitQuerySet:
        """The units above this one, root first (one query)."""
        prefixes = [self.path[:i] for i in range(PATH_SEGMENT_WIDTH, len(self.path), PATH_SEGMENT_WIDTH)]
        return Unit.objects.filter(path__in=prefixes).order_by("depth")

    def expand(self) -> list[Unit]:
        """The units this name stands for: a collective's current members, otherwise the unit itself."""
        if not self.is_collective:
            return [self]
        members = Unit.objects.filter(member_of__collective=self).order_by("path")
        return [member.current() for member in members.select_related("successor")]

    def current(self) -> Unit:
        """Follow the successor chain to the unit that holds this one's duties today."""
        unit, seen = self, {self.pk}
        while unit.successor_id and unit.successor_id not in seen:
            seen.add(unit.successor_id)
            unit = unit.successor
        return unit


class UnitAlias(models.Model):
    """Another name a document uses for a unit (区发展委 ↔ 自治区发展改革委, 市政府 ↔ 武威市人民政府)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("alias"), max_length=200)
    key = models.CharField(max_length=200, editable=False, db_index=True)

    history = HistoricalRecords(excluded_fields=["key"])

    class Meta:
        verbose_name = _("unit alias")
        verbose_name_plural = _("unit aliases")
        constraints = [models.UniqueConstraint(fields=["unit", "key"], name="%(app_label)s_%(class)s_unique_alias")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.key = match_key(self.name)
        super().save(*args, **kwargs)


class UnitMembership(models.Model):
    """A member of a collective unit (各县区政府 → 凉州区政府, 民勤县政府 …)."""

    collective = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="member_of")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("collective membership")
        verbose_name_plural = _("collective memberships")
        constraints = [
            models.UniqueConstraint(fields=["collective", "member"], name="%(app_label)s_%(class)s_unique_member")
        ]

    def __str__(self) -> str:
        return f"{self.collective} ⊃ {self.member}"


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user) -> PersonQuerySet:
        """Responsible leaders and persons are named in published plans: any signed-in user may read them."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self


class Person(models.Model):
    """A responsible leader (责任领导) or responsible person (责任人员).

    Office holders change ("如有变动，由接任的领导负责"): a hand-over sets ``successor`` and
    ``left_on``, moves the open tasks to the successor, and the history keeps the rest.
    """

    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_active = models.BooleanField(_("in office"), default=True)
    successor = models.ForeignKey(
        "self", verbose_name=_("successor"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    left_on = models.DateField(_("left office on"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )

    history = HistoricalRecords()
    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="organizations_person_name")]

    def __str__(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name
