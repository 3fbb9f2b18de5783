"""Progress reports of the synthetic ledger: every measure reported each period of its plan's cadence.

From the day the system went live (``go_live``: chosen so that the periods add up to the scale's report
count) until a measure is done — or until the as-of date — its lead unit's user reports once per period,
inside the reporting window (a few late): narrative, percent on or behind the time-proportional line
(``core.schedule.expected_share`` from the plan's start), now and then a quantitative indicator; the
completion report claims 100 % with its evidence files. About 4 % of periods go unreported and 3 % of the
open measures stop reporting (the warning job has work); 1.5 % of reports are corrected by a new version,
the old one losing ``is_current``, so exactly one report per measure and period is current.

Evidence files are a small pool written once to the evidence storage and shared by reference (a
correction does the same), so acceptance signatures can hash real bytes. Which files a completion
report carries, and when it was submitted, are pure functions of the measure (``completion_report``):
the acceptance plan needs them before anything is written.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from zhenggai.core.schedule import Period, expected_share, periods_between
from zhenggai.progress.models import Evidence, Indicator, PlanSchedule, ProgressReport
from zhenggai.synthetic import themes
from zhenggai.synthetic.dates import local
from zhenggai.synthetic.ledger import Ledger, MeasureRec
from zhenggai.synthetic.users import Users
from zhenggai.synthetic.writer import Loader

__all__ = ["Calendar", "EvidenceFile", "completion_report", "evidence_pool", "go_live", "write_progress"]

SKIP, STOP, CORRECT, INDICATOR = 0.04, 0.03, 0.015, 0.05
POOL_SIZE = 24


@dataclass(frozen=True)
class EvidenceFile:
    path: str
    name: str
    size: int
    sha256: str


def evidence_pool(*, write: bool) -> list[EvidenceFile]:
    """The shared evidence files (small real PDFs), written to the evidence storage when ``write``."""
    storage = storages["evidence"]
    pool = []
    for n in range(1, POOL_SIZE + 1):
        title = f"整改完成情况佐证材料{n:02d}"
        body = f"%PDF-1.4\n% {title} (synthetic)\n1 0 obj << /Type /Catalog >> endobj\n"
        data = (body + "trailer << /Root 1 0 R >>\n%%EOF\n").encode()
        path = f"evidence/synthetic/{title}.pdf"
        if write:
            if storage.exists(path):
                storage.delete(path)  # same name, same bytes: replace rather than get a renamed copy
            storage.save(path, ContentFile(data))
        pool.append(EvidenceFile(path, f"{title}.pdf", len(data), hashlib.sha256(data).hexdigest()))
    return pool


class Calendar:
    """The reporting periods of both cadences from the earliest plan to the as-of date, by index."""

    def __init__(self, first: date, as_of: date) -> None:
        self.as_of = as_of
        self.periods: dict[str, list[Period]] = {}
        self.base: dict[str, int] = {}
        self.last: dict[str, int] = {}
        for cadence in ("monthly", "quarterly"):
            periods = periods_between(cadence, first, as_of + timedelta(days=100))
            self.periods[cadence] = periods
            self.base[cadence] = self._raw(cadence, periods[0].start)
            # The latest period whose reporting window has opened by the as-of date.
            self.last[cadence] = max(i for i, p in enumerate(periods) if p.window_open <= as_of)

    @staticmethod
    def _raw(cadence: str, d: date) -> int:
        return d.year * 12 + d.month - 1 if cadence == "monthly" else d.year * 4 + (d.month - 1) // 3

    def index(self, cadence: str, d: date) -> int:
        return self._raw(cadence, d) - self.base[cadence]

    def span(self, m: MeasureRec, live: date) -> tuple[int, int]:
        """First and last period index a measure is reported in (first > last: none)."""
        cadence = m.problem.plan.inspection.round.cadence
        first = self.index(cadence, max(m.start, live))
        last = self.last[cadence]
        if m.done is not None:
            last = min(last, self.index(cadence, m.done))
        return first, last


def go_live(ledger: Ledger, calendar: Calendar, target: int) -> date:
    """The first day of the month the system went live: the latest one from which the reporting periods
    still add up to ``target`` reports (allowing for skipped periods and corrections)."""
    measures = list(ledger.measures())
    if not measures or target <= 0:
        return ledger.as_of
    factor = (1 - SKIP - STOP / 2) * (1 + CORRECT)
    first = min(m.start for m in measures).replace(day=1)
    months = [
        date(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, 1)
        for k in range((ledger.as_of.year - first.year) * 12 + ledger.as_of.month - first.month + 1)
    ]

    def count(live: date) -> float:
        return factor * sum(max(0, b - a + 1) for a, b in (calendar.span(m, live) for m in measures))

    lo, hi = 0, len(months) - 1  # count() falls as the month moves later
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count(months[mid]) >= target:
            lo = mid
        else:
            hi = mid - 1
    return months[lo]


def completion_report(m: MeasureRec, calendar: Calendar, live: date, pool: list[EvidenceFile]):
    """(the day the completion report was submitted, its evidence files), or None when the system holds no
    completion report of the measure (not done yet, done before go-live, or not yet reported)."""
    if m.done is None:
        return None
    cadence = m.problem.plan.inspection.round.cadence
    first, last = calendar.span(m, live)
    index = calendar.index(cadence, m.done)
    if index < first or index > last:
        return None
    period = calendar.periods[cadence][index]
    day = max(m.done, period.window_open) + timedelta(days=m.pk % 5)
    if day > calendar.as_of:
        return None
    if m.pk % 50 == 0:
        return day, []  # completion claimed without evidence (the warning job flags it)
    files = [pool[m.pk % len(pool)]]
    if m.pk % 3 == 0:
        files.append(pool[(m.pk * 7 + 3) % len(pool)])
    return day, files


def _moment(day: date, salt: int) -> datetime:
    return local(day, 9 + salt % 9, salt % 60)


def write_schedules(loader: Loader, ledger: Ledger) -> None:
    table = loader.table(PlanSchedule)
    for plan in ledger.plans:
        cadence = plan.inspection.round.cadence
        table.add({"plan_id": plan.pk, "cadence": cadence, "starts_on": plan.issue, "thresholds": {}})


def write_progress(
    loader: Loader, ledger: Ledger, users: Users, calendar: Calendar, live: date, pool, rng: random.Random
) -> int:
    """Queue every report (with indicators and evidence); returns how many reports."""
    write_schedules(loader, ledger)
    reports, indicators, evidence = (loader.table(m) for m in (ProgressReport, Indicator, Evidence))
    writer = _Writer(reports, indicators, evidence, users, calendar, live, pool, rng)
    for measure in ledger.measures():
        writer.measure(measure)
    return writer.count


class _Writer:
    def __init__(self, reports, indicators, evidence, users, calendar, live, pool, rng) -> None:
        self.reports, self.indicators, self.evidence = reports, indicators, evidence
        self.users, self.calendar, self.live, self.pool, self.rng = users, calendar, live, pool, rng
        self.count = 0

    def measure(self, m: MeasureRec) -> None:
        rng, calendar = self.rng, self.calendar
        first, last = calendar.span(m, self.live)
        if first > last:
            return
        cadence = m.problem.plan.inspection.round.cadence
        periods = calendar.periods[cadence]
        done = completion_report(m, calendar, self.live, self.pool)
        done_index = calendar.index(cadence, m.done) if done else None
        stop = rng.randint(first, last) if m.done is None and rng.random() < STOP else last
        reporter = self.users.unit[m.reporter_unit]
        indicator = themes.THEMES[m.problem.theme].indicator
        target = Decimal(rng.randint(indicator[2], indicator[3]))
        percent = Decimal(0)
        for index in range(first, min(last, stop) + 1):
            period = periods[index]
            if index == done_index:
                self._report(m, period, reporter, Decimal(100), "completed", done[0], files=done[1])
                return
            if rng.random() < SKIP:
                continue
            day = period.window_open + timedelta(days=rng.randint(0, 10))
            if rng.random() < 0.05:
                day = period.window_close + timedelta(days=rng.randint(1, 10))  # late
            if day > calendar.as_of:
                continue  # this period's report is not in yet
            percent = self._percent(m, period, percent)
            claimed = "in_progress"
            if done_index is not None and index == done_index - 1 and rng.random() < 0.3:
                claimed = "basically_completed"
            shown = None if m.due is None else percent
            pk = self._report(m, period, reporter, shown, claimed, day)
            if shown is not None and rng.random() < INDICATOR:
                achieved = (target * shown / 100).quantize(Decimal("0.01"))
                self.indicators.add(
                    {"report_id": pk, "position": 0, "name": indicator[0], "unit": indicator[1], "target": target}
                    | {"achieved": achieved, "note": ""}
                )

    def _percent(self, m: MeasureRec, period: Period, before: Decimal) -> Decimal:
        if m.due is None:
            return before
        line = expected_share(m.problem.plan.issue, m.due, period.end) * 100
        value = line * (1 - min(0.8, m.lag)) + self.rng.uniform(-5, 5)
        return max(before, Decimal(int(min(95, max(0, value)))))

    def _report(self, m, period, reporter, percent, claimed, day, files=()) -> int:
        rng = self.rng
        label = period.label
        if claimed == "completed":
            narrative = themes.NARRATIVE_DONE.format(label=label)
        elif claimed == "basically_completed":
            narrative = themes.NARRATIVE_FINISHING.format(label=label)
        elif m.due is None:
            narrative = rng.choice(themes.NARRATIVE_LONG_TERM).format(label=label)
        elif percent is not None and percent < 10:
            narrative = rng.choice(themes.NARRATIVE_START).format(label=label)
        else:
            pool = themes.NARRATIVE_BEHIND if m.lag > 0.1 else themes.NARRATIVE_ONGOING
            narrative = rng.choice(pool).format(label=label, percent=percent)
        row = {
            "problem_id": m.problem.pk,
            "measure_id": m.pk,
            "unit_id": m.reporter_unit,
            "period_start": period.start,
            "period_end": period.end,
            "narrative": narrative,
            "percent": percent,
            "milestones": "",
            "claimed_status": claimed,
            "reporter_id": reporter,
            "submitted_at": _moment(day, m.pk + period.start.month),
            "version": 1,
            "supersedes_id": None,
            "correction_reason": "",
            "is_current": True,
        }
        corrected = claimed != "completed" and rng.random() < CORRECT
        fixed_on = day + timedelta(days=rng.randint(1, 5))
        if corrected and fixed_on <= self.calendar.as_of:
            row["is_current"] = False
            first = self.reports.add(row)
            row = row | {"version": 2, "supersedes_id": first, "is_current": True, "id": None}
            row["correction_reason"] = rng.choice(themes.CORRECTION_REASONS)
            row["submitted_at"] = _moment(fixed_on, m.pk)
            del row["id"]
            self.count += 1
        pk = self.reports.add(row)
        self.count += 1
        for file in files:
            self.evidence.add(
                {
                    "report_id": pk,
                    "file": file.path,
                    "original_name": file.name,
                    "content_type": "application/pdf",
                    "size": file.size,
                    "sha256": file.sha256,
                    "uploaded_by_id": reporter,
                    "uploaded_at": row["submitted_at"],
                }
            )
        return pk
