"""The unit registry pages: the tree with aliases and successors, and one unit's page."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch
from django.views.generic import DetailView
from django_filters.views import FilterView

from zhenggai.organizations.filtersets import UnitFilterSet
from zhenggai.organizations.models import Unit, UnitAlias


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
        context["children"] = unit.children.order_by("path")[:200]
        context["history"] = unit.history.select_related("history_user").order_by("-history_date")[:50]
        return context
