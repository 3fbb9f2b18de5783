from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    """File exports of the ledger (整改台账 as .xlsx)."""

    name = "zhenggai.exports"
    label = "exports"
    verbose_name = _("Exports")
