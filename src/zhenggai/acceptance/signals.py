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
