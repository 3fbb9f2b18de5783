from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    """Inspections, plans, problems, targets, measures and assignments: the ledger (台账)."""

    name = "zhenggai.ledger"
    label = "ledger"
    verbose_name = _("Ledger")
