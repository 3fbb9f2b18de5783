"""User roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user does; with the user's unit it decides what the user sees."""

    OFFICE = "office", _("Rectification office")  # 整改办: everything under its jurisdiction
    UNIT = "unit", _("Responsible unit")  # 责任单位: its own (and predecessors') tasks
    SUPERVISOR = "supervisor", _("Supervising unit")  # 督导单位: what it supervises
    REVIEWER = "reviewer", _("Reviewer")  # 验收审核: reads its jurisdiction, decides acceptance steps
    ADMIN = "admin", _("Administrator")  # 系统管理员: everything
