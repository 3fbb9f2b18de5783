"""The unit registry pages: the tree with aliases and successors, and one unit's page."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _
from django.views.generic import DetailView
from django_filters.views import FilterView

from zhenggai.organizations.filtersets import UnitFilterSet
from zhenggai.organizations.models import Unit, UnitAlias, UnitMembership


class UnitListView(LoginRequiredMixin, FilterView):
    """Units in tree order (indented by depth), each with its aliases and successor."""

    filterset_class = UnitFilterSet
    template_name = "organizations/unit_list.html"
    context_object_name = "units"
    paginate_by = 100
    strict = False

    def get_queryset(self):
        return (
            Unit.objects.visible_to(self.request.user)
            .select_related("successor", "parent")
            .prefetch_related(Prefetch("aliases", queryset=UnitAlias.objects.only("pk", "name", "unit_id")))
            .annotate(member_count=Count("memberships", distinct=True))
            .order_by("path")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["querystring"] = query.urlencode()
        return context


# A province has thousands of units under it; the page lists the first ones and links to the filtered registry.
CHILDREN_SHOWN = 200


class UnitDetailView(LoginRequiredMixin, DetailView):
    """One unit: ancestors, children, aliases, successor and predecessors, collective members."""

    template_name = "organizations/unit_detail.html"
    context_object_name = "unit"

    def get_queryset(self):
        return (
            Unit.objects.visible_to(self.request.user)
            .select_related("parent", "successor")
            .prefetch_related("aliases", "predecessors", "members", "collectives")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unit = self.object
        context["ancestors"] = unit.ancestors()
        children = list(unit.children.order_by("path")[: CHILDREN_SHOWN + 1])
        context["children"], context["more_children"] = children[:CHILDREN_SHOWN], len(children) > CHILDREN_SHOWN
        context["history"] = unit_history(unit)
        return context


def unit_history(unit: Unit, limit: int = 50) -> list[dict]:
    """The unit's own history rows with those of its aliases and (for a collective) its members, newest first."""
    rows = []
    sources = (
        (unit.history.all(), lambda h: h.name),
        (UnitAlias.history.filter(unit_id=unit.pk), lambda h: _("Alias: %(name)s") % {"name": h.name}),
        (
            UnitMembership.history.filter(collective_id=unit.pk).select_related("member"),
            lambda h: _("Member: %(name)s") % {"name": h.member.name if h.member else h.member_id},
        ),
    )
    for queryset, describe in sources:
        for h in queryset.select_related("history_user").order_by("-history_date")[:limit]:
            rows.append(
                {
                    "when": h.history_date,
                    "user": h.history_user,
                    "kind": h.get_history_type_display(),
                    "reason": h.history_change_reason or "",
                    "what": describe(h),
                }
            )
    rows.sort(key=lambda row: row["when"], reverse=True)
    return rows[:limit]
