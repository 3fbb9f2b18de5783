from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """Statistics of the ledger on any as-of date (统计): counts, rates with their basis, lists; daily
    snapshots and each plan's statistics of the day (``models``)."""

    name = "zhenggai.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from zhenggai.stats import signals  # noqa: F401  (connects the receivers)
