from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    """Accountability (责任追究): transferred problems, their investigation, and the persons held accountable."""

    name = "zhenggai.accountability"
    label = "accountability"
    verbose_name = _("Accountability")
