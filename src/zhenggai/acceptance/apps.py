from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcceptanceConfig(AppConfig):
    """Acceptance and sign-off (验收销号): chains, requests, signed decisions, 公示, reopening, 回头看."""

    name = "zhenggai.acceptance"
    label = "acceptance"
    verbose_name = _("Acceptance and sign-off")

    def ready(self) -> None:
        from zhenggai.acceptance import signals

        signals.connect_overrides()
