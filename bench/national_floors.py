"""The raw-SQL floors of the national benchmark: for each page, hand-written SQL that fetches the rows the
page shows (and nothing it only might show), on the same database, with the user's visibility written as
``ledger_list.floor_where`` writes it. A page's time divided by its floor's is the "ratio to the floor".

A floor is deliberately generous to the page: no templates, no Python objects, one round trip per kind
of row. Where a page computes (the dashboard's and the statistics' figures), the floor is the SQL that
reads the same rows and aggregates them in the database.
Import only after django.setup().
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from ledger_list import floor, floor_where


def _rows(sql: str, params: list[Any] | tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def ledger_list(user: Any, offset: int = 0, status: str | None = None):
    """The count and one page of problems with plan, category, parent number and lead units."""
    where, params = floor_where(user)
    if status:
        where, params = f"({where}) AND p.status = %s", [*params, status]
    return floor(where, params, offset)


def problem_detail(problem_id: int) -> list[list[tuple]]:
    """The problem with plan and category, its measures and targets, its assignments with units and
    persons, and its history rows."""
    return [
        _rows(
            "SELECT p.*, pl.title, c.title FROM ledger_problem p JOIN ledger_plan pl ON pl.id = p.plan_id"
            " LEFT JOIN ledger_category c ON c.id = p.category_id WHERE p.id = %s",
            [problem_id],
        ),
        _rows("SELECT * FROM ledger_measure WHERE problem_id = %s ORDER BY position, id", [problem_id]),
        _rows("SELECT * FROM ledger_target WHERE problem_id = %s ORDER BY position, id", [problem_id]),
        _rows(
            "SELECT a.*, u.name FROM ledger_assignment a LEFT JOIN organizations_unit u ON u.id = a.unit_id"
            " WHERE a.problem_id = %s",
            [problem_id],
        ),
        _rows(
            "SELECT * FROM ledger_historicalproblem WHERE id = %s ORDER BY history_date DESC LIMIT 50",
            [problem_id],
        ),
    ]


def todo(user: Any) -> list[list[tuple]]:
    """The user's open problems and their measures, with each item's current report."""
    where, params = floor_where(user)
    open_problems = f"SELECT p.id FROM ledger_problem p WHERE ({where}) AND p.status <> 'signed_off'"
    return [
        _rows(
            "SELECT p.id, p.number_text, p.title, p.due_raw, p.due_date, p.plan_id FROM ledger_problem p"
            f" WHERE p.id IN ({open_problems}) ORDER BY p.plan_id, p.position",
            params,
        ),
        _rows(
            "SELECT m.id, m.problem_id, m.text, m.due_date FROM ledger_measure m"
            f" WHERE m.problem_id IN ({open_problems})",
            params,
        ),
        _rows(
            "SELECT r.problem_id, r.measure_id, r.period_start, r.claimed_status, r.percent"
            f" FROM progress_progressreport r WHERE r.is_current AND r.problem_id IN ({open_problems})",
            params,
        ),
    ]


def dashboard(user: Any) -> list[list[tuple]]:
    """The figures of the office dashboard as aggregates: problems by plan and status, measures by status,
    open warnings by grade, cases by status."""
    where, params = floor_where(user)
    visible = f"SELECT p.id FROM ledger_problem p WHERE {where}"
    return [
        _rows(
            f"SELECT p.plan_id, p.status, COUNT(*) FROM ledger_problem p WHERE p.id IN ({visible})"
            " GROUP BY p.plan_id, p.status",
            params,
        ),
        _rows(
            f"SELECT m.status, COUNT(*) FROM ledger_measure m WHERE m.problem_id IN ({visible}) GROUP BY m.status",
            params,
        ),
        _rows(
            "SELECT w.grade, COUNT(*) FROM progress_warningitem w WHERE w.run_id = (SELECT MAX(id) FROM"
            f" progress_warningrun) AND w.problem_id IN ({visible}) GROUP BY w.grade",
            params,
        ),
    ]


def statistics(user: Any, unit_path: str, as_of: str) -> list[list[tuple]]:
    """The statistics of a jurisdiction as of a date: each visible problem of plans under the unit with its
    status, deadline and category, its measures, and the latest report on or before the date per item."""
    where, params = floor_where(user)
    under = "u.path LIKE %s" if connection.vendor == "postgresql" else "u.path >= %s AND u.path < %s"
    under_params = [unit_path + "%"] if connection.vendor == "postgresql" else [unit_path, unit_path + "~"]
    scope = (
        f"SELECT p.id FROM ledger_problem p JOIN ledger_plan pl ON pl.id = p.plan_id JOIN organizations_unit u"
        f" ON u.id = pl.jurisdiction_id WHERE ({where}) AND {under}"
    )
    scope_params = [*params, *under_params]
    return [
        _rows(
            "SELECT p.id, p.status, p.due_date, p.due_long_term, p.category_id FROM ledger_problem p"
            f" WHERE p.id IN ({scope})",
            scope_params,
        ),
        _rows(
            f"SELECT m.id, m.problem_id, m.status, m.due_date FROM ledger_measure m WHERE m.problem_id IN ({scope})",
            scope_params,
        ),
        _rows(
            "SELECT r.problem_id, r.measure_id, MAX(r.period_end) FROM progress_progressreport r"
            f" WHERE r.period_end <= %s AND r.problem_id IN ({scope}) GROUP BY r.problem_id, r.measure_id",
            [as_of, *scope_params],
        ),
    ]


def portal_home(kinds: list[str]) -> list[list[tuple]]:
    """The count and the first page of live items of the home kinds, newest first."""
    marks = ", ".join(["%s"] * len(kinds))
    live = f"i.withdrawn_at IS NULL AND i.published_at IS NOT NULL AND i.kind IN ({marks})"
    return [
        _rows(f"SELECT COUNT(*) FROM portal_publisheditem i WHERE {live}", kinds),
        _rows(
            f"SELECT i.code, i.kind, i.title, i.published_at FROM portal_publisheditem i WHERE {live}"
            " ORDER BY i.published_at DESC, i.id DESC LIMIT 20",
            kinds,
        ),
    ]


def portal_item(code: str) -> list[list[tuple]]:
    """One published item and its latest version's snapshot."""
    return [
        _rows(
            "SELECT i.*, v.payload FROM portal_publisheditem i JOIN portal_publication v ON v.item_id = i.id"
            " AND v.version = i.current_version WHERE i.code = %s",
            [code],
        )
    ]
