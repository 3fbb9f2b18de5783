from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public portal (信息公开): published snapshots of plans, progress, notices, case and accountability
    disclosures, served without login; it never reads the live ledger."""

    name = "zhenggai.portal"
    label = "portal"
    verbose_name = _("Public portal")
