"""Filters for the unit registry (HTML page and API)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from zhenggai.core.text import match_key
from zhenggai.organizations.choices import UnitLevel
from zhenggai.organizations.models import Unit, path_prefix


class UnitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or alias"), method="filter_name")
    level = django_filters.ChoiceFilter(label=_("Level"), choices=UnitLevel.choices)
    under = django_filters.ModelChoiceFilter(
        label=_("Under unit"),
        queryset=Unit.objects.all(),
        method="filter_under",
        widget=django_filters.widgets.forms.HiddenInput,
    )
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Unit
        fields = ["q", "level", "under", "is_active"]

    def filter_name(self, queryset, name, value):
        key = match_key(value)
        if not key:
            return queryset
        return queryset.filter(
            Q(name_key__contains=key) | Q(short_name_key__contains=key) | Q(aliases__key__contains=key)
        ).distinct()

    # The API takes a unit id; the schema says so (drf-spectacular cannot read it off a method filter).
    @extend_schema_field(OpenApiTypes.INT)
    def filter_under(self, queryset, name, unit):
        return queryset if unit is None else queryset.filter(path_prefix("path", unit.path))
