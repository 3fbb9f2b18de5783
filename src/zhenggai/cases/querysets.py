"""Who sees and who may change complaint cases: the project's one visibility rule, applied to cases.

Built on ``zhenggai.accounts.scope`` and ``ledger.querysets.units_under`` (an indexed tree-path
prefix), as every other ``visible_to``:

* administrators see everything;
* an office or reviewer sees the cases of batches handed over to its jurisdiction's subtree, the
  cases whose region is in it, and the cases assigned to a unit in it (the city office sees its
  districts' cases of a batch the province received);
* a unit user sees the cases assigned to its unit, the units it succeeded and its collectives.

Each rule is a UNION of indexed lookups turned into one ``pk IN (…)`` semi-join (an OR across joins
made PostgreSQL hash every row, see ``ledger.querysets.problems_held_under``).

The overdue rule (逾期未办结) lives here too, as a filter (``CaseQuerySet.overdue``) and for loaded rows
(``is_overdue``), so the statistics, the dashboard and the case list count the same cases.
"""

from __future__ import annotations

import json
from datetime import date

from django.apps import apps
from django.db import connection, models
from django.db.models.expressions import RawSQL

from zhenggai.accounts.choices import Role
from zhenggai.accounts.scope import ALL, NOTHING, SUBTREE, UNITS, scope_for
from zhenggai.cases.choices import CaseStatus
from zhenggai.ledger.querysets import units_under

# 逾期未办结 (overdue): the due date has passed and the case is still 正在办理. Only that status counts:
# a case 阶段性办结 (closed for this stage) has been reported back within its time limit — the unit
# answered, and what remains is longer-term rectification on its own timetable, which the central teams
# count as handled during their stay — so it is not a late answer; 已办结 and 已验收销号 are closed.
OVERDUE_STATUSES = (CaseStatus.IN_PROGRESS,)


def overdue_condition(today: date) -> models.Q:
    """The overdue rule as a filter: due before ``today`` (a case due today is on time until the day is
    over) and still in progress. ``CaseQuerySet.overdue`` and any aggregate share it."""
    return models.Q(due_date__lt=today, status__in=OVERDUE_STATUSES)


def is_overdue(status: str, due_date: date | None, today: date) -> bool:
    """The same rule for a row already loaded (``cases.stats`` counts loaded rows)."""
    return status in OVERDUE_STATUSES and due_date is not None and due_date < today


def _model(name: str):
    return apps.get_model("cases", name)


def _subtree_case_ids(path: str):
    cases = _model("Case").objects
    units = units_under(path)
    return (
        cases.filter(batch__jurisdiction_id__in=units)
        .values("pk")
        .union(
            cases.filter(region_id__in=units).values("pk"),
            _model("CaseAssignment").objects.filter(unit_id__in=units).values("case_id"),
        )
    )


