from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The periodic progress report (整改进展情况报告) as .docx, kept as frozen numbered versions."""

    name = "zhenggai.reports"
    label = "reports"
    verbose_name = _("Progress reports (documents)")
