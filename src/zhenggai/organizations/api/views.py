"""API endpoints of the unit registry."""

from rest_framework import viewsets

from zhenggai.organizations.api.serializers import UnitSerializer
from zhenggai.organizations.filtersets import UnitFilterSet
from zhenggai.organizations.models import Unit


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units (单位) with their aliases and successors."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet

    def get_queryset(self):
        return Unit.objects.visible_to(self.request.user).prefetch_related("aliases").order_by("path")
