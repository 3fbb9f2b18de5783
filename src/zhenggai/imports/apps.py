from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Bringing documents into the ledger: the CLI now, the review flow (upload → check → confirm) next."""

    name = "zhenggai.imports"
    label = "imports"
    verbose_name = _("Imports")
