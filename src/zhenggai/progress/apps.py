from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    """Progress reports, reporting cadence, time-proportional status, warnings and escalation (整改调度)."""

    name = "zhenggai.progress"
    label = "progress"
    verbose_name = _("Progress and warnings")

    def ready(self) -> None:
        from zhenggai.progress import signals  # noqa: F401 - connects the receivers
