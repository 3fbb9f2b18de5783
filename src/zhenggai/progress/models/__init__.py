from zhenggai.progress.models.reports import Evidence, Indicator, ProgressReport
from zhenggai.progress.models.schedule import PlanSchedule
from zhenggai.progress.models.supervision import DeadlineExtension, Escalation, Notification, NotificationMute
from zhenggai.progress.models.warnings import ProblemStanding, ReportingShare, WarningItem, WarningRun

__all__ = [
    "DeadlineExtension",
    "Escalation",
    "Evidence",
    "Indicator",
    "Notification",
    "NotificationMute",
    "PlanSchedule",
    "ProblemStanding",
    "ProgressReport",
    "ReportingShare",
    "WarningItem",
    "WarningRun",
]