def _in_ids(column: str, ids: list[int]) -> tuple[str, list]:
    """``column`` in ``ids`` as one parameter however many ids (an array on PostgreSQL, a JSON list on
    SQLite): a subtree can hold tens of thousands of units, more than either database takes as separate
    parameters."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [ids]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]


def subtree_case_ids(path: str) -> list[int]:
    """The ids of the cases an office at ``path`` sees (``CaseQuerySet.visible_to``'s subtree rule), read in
    two steps: the subtree's unit ids, then the three branches against that list. Given the list, the
    database probes the batch, region and assignment indexes; given the units as a subquery, PostgreSQL
    hash-joined the whole case table for the region branch (bench/RESULTS.md). Two queries. Raw SQL
    rather than the ORM's union with the list as ``IN (SELECT unnest(...))``: PostgreSQL plans that form
    as a hash join again (143 ms against 33, national province)."""
    units = list(units_under(path).values_list("pk", flat=True))
    if not units:
        return []
    case, batch = _model("Case")._meta.db_table, _model("CaseBatch")._meta.db_table
    assignment = _model("CaseAssignment")._meta.db_table
    by_batch, p1 = _in_ids("b.jurisdiction_id", units)
    by_region, p2 = _in_ids("c.region_id", units)
    by_unit, p3 = _in_ids("a.unit_id", units)
    sql = (
        f"SELECT c.id FROM {case} c JOIN {batch} b ON b.id = c.batch_id WHERE {by_batch}"
        f" UNION SELECT c.id FROM {case} c WHERE {by_region}"
        f" UNION SELECT a.case_id FROM {assignment} a WHERE {by_unit}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*p1, *p2, *p3])
        return [row[0] for row in cursor.fetchall()]


def _assigned_case_ids(unit_ids):
    return _model("CaseAssignment").objects.filter(unit_id__in=unit_ids).values("case_id")


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> CaseQuerySet:
        scope = scope_for(user)
        if scope.kind == ALL:
            return self
        if scope.kind == SUBTREE:
            return self.filter(pk__in=_subtree_case_ids(scope.root_path))
        if scope.kind == UNITS:
            return self.filter(pk__in=_assigned_case_ids(scope.unit_ids))
        return self.none()

    def for_counting(self, user) -> CaseQuerySet:
        """``visible_to(user)`` for an aggregate over many cases (the dashboard's counts): an office's cases
        selected by their ids (``subtree_case_ids``, two queries first) instead of by the rule as a
        subquery, which made PostgreSQL read the case table twice (110–165 ms a province, national data;
        about 25 ms this way). The same rows as ``visible_to``."""
        scope = scope_for(user)
        if scope.kind != SUBTREE:
            return self.visible_to(user)
        column = f"{self.model._meta.db_table}.id"
        condition, params = _in_ids(column, subtree_case_ids(scope.root_path))
        return self.filter(RawSQL(condition, params, output_field=models.BooleanField()))

    def overdue(self, today: date) -> CaseQuerySet:
        """Cases overdue on ``today`` (逾期未办结, see ``overdue_condition``); pass ``timezone.localdate()``
        for the figure of the day."""
        return self.filter(overdue_condition(today))

    def with_pollution_type(self, code: str) -> CaseQuerySet:
        """Cases whose ``pollution_types`` list holds ``code``: the quoted code in the JSON text (the codes
        are distinct words, none inside another, so a text match is exact)."""
        return self.filter(pollution_types__icontains=f'"{code}"')

    def handleable_by(self, user) -> CaseQuerySet:
        """Who may record handling (findings, status, measures, penalties): an office over the case (as
        it sees it) or a responsible-unit user of an assigned unit. Reviewers and supervisors read only."""
        scope = scope_for(user)
        if scope.kind == ALL:
            return self
        if scope.kind == SUBTREE and scope.role == Role.OFFICE:
            return self.visible_to(user)
        if scope.kind == UNITS and scope.role == Role.UNIT:
            return self.filter(pk__in=_assigned_case_ids(scope.unit_ids))
        return self.none()

    def with_under_acceptance(self) -> CaseQuerySet:
        """Annotate ``under_acceptance``: an acceptance request on the case is in review or in 公示 (the rule
        of ``actions.under_acceptance``), as a correlated EXISTS in the rows' own query, so a page that
        hides its forms then needs no query of its own."""
        from zhenggai.acceptance.choices import OPEN_REQUEST_STATUSES

        open_requests = apps.get_model("acceptance", "AcceptanceRequest").objects.filter(
            case=models.OuterRef("pk"), status__in=OPEN_REQUEST_STATUSES
        )
        return self.annotate(under_acceptance=models.Exists(open_requests))


class CaseBatchQuerySet(models.QuerySet):
    def visible_to(self, user) -> CaseBatchQuerySet:
        """Batches handed over to the office's subtree, and batches holding a case the user sees."""
        scope = scope_for(user)
        if scope.kind == ALL:
            return self
        if scope.kind == NOTHING:
            return self.none()
        held = _model("Case").objects.visible_to(user).values("batch_id")
        if scope.kind == SUBTREE:
            return self.filter(models.Q(jurisdiction_id__in=units_under(scope.root_path)) | models.Q(pk__in=held))
        return self.filter(pk__in=held)

    def manageable_by(self, user) -> CaseBatchQuerySet:
        """Import, export in full, publish: the office of the batch's jurisdiction or above."""
        scope = scope_for(user)
        if scope.kind == ALL:
            return self
        if scope.kind == SUBTREE and scope.role == Role.OFFICE:
            return self.filter(jurisdiction_id__in=units_under(scope.root_path))
        return self.none()


class CaseAssignmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> CaseAssignmentQuerySet:
        scope = scope_for(user)
        if scope.kind == ALL:
            return self
        return self.filter(case__in=_model("Case").objects.visible_to(user).values("pk"))
