"""Acceptance follows institutional reform (机构改革): a successor takes over the open requests."""

from __future__ import annotations

from django.dispatch import receiver

from zhenggai.acceptance.choices import OPEN_REQUEST_STATUSES, RequestStatus
from zhenggai.organizations.signals import unit_succeeded


@receiver(unit_succeeded, dispatch_uid="acceptance_requests_follow_successor")
def requests_follow_successor(sender, predecessor, successor, **kwargs) -> None:
    """Open (and returned) requests of the predecessor become the successor's; closed ones keep their unit.

    Steps acted on by the problem's acceptance unit follow on their own: that role is an open
    assignment, which ``record_succession`` already moved, and users act for their predecessors."""
    from zhenggai.acceptance.models import AcceptanceRequest

    AcceptanceRequest.objects.filter(
        unit=predecessor, status__in=[*OPEN_REQUEST_STATUSES, RequestStatus.RETURNED]
    ).update(unit=successor)


# --- working-day overrides: one dict per process, reloaded after any change ----------------------

_overrides: dict | None = None


def workday_overrides() -> dict:
    global _overrides
    if _overrides is None:
        from zhenggai.acceptance.models import WorkdayOverride

        try:
            _overrides = dict(WorkdayOverride.objects.values_list("day", "is_working_day"))
        except Exception:  # no database here (pure date arithmetic, a test without DB access, before migrate)
            return {}
    return _overrides


def _forget_overrides(**kwargs) -> None:
    global _overrides
    _overrides = None


def connect_overrides() -> None:
    from django.db.models.signals import post_delete, post_save

    from zhenggai.acceptance.models import WorkdayOverride
    from zhenggai.core import workdays

    post_save.connect(_forget_overrides, sender=WorkdayOverride, dispatch_uid="workday_override_saved")
    post_delete.connect(_forget_overrides, sender=WorkdayOverride, dispatch_uid="workday_override_deleted")
    workdays.use_overrides(workday_overrides)
