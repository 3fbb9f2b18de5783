"""Users of the system."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhenggai.accounts.choices import Role

__all__ = ["User"]


class User(AbstractUser):
    """A person who signs in (用户). ``role`` and ``unit`` decide what the user may see and do.

    An office or reviewer's unit is the jurisdiction it serves (e.g. the city); a
    responsible or supervising unit user's unit is that unit itself.
    """

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.UNIT)
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    def display_name(self) -> str:
        return self.get_full_name() or self.username
