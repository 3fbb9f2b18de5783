from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Complaint cases handed over by the inspection team (交办信访件/举报件), in daily batches."""

    name = "zhenggai.cases"
    label = "cases"
    verbose_name = _("Complaint cases")
