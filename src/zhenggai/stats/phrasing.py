"""The summary paragraph of a periodic report, in the phrasing offices use (003's first paragraph).

003 opens: "截至2019年3月，按照整改方案要求，全区45项整改任务、179项具体措施基本达到整改目标，其中2018年12月
底前应完成的28项整改任务基本完成（25项全面完成、3项正在收尾）…；应于2019年、2020年完成的14项整改任务、24项
具体措施按照序时要求积极推进；需要立行立改、长期坚持的3项整改任务、65项具体措施取得阶段性成效。"

``summary_paragraph(stats, scope)`` writes the same kind of paragraph from a ``Statistics`` object and
nothing else (every number is one of its counts; nothing is recounted here):

1. the population: ``{scope}{tasks}项整改任务、{measures}项具体措施``;
2. one clause per deadline group that has tasks, in 003's order — due by the cutoff (``stats.due_by``),
   due later, 立行立改/长期坚持 without a date, no date — each with its tasks and measures and what the units
   reported of those tasks (``Counts.by_deadline_claimed``): 全面完成, 正在收尾 (基本完成), 正在推进, 尚未启动,
   未报送进展. When every task of the group is completed or finishing, the clause reads like 003's
   "28项整改任务基本完成（25项全面完成、3项正在收尾）"; otherwise it lists the parts;
3. the system's own check, which does not take the units' word: tasks closed with their rate and basis
   (all tasks, tasks due by the cutoff), tasks overdue on the as-of date and tasks behind 序时进度.
"""

from __future__ import annotations

from datetime import date

from zhenggai.stats.engine import NO_CLAIM, Rate, Statistics

__all__ = ["CLAIM_PHRASES", "chinese_date", "percent_text", "summary_paragraph"]

CLAIM_PHRASES: dict[str, str] = {
    "completed": "全面完成",
    "basically_completed": "正在收尾",
    "in_progress": "正在推进",
    "not_started": "尚未启动",
    NO_CLAIM: "未报送进展",
}
_GROUP_ORDER = ("due_by_as_of", "due_later", "no_date_immediate_or_long_term", "other")
_DONE = ("completed", "basically_completed")


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def percent_text(numerator: int, denominator: int) -> str:
    """ "55.6%", or "—" for an empty denominator (a rate of nothing is not 0 %)."""
    return f"{numerator * 100 / denominator:.1f}%" if denominator else "—"


def _percent(rate: Rate) -> str:
    return percent_text(rate.numerator, rate.denominator)


def _claims(counts: dict[str, int]) -> str:
    return "、".join(f"{counts[key]}项{phrase}" for key, phrase in CLAIM_PHRASES.items() if counts.get(key))


def _part(count: int, noun: str, claims: dict[str, int]) -> str:
    """ "28项整改任务基本完成（25项全面完成、3项正在收尾）", "14项整改任务正在推进", or the parts listed."""
    if noun == "整改任务" and claims.get("basically_completed"):
        if sum(claims.get(key, 0) for key in _DONE) == count:
            return f"{count}项{noun}基本完成（{_claims(claims)}）"
    for key, phrase in CLAIM_PHRASES.items():
        if claims.get(key) == count:
            return f"{count}项{noun}{phrase}"
    return f"{count}项{noun}中{_claims(claims)}"


def _group_clause(stats: Statistics, group: str) -> str | None:
    tasks = stats.tasks.by_deadline.get(group, 0)
    measures = stats.measures.by_deadline.get(group, 0)
    if not tasks and not measures:
        return None
    cutoff = chinese_date(stats.due_by or stats.as_of)
    subject = {
        "due_by_as_of": f"{cutoff}前应完成的",
        "due_later": f"应于{cutoff}后完成的",
        "no_date_immediate_or_long_term": "需要立行立改、长期坚持的",
        "other": "整改时限有待明确的",
    }[group]
    parts = []
    if tasks:
        parts.append(_part(tasks, "整改任务", stats.tasks.by_deadline_claimed.get(group, {})))
    if measures:
        parts.append(_part(measures, "具体措施", stats.measures.by_deadline_claimed.get(group, {})))
    return subject + "，".join(parts)


def summary_paragraph(stats: Statistics, scope: str = "") -> str:
    """The report's summary paragraph (module docstring); ``scope`` names whose tasks ("全区", a plan title
    in 《》 …) and may be empty."""
    day = chinese_date(stats.as_of)
    parts = [f"截至{day}，{scope}共有{stats.tasks.total}项整改任务、{stats.measures.total}项具体措施。"]
    clauses = [clause for group in _GROUP_ORDER if (clause := _group_clause(stats, group))]
    if clauses:
        parts.append("据各责任单位报送，其中" + "；".join(clauses) + "。")
    everything, due = stats.completion["all_tasks"], stats.completion["due_by_as_of"]
    check = [
        f"经系统核算，已完成整改任务{everything.numerator}项，占整改任务总数的{_percent(everything)}",
    ]
    if due.denominator:
        check.append(
            f"{chinese_date(stats.due_by or stats.as_of)}前应完成的{due.denominator}项整改任务已完成"
            f"{due.numerator}项，完成率{_percent(due)}"
        )
    check.append(f"逾期未完成{len(stats.overdue)}项")
    check.append(f"未达到序时进度{len(stats.behind)}项")
    parts.append("；".join(check) + "。")
    return "".join(parts)
