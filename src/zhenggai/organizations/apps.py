from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    """Units, aliases, collectives, successors and persons."""

    name = "zhenggai.organizations"
    label = "organizations"
    verbose_name = _("Organisations")
