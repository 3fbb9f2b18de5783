"""Filters for the ledger list; the same FilterSet serves the HTML page and the API."""

from __future__ import annotations

import functools

import django_filters
from django.db.models import Q
from django.forms import DateInput
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from zhenggai.accounts.scope import ALL, SUBTREE, UNITS, scope_for
from zhenggai.core.forms import QuickSelect
from zhenggai.ledger.choices import ItemStatus
from zhenggai.ledger.models import Category, Inspection, Measure, Plan, Problem
from zhenggai.ledger.querysets import problems_held_under, units_under
from zhenggai.organizations.models import PATH_SEGMENT_WIDTH, Unit

DEADLINE_KINDS = (
    ("date", _("Has a due date")),
    ("immediate", _("Immediate (立行立改)")),
    ("long_term", _("Long-term (长期坚持)")),
    ("conditional", _("Conditional")),
    ("recurring", _("Recurring")),
)
_KIND_FILTERS = {
    "date": Q(due_date__isnull=False),
    "immediate": Q(due_immediate=True),
    "long_term": Q(due_long_term=True),
    "conditional": Q(due_conditional=True),
    "recurring": ~Q(due_recurrence=""),
}

# How many tree levels below the user's own unit the unit filter offers as choices;
# deeper units are reached through their ancestors (the filter includes descendants).
UNIT_CHOICE_DEPTH = 2


def units_in_scope(user):
    """Units the user may filter by: everything for administrators, the subtree for offices."""
    scope = scope_for(user)
    units = Unit.objects.all()
    if scope.kind == ALL:
        return units
    if scope.kind == SUBTREE:
        return units.filter(pk__in=units_under(scope.root_path))
    if scope.kind == UNITS:
        return units.filter(pk__in=scope.unit_ids)
    return units.none()


def unit_choices_for(user, selected_pk=None) -> list[tuple]:
    """The options the unit select shows: active units at most UNIT_CHOICE_DEPTH levels below the
    user's unit, indented by depth; a deeper unit already selected (from a link) is added."""
    scope = scope_for(user)
    units = units_in_scope(user).order_by("path")
    if scope.kind in (ALL, SUBTREE):
        root_depth = len(scope.root_path) // PATH_SEGMENT_WIDTH - 1 if scope.kind == SUBTREE else 0
        shallow = Q(depth__lte=root_depth + UNIT_CHOICE_DEPTH, is_active=True)
        units = units.filter(shallow | Q(pk=selected_pk)) if selected_pk else units.filter(shallow)
    rows = units.values_list("pk", "depth", "name")  # rows, not models: a country lists a thousand and more
    return [("", "---------")] + [(pk, "　" * depth + name) for pk, depth, name in rows]


def set_unit_choices(field, user, selected_pk=None) -> None:
    """Give a unit field ``unit_choices_for``'s options, read only when the form is rendered, in a
    ``QuickSelect`` (the list can hold a thousand units)."""
    field.widget = QuickSelect(attrs=field.widget.attrs)
    field.widget.choices = functools.cache(lambda: unit_choices_for(user, selected_pk))


class ProblemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    plan = django_filters.ModelChoiceFilter(label=_("Plan"), queryset=Plan.objects.none())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ItemStatus.choices)
    category = django_filters.ModelChoiceFilter(label=_("Category"), queryset=Category.objects.none())
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit (and units under it)"), queryset=Unit.objects.none(), method="filter_unit"
    )
    due_after = django_filters.DateFilter(
        label=_("Due on or after"), field_name="due_date", lookup_expr="gte", widget=DateInput(attrs={"type": "date"})
    )
    due_before = django_filters.DateFilter(
        label=_("Due on or before"), field_name="due_date", lookup_expr="lte", widget=DateInput(attrs={"type": "date"})
    )
    deadline_kind = django_filters.ChoiceFilter(label=_("Deadline kind"), choices=DEADLINE_KINDS, method="filter_kind")
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    class Meta:
        model = Problem
        fields = ["q", "plan", "status", "category", "unit", "due_after", "due_before", "deadline_kind", "overdue"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        plans = Plan.objects.visible_to(user).only("pk", "title")
        self.filters["plan"].queryset = plans
        self.filters["category"].queryset = Category.objects.filter(plan__in=plans.values("pk")).only("pk", "title")
        self.filters["unit"].queryset = units_in_scope(user)

    @property
    def form(self):
        # The select shows a shallow list (a national registry has ~50 000 units); validation
        # still accepts any unit in scope, so links from a deep unit's page work.
        form = super().form
        if not getattr(form, "_unit_choices_set", False):
            selected = self.data.get("unit") if self.data else None
            selected = int(selected) if selected and str(selected).isdigit() else None
            user = getattr(self.request, "user", None)
            # Callables are evaluated only when a select renders (the API never renders them), and the
            # visible plans are computed once for both the plan and the category select.
            set_unit_choices(form.fields["unit"], user, selected)
            plans = functools.cache(lambda: list(self.filters["plan"].queryset.values_list("pk", "title")))
            form.fields["plan"].widget.choices = functools.cache(lambda: [("", "---------"), *plans()])
            form.fields["category"].widget.choices = functools.cache(
                lambda: [
                    ("", "---------"),
                    *Category.objects.filter(plan_id__in=[pk for pk, _title in plans()]).values_list("pk", "title"),
                ]
            )
            # NullBooleanSelect's empty choice reads "Unknown"; for a filter it means "any".
            form.fields["overdue"].widget.choices = [("unknown", "---------"), ("true", _("Yes")), ("false", _("No"))]
            form._unit_choices_set = True
        return form

    def filter_search(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(description__icontains=value) | Q(number_text__icontains=value)
        )

    # The API takes a unit id; the schema says so (drf-spectacular cannot read it off a method filter).
    @extend_schema_field(OpenApiTypes.INT)
    def filter_unit(self, queryset, name, unit):
        if unit is None:
            return queryset
        return queryset.filter(pk__in=problems_held_under(unit.path))

    def filter_kind(self, queryset, name, value):
        return queryset.filter(_KIND_FILTERS[value]) if value in _KIND_FILTERS else queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        overdue = queryset.overdue(today)
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class MeasureFilterSet(django_filters.FilterSet):
    """API filters for measures; ``problem`` only accepts visible problems, so ids reveal nothing."""

    problem = django_filters.ModelChoiceFilter(queryset=Problem.objects.none())
    status = django_filters.ChoiceFilter(choices=ItemStatus.choices)

    class Meta:
        model = Measure
        fields = ["problem", "status"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["problem"].queryset = Problem.objects.visible_to(getattr(self.request, "user", None))


class PlanFilterSet(django_filters.FilterSet):
    """API filters for plans; ``inspection`` only accepts visible inspections."""

    inspection = django_filters.ModelChoiceFilter(queryset=Inspection.objects.none())

    class Meta:
        model = Plan
        fields = ["inspection", "status", "level"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["inspection"].queryset = Inspection.objects.visible_to(getattr(self.request, "user", None))
