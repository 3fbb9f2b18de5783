"""merge_problems: rectified together (合并整改), within one plan, never in a loop."""

from django.core.exceptions import ValidationError

from zhenggai.ledger import actions
from zhenggai.testing import WorldTestCase


class MergeProblemsTestCase(WorldTestCase):
    def test_it_records_the_merge_with_history(self):
        p = self.world.problems
        merged = actions.merge_problems(p["a1"], p["a2"], acting_user=self.world.users["office_A"])
        self.assertEqual(merged.merged_into, p["a2"])
        self.assertEqual(merged.history.latest().history_change_reason, "merge")

    def test_it_refuses_itself_other_plans_and_loops(self):
        p, office = self.world.problems, self.world.users["office_A"]
        actions.merge_problems(p["a1"], p["a2"], acting_user=office)
        actions.merge_problems(p["a2"], p["coll"], acting_user=office)
        cases = [(p["a1"], p["a1"]), (p["a1"], p["b1"]), (p["coll"], p["a1"])]  # the last closes a1→a2→coll→a1
        for problem, into in cases:
            with self.subTest(problem=problem.title, into=into.title), self.assertRaises(ValidationError):
                actions.merge_problems(problem, into, acting_user=office)
        p["coll"].refresh_from_db()
        self.assertIsNone(p["coll"].merged_into_id)
