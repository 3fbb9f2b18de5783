"""add_measure, update_measure, delete_measure, add_target."""

from django.core.exceptions import ValidationError

from zhenggai.ledger import actions
from zhenggai.ledger.models import Measure
from zhenggai.testing import WorldTestCase


class MeasureActionsTestCase(WorldTestCase):
    def setUp(self):
        self.system = self.world.users["system"]
        self.a1 = self.world.problems["a1"]

    def test_add_measure_parses_its_deadline_and_numbers_positions(self):
        first = actions.add_measure(self.a1, acting_user=self.system, text="甲", deadline="每季度")
        second = actions.add_measure(self.a1, acting_user=self.system, text="乙", deadline="2027年6月底前")
        self.assertEqual(first.due_recurrence, "quarterly")
        self.assertEqual((str(second.due_date), second.due_precision), ("2027-06-30", "month"))
        self.assertEqual(second.position, first.position + 1)

    def test_update_measure_changes_fields_and_refuses_bad_input(self):
        measure = self.a1.measures.get()
        target = self.a1.targets.get()
        updated = actions.update_measure(
            measure, acting_user=self.system, changes={"text": "新措施", "status": "completed", "target": target}
        )
        self.assertEqual((updated.text, updated.status, updated.target), ("新措施", "completed", target))
        other_target = actions.add_target(self.world.problems["b1"], acting_user=self.system, text="乙市目标")
        for changes in (
            {"target": other_target},
            {"status": "done"},
            {"text": ""},
            {"problem": self.world.problems["b1"]},
        ):
            with self.subTest(changes=changes), self.assertRaises(ValidationError):
                actions.update_measure(measure, acting_user=self.system, changes=changes)
        measure.refresh_from_db()
        self.assertEqual((measure.text, measure.problem_id), ("新措施", self.a1.pk))

    def test_delete_measure_leaves_a_deletion_in_the_history(self):
        measure = self.a1.measures.get()
        pk = measure.pk
        actions.delete_measure(measure, acting_user=self.world.users["office_A"])
        self.assertFalse(Measure.objects.filter(pk=pk).exists())
        deleted = Measure.history.filter(id=pk, history_type="-").get()
        self.assertEqual(
            (deleted.history_user, deleted.history_change_reason), (self.world.users["office_A"], "delete")
        )

    def test_a_target_or_measure_needs_text_and_its_own_problems_target(self):
        with self.assertRaises(ValidationError):
            actions.add_target(self.a1, acting_user=self.system, text=" ")
        other_target = actions.add_target(self.world.problems["b1"], acting_user=self.system, text="乙市目标")
        with self.assertRaises(ValidationError):
            actions.add_measure(self.a1, acting_user=self.system, text="措施", target=other_target)
