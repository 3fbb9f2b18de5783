"""Choices for the ledger, in the documents' own vocabulary."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionKind(models.TextChoices):
    """督察类型."""

    ROUTINE = "routine", _("Routine inspection")  # 例行督察
    SPECIAL = "special", _("Special inspection")  # 专项督察
    LOOKBACK = "lookback", _("Look-back inspection")  # 回头看


class InspectionLevel(models.TextChoices):
    CENTRAL = "central", _("Central")  # 中央生态环境保护督察
    PROVINCIAL = "provincial", _("Provincial")  # 省级督察


class PlanLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 草稿
    APPROVED = "approved", _("Approved")  # 已审定
    PUBLISHED = "published", _("Published")  # 已印发/公开


class ItemStatus(models.TextChoices):
    """Workflow status of a problem or measure (整改状态).

    The time-proportional statuses (达到/未达到序时进度) are computed from progress and
    the as-of date in a later issue; these are the states a person moves an item through.
    """

    NOT_STARTED = "not_started", _("Not started")  # 尚未启动
    IN_PROGRESS = "in_progress", _("In progress")  # 整改中
    COMPLETED = "completed", _("Rectified, awaiting acceptance")  # 完成整改（待验收）
    SIGNED_OFF = "signed_off", _("Accepted and signed off")  # 完成交账销号


OPEN_STATUSES = (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS)
CLOSED_STATUSES = (ItemStatus.COMPLETED, ItemStatus.SIGNED_OFF)


class AssignmentRole(models.TextChoices):
    """Responsibility roles, each a separate assignment row."""

    LEAD = "lead", _("Responsible unit")  # 责任单位/牵头单位
    COOPERATING = "cooperating", _("Cooperating unit")  # 配合单位
    SUPERVISING = "supervising", _("Supervising unit")  # 督导单位
    ACCEPTANCE = "acceptance", _("Acceptance unit")  # 验收单位
    LEADER = "leader", _("Responsible leader")  # 责任领导
    PERSON = "person", _("Responsible person")  # 责任人员


UNIT_ROLES = (AssignmentRole.LEAD, AssignmentRole.COOPERATING, AssignmentRole.SUPERVISING, AssignmentRole.ACCEPTANCE)
PERSON_ROLES = (AssignmentRole.LEADER, AssignmentRole.PERSON)


class DeadlinePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")  # N月底前
    YEAR = "year", _("Year")  # 年底前, 到2020年


class Recurrence(models.TextChoices):
    WEEKLY = "weekly", _("Every week")  # 每周
    MONTHLY = "monthly", _("Every month")  # 每月
    QUARTERLY = "quarterly", _("Every quarter")  # 每季度
    HALF_YEARLY = "half_yearly", _("Every half year")  # 每半年
    YEARLY = "yearly", _("Every year")  # 每年
