"""Choices of progress scheduling, in the field's own vocabulary.

The values are those of ``zhenggai.core.schedule`` (where the rules live); the labels here are
translatable for the UI.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Cadence(models.TextChoices):
    """调度频次."""

    WEEKLY = "weekly", _("Weekly")  # 按周调度
    MONTHLY = "monthly", _("Monthly")  # 按月报告
    QUARTERLY = "quarterly", _("Quarterly")  # 季调度


class Pace(models.TextChoices):
    """Status against time-proportional progress (序时进度) on an as-of date."""

    NOT_STARTED = "not_started", _("Not started")  # 尚未启动
    BEHIND = "behind", _("Behind schedule")  # 未达到序时进度
    ON_PACE = "on_pace", _("On schedule")  # 达到序时进度
    AHEAD = "ahead", _("Ahead of schedule")  # 超过序时进度
    COMPLETED = "completed", _("Rectified, awaiting acceptance")  # 完成整改
    SIGNED_OFF = "signed_off", _("Accepted and signed off")  # 完成交账销号
    LONG_TERM = "long_term", _("Long-term")  # 长期坚持
    IMMEDIATE = "immediate", _("Immediate")  # 立行立改


class ClaimedStatus(models.TextChoices):
    """What the reporting unit says about its item (申报状态)."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    # 基本完成 / 正在收尾: the work is done but for the last steps; not a completion (no pace change).
    BASICALLY_COMPLETED = "basically_completed", _("Basically completed (finishing)")
    COMPLETED = "completed", _("Completed")


class WarningKind(models.TextChoices):
    """预警类型."""

    DUE_SOON = "due_soon", _("Due soon")  # 临期
    OVERDUE = "overdue", _("Overdue")  # 逾期
    BEHIND = "behind", _("Behind schedule")  # 滞后序时进度
    NO_REPORT = "no_report", _("No report this period")  # 未按期报送
    EVIDENCE_MISSING = "evidence_missing", _("Completion claimed without evidence")  # 佐证缺失


class Grade(models.TextChoices):
    """预警等级: 蓝签 → 黄牌 → 红灯."""

    BLUE = "blue", _("Blue tag")  # 蓝签
    YELLOW = "yellow", _("Yellow card")  # 黄牌
    RED = "red", _("Red light")  # 红灯


GRADE_ORDER = {Grade.BLUE: 1, Grade.YELLOW: 2, Grade.RED: 3}


class EscalationKind(models.TextChoices):
    """督办层级, mildest first."""

    REMINDER = "reminder", _("Reminder")  # 提醒催办
    SUPERVISION = "supervision", _("Warning supervision")  # 预警督办
    CIRCULAR = "circular", _("Circulated notice")  # 通报
    INTERVIEW = "interview", _("Interview")  # 约谈
    LISTED = "listed", _("Listed supervision")  # 挂牌督办


class ExtensionStatus(models.TextChoices):
    """延期申请状态."""

    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
