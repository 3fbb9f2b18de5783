"""create_plan, set_plan_status, add_category."""

from django.core.exceptions import ValidationError

from zhenggai.ledger import actions
from zhenggai.testing import WorldTestCase


class PlanActionsTestCase(WorldTestCase):
    def test_status_changes_are_recorded(self):
        plan = actions.set_plan_status(self.world.plans["A"], "published", acting_user=self.world.users["office_A"])
        self.assertEqual(plan.status, "published")
        row = plan.history.latest()
        self.assertEqual(
            (row.history_user, row.history_change_reason), (self.world.users["office_A"], "status published")
        )
        with self.assertRaises(ValidationError):
            actions.set_plan_status(plan, "archived", acting_user=self.world.users["office_A"])

    def test_a_plan_needs_a_title_and_a_valid_level(self):
        inspection = self.world.plans["A"].inspection
        for title, level in (("", "city"), ("方案", "galaxy")):
            with self.subTest(title=title, level=level), self.assertRaises(ValidationError):
                actions.create_plan(
                    acting_user=self.world.users["system"],
                    inspection=inspection,
                    title=title,
                    jurisdiction=self.world.units["A"],
                    level=level,
                )

    def test_categories_are_numbered_in_order(self):
        system = self.world.users["system"]
        first = actions.add_category(self.world.plans["A"], acting_user=system, title="例行督察", declared_count=9)
        second = actions.add_category(self.world.plans["A"], acting_user=system, title="专项督察", number_text="二、")
        self.assertEqual((first.position, second.position, first.declared_count), (1, 2, 9))
