from zhenggai.progress.models.reports import Evidence, Indicator, ProgressReport
from zhenggai.progress.models.schedule import PlanSchedule
from zhenggai.progress.models.supervision import DeadlineExtension, Escalation, Notification, NotificationMute
from zhenggai.progress.models.warnings import WarningItem, WarningRun

__all__ = [
    "DeadlineExtension",
    "Escalation",
    "Evidence",
    "Indicator",
    "Notification",
    "NotificationMute",
    "PlanSchedule",
    "ProgressReport",
    "WarningItem",
    "WarningRun",
]
