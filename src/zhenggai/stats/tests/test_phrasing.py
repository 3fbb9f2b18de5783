"""summary_paragraph: every clause from the Statistics it is given (built here by hand, no database)."""

from __future__ import annotations

from datetime import date

from zhenggai.stats.engine import Counts, Rate, Statistics
from zhenggai.stats.phrasing import summary_paragraph

AS_OF = date(2026, 6, 30)


def stats_with(task_claims: dict[str, dict[str, int]], measures: dict[str, int] | None = None) -> Statistics:
    tasks, measure_counts = Counts(), Counts()
    for group, claims in task_claims.items():
        for claim, count in claims.items():
            for _ in range(count):
                tasks.add(None, group, "c", [], claimed=claim if claim != "none" else None)
    for group, count in (measures or {}).items():
        for _ in range(count):
            measure_counts.add(None, group, "c", [], claimed="in_progress")
    ids = list(range(tasks.total))
    completion = {
        "all_tasks": Rate.of("all tasks", AS_OF, ids, set(ids[:2])),
        "due_by_as_of": Rate.of("tasks due by the as-of date", AS_OF, ids[:3], set(ids[:2])),
    }
    return Statistics(AS_OF, tasks, measure_counts, completion, [7], [], [], due_by=AS_OF)


def test_a_group_all_completed_or_finishing_reads_basically_completed():
    text = summary_paragraph(stats_with({"due_by_as_of": {"completed": 2, "basically_completed": 1}}), "全市")
    assert "截至2026年6月30日，全市共有3项整改任务、0项具体措施。" in text
    assert "2026年6月30日前应完成的3项整改任务基本完成（2项全面完成、1项正在收尾）" in text


def test_a_mixed_group_lists_its_parts_and_an_empty_group_is_left_out():
    text = summary_paragraph(
        stats_with({"due_by_as_of": {"completed": 1, "in_progress": 1, "none": 1}}, {"due_later": 4})
    )
    assert "3项整改任务中1项全面完成、1项正在推进、1项未报送进展" in text
    assert "应于2026年6月30日后完成的4项具体措施正在推进" in text
    assert "立行立改" not in text


def test_the_systems_own_check_carries_the_rates_and_lists():
    text = summary_paragraph(stats_with({"due_by_as_of": {"completed": 3}}))
    assert "3项整改任务全面完成" in text
    assert "经系统核算，已完成整改任务2项，占整改任务总数的66.7%" in text
    assert "前应完成的3项整改任务已完成2项，完成率66.7%；逾期未完成1项；未达到序时进度0项。" in text
