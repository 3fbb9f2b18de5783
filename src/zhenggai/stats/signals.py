"""Keep today's plan statistics current: a change that refreshes problems' warnings
(``progress.signals.ledger_changed``, after its commit) enqueues the recomputation of their plans'."""

from __future__ import annotations

from django.dispatch import receiver

from zhenggai.progress.signals import ledger_changed


@receiver(ledger_changed, dispatch_uid="stats_plan_statistics_on_change")
def problems_changed(sender, problem_ids: list[int], **kwargs) -> None:
    from zhenggai.stats.tasks import refresh_plan_statistics

    refresh_plan_statistics.enqueue(problem_ids)
