"""A progress report's figures (整改进度, 整改进展) recorded as progress reports of the ledger.

003 is what a province sends upward: for every task its 整改进度 ("全面完成，长期坚持", "基本完成",
"序时推进", "取得阶段性成效") and for every measure its 整改进展 (a narrative). Imported, each becomes a
``ProgressReport`` through ``progress.actions.submit_report`` — so the statistics, the warnings and the
periodic report read them like any report a unit files:

* the task: a report on the problem as a whole, narrative = the 整改进度 as written, claimed status from
  ``importer.reports.progress_claim`` (全面完成 → completed, 基本完成/正在收尾 → basically completed,
  尚未启动 → not started, anything else → in progress);
* each measure with a 整改进展: a report on that measure, narrative = the 整改进展; the attachment gives
  no status per measure, so a measure carries its task's claimed status;
* no percent is invented: the document gives none, so the time-proportional pace of an open item is
  judged without one (see ``core.schedule``);
* period: the month of the report's as-of date (``截至2019年3月`` → 2019-03-01 … 2019-03-31), submitted at
  noon of that day, so ``ledger_state`` on that date sees it and a day before does not.

Into an existing plan, problems are matched by number (一、… → 1; merged problems left out) and measures
by their order within the problem; a report naming a problem the plan lacks or naming one twice, a plan
with two problems of one number, or more measures than the plan has for a problem: refused as a whole,
every mismatch named (nothing is recorded).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenggai.importer.model import ParsedDocument, ParsedProblem
from zhenggai.importer.reports import progress_claim
from zhenggai.ledger.models import Measure, Plan, Problem
from zhenggai.progress.actions import ReportInput, submit_report

if TYPE_CHECKING:
    from zhenggai.accounts.models import User

__all__ = ["match_report", "record_report_progress", "report_as_of"]


def report_as_of(parsed: ParsedDocument, given: date | None = None) -> date:
    """The date a report speaks of: the one given, else the document's 截至…, else its date, else today."""
    for value in (given, parsed.document.as_of, parsed.document.date):
        if isinstance(value, date):
            return value
        if value:
            try:
                return date.fromisoformat(value)
            except ValueError:
                continue
    return timezone.localdate()


def match_report(plan: Plan, parsed: ParsedDocument) -> dict[int, tuple[Problem, list[Measure]]]:
    """The plan's problems (with their measures in order) for the report's problem numbers; refused with
    every mismatch named when the report does not fit the plan."""
    numbers = [item.number for item in parsed.problems]
    errors = [
        _("the report names problem %(number)s twice") % {"number": number}
        for number, times in Counter(n for n in numbers if n).items()
        if times > 1
    ]
    candidates = plan.problems.filter(parent=None, merged_into__isnull=True, number__in=[n for n in numbers if n])
    problems: dict[int, Problem] = {}
    for problem in candidates.order_by("position", "pk"):
        if problem.number in problems:
            errors.append(_("the plan has two problems numbered %(number)s") % {"number": problem.number})
        problems[problem.number] = problem
    measures: dict[int, list[Measure]] = {}
    for measure in Measure.objects.filter(problem__in=problems.values()).order_by("problem_id", "position", "pk"):
        measures.setdefault(measure.problem_id, []).append(measure)
    matched = {}
    for item in parsed.problems:
        problem = problems.get(item.number)
        if problem is None:
            errors.append(_("problem %(label)s is not in this plan") % {"label": item.number_text or item.number})
            continue
        have = measures.get(problem.pk, [])
        if len(item.measures) > len(have):
            errors.append(
                _("problem %(label)s: the report has %(n)d measures, the plan %(m)d")
                % {"label": item.number_text, "n": len(item.measures), "m": len(have)}
            )
            continue
        matched[item.number] = (problem, have)
    if errors:
        raise ValidationError(_("The report does not fit the plan: %(errors)s") % {"errors": "；".join(errors)})
    return matched


def _period(as_of: date) -> tuple[date, date, datetime]:
    return as_of.replace(day=1), as_of, timezone.make_aware(datetime.combine(as_of, time(12)))


def record_report_progress(
    parsed: ParsedDocument,
    matched: dict[int, tuple[Problem, list[Measure]]],
    *,
    acting_user: User,
    as_of: date,
) -> int:
    """Submit the report's 整改进度 and 整改进展 as progress reports (module docstring); returns how many.
    Runs inside the caller's transaction."""
    start, end, when = _period(as_of)
    count = 0
    for item in parsed.problems:
        if item.number not in matched:
            continue
        problem, measures = matched[item.number]
        claim = progress_claim(item.progress_status or "")
        count += _submit(problem, None, item.progress_status, claim, start, end, when, acting_user)
        for parsed_measure, measure in zip(item.measures, measures, strict=False):
            count += _submit(problem, measure, parsed_measure.progress, claim, start, end, when, acting_user)
    return count


def _submit(problem, measure, text: str | None, claim: str | None, start, end, when, acting_user) -> int:
    if not (text or "").strip():
        return 0
    data = ReportInput(period_start=start, period_end=end, narrative=text, claimed_status=claim or "in_progress")
    submit_report(problem, data, acting_user=acting_user, measure=measure, submitted_at=when)
    return 1


def problems_written(writer_by_number: dict[int, Problem], items: list[ParsedProblem]):
    """For a report imported as a new plan: the problems just written, with their measures in order."""
    measures: dict[int, list[Measure]] = {}
    problems = [writer_by_number[item.number] for item in items if item.number in writer_by_number]
    for measure in Measure.objects.filter(problem__in=problems).order_by("problem_id", "position", "pk"):
        measures.setdefault(measure.problem_id, []).append(measure)
    return {number: (problem, measures.get(problem.pk, [])) for number, problem in writer_by_number.items()}
