"""The update_problem action: history, validation, optimistic locking, and the race on PostgreSQL."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TransactionTestCase

from zhenggai.core.errors import ConflictError
from zhenggai.ledger import actions
from zhenggai.ledger.models import Problem
from zhenggai.testing import WorldTestCase, build_world


class UpdateProblemTestCase(WorldTestCase):
    def test_it_applies_changes_bumps_version_and_writes_history(self):
        problem = self.world.problems["a2"]
        office = self.world.users["office_A"]
        before = problem.history.count()
        updated = actions.update_problem(
            problem, acting_user=office, expected_version=problem.version, changes={"cause": "监管不到位"}
        )
        self.assertEqual(updated.version, problem.version + 1)
        self.assertEqual(problem.history.count(), before + 1)
        row = problem.history.latest()
        self.assertEqual((row.history_user, row.history_change_reason, row.cause), (office, "edit", "监管不到位"))
        delta = row.diff_against(row.prev_record)
        self.assertEqual(
            [(c.field, c.old, c.new) for c in delta.changes if c.field == "cause"], [("cause", "", "监管不到位")]
        )

    def test_a_stale_version_is_refused_and_nothing_changes(self):
        problem = self.world.problems["a2"]
        with self.assertRaises(ConflictError) as caught:
            actions.update_problem(
                problem, acting_user=self.world.users["office_A"], expected_version=1, changes={"title": "改"}
            )
        self.assertEqual(caught.exception.current_version, 2)
        problem.refresh_from_db()
        self.assertEqual(problem.title, "问题a2")

    def test_invalid_input_leaves_nothing_half_saved(self):
        problem = self.world.problems["a2"]
        for changes in ({"title": "新标题", "status": "nonsense"}, {"version": 5}, {"title": "  "}):
            with self.subTest(changes=changes), self.assertRaises(ValidationError):
                actions.update_problem(
                    problem, acting_user=self.world.users["office_A"], expected_version=2, changes=changes
                )
        problem.refresh_from_db()
        self.assertEqual((problem.title, problem.version), ("问题a2", 2))

    def test_sign_off_is_not_an_edit_and_a_signed_off_problem_is_frozen(self):
        office = self.world.users["office_A"]
        open_problem, done = self.world.problems["a2"], self.world.problems["land_done"]
        with self.assertRaises(ValidationError):
            actions.update_problem(
                open_problem, acting_user=office, expected_version=2, changes={"status": "signed_off"}
            )
        with self.assertRaises(ValidationError):
            actions.update_problem(done, acting_user=office, expected_version=2, changes={"cause": "补充"})
        done.refresh_from_db()
        self.assertEqual((done.status, done.cause, done.version), ("signed_off", "", 2))

    def test_category_of_another_plan_is_refused(self):
        other = actions.add_category(self.world.plans["B"], acting_user=self.world.users["system"], title="专项")
        with self.assertRaises(ValidationError):
            actions.update_problem(
                self.world.problems["a2"],
                acting_user=self.world.users["office_A"],
                expected_version=2,
                changes={"category": other},
            )


@pytest.mark.postgres_only
class ConcurrentUpdateTestCase(TransactionTestCase):
    """Two editors save the same problem at the same moment: one wins, the other gets a conflict."""

    def setUp(self):
        if connection.vendor != "postgresql":
            self.skipTest("row locks are only meaningful on PostgreSQL; SQLite serialises writers")
        self.world = build_world()

    def test_only_one_of_two_simultaneous_saves_wins(self):
        problem = self.world.problems["a1"]
        office = self.world.users["office_A"]
        barrier = threading.Barrier(2)
        outcomes = []

        def save(title):
            from django.db import connections

            try:
                barrier.wait()
                actions.update_problem(problem, acting_user=office, expected_version=2, changes={"title": title})
                outcomes.append("saved")
            except ConflictError:
                outcomes.append("conflict")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=save, args=(t,)) for t in ("甲", "乙")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(outcomes), ["conflict", "saved"])
        problem.refresh_from_db()
        self.assertEqual(problem.version, 3)
        self.assertIn(problem.title, {"甲", "乙"})
        self.assertEqual(Problem.history.filter(id=problem.pk, history_change_reason="edit").count(), 2)
