from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """Statistics of the ledger on any as-of date (统计): counts, rates with their basis, lists. No models."""

    name = "zhenggai.stats"
    label = "stats"
    verbose_name = _("Statistics")
