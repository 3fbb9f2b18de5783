"""Plan amendments keep what the plan said before."""

from datetime import date

from django.core.exceptions import ValidationError

from zhenggai.ledger.amendments import ProblemChange, amend_plan
from zhenggai.ledger.models import PlanRevision
from zhenggai.testing import WorldTestCase


class AmendPlanTestCase(WorldTestCase):
    def test_it_records_revision_changes_and_applies_them(self):
        plan, problem = self.world.plans["A"], self.world.problems["a1"]
        revision = amend_plan(
            plan,
            acting_user=self.world.users["office_A"],
            doc_number="甲办字〔2026〕9号",
            issue_date=date(2026, 3, 1),
            review_reference="省整改函〔2026〕2号",
            changes=[ProblemChange(problem, "deadline", "2027年年底前", opinion="时限与省级方案不一致")],
        )
        self.assertEqual(revision.number, 1)
        change = revision.changes.get()
        self.assertEqual((change.before, change.after), ("2026年12月31日前", "2027年年底前"))
        self.assertEqual(change.opinion, "时限与省级方案不一致")
        problem.refresh_from_db()
        self.assertEqual(str(problem.due_date), "2027-12-31")
        plan.refresh_from_db()
        self.assertEqual(plan.current_revision, 1)
        self.assertEqual(problem.history.latest().history_change_reason, "amendment 1")

    def test_a_change_to_another_plans_problem_rolls_everything_back(self):
        with self.assertRaises(ValidationError):
            amend_plan(
                self.world.plans["A"],
                acting_user=self.world.users["office_A"],
                changes=[
                    ProblemChange(self.world.problems["a1"], "title", "新"),
                    ProblemChange(self.world.problems["b1"], "title", "新"),
                ],
            )
        self.assertFalse(PlanRevision.objects.exists())
        self.world.problems["a1"].refresh_from_db()
        self.assertEqual(self.world.problems["a1"].title, "问题a1")

    def test_changed_fields_are_labelled_for_readers(self):
        revision = amend_plan(
            self.world.plans["A"],
            acting_user=self.world.users["office_A"],
            changes=[
                ProblemChange(self.world.problems["a1"], "deadline", "2027年年底前"),
                ProblemChange(self.world.problems["a1"], "cause", "原因"),
            ],
        )
        from django.utils import translation

        with translation.override("zh-hans"):
            self.assertEqual([c.field_label for c in revision.changes.order_by("pk")], ["整改时限", "原因分析"])
