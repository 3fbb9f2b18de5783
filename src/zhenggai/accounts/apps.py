from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles and the visibility scope derived from them."""

    name = "zhenggai.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
