"""The one visibility rule per model, for every persona."""

from django.contrib.auth.models import AnonymousUser

from zhenggai.ledger.models import Assignment, Inspection, Measure, Plan, Problem, Target
from zhenggai.testing import WorldTestCase

ALL = {"a1", "a1dept", "a2", "coll", "land_open", "land_done", "b1"}
CITY_A = ALL - {"b1"}
EXPECTED = {
    "system": ALL,
    "office_P": ALL,  # the province office sees both cities
    "office_A": CITY_A,  # city A's office does not see city B
    "office_B": {"b1"},
    "reviewer_A": CITY_A,
    # a county unit sees its own tasks and those of the collective it belongs to,
    # not the other county's, not its own departments' (they are units of their own)
    "unit_A1": {"a1", "coll"},
    "unit_A2": {"a2", "coll"},
    "unit_B1": {"b1"},
    # the successor holds the open task it inherited and sees the closed one of its predecessor
    "unit_Anat": {"land_open", "land_done"},
    # a supervising unit sees what it supervises and nothing else
    "supervisor_Aeco": {"a1"},
    "no_unit": set(),
}


class ProblemVisibilityTestCase(WorldTestCase):
    def visible_keys(self, user) -> set[str]:
        ids = set(Problem.objects.visible_to(user).values_list("pk", flat=True))
        return {key for key, problem in self.world.problems.items() if problem.pk in ids}

    def test_every_persona_sees_exactly_its_problems(self):
        for persona, expected in EXPECTED.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.visible_keys(self.world.users[persona]), expected)

    def test_anonymous_and_inactive_users_see_nothing(self):
        self.assertFalse(Problem.objects.visible_to(AnonymousUser()).exists())
        office = self.world.users["office_A"]
        office.is_active = False
        self.assertFalse(Problem.objects.visible_to(office).exists())

    def test_only_offices_and_administrators_may_edit(self):
        for persona in EXPECTED:
            user = self.world.users[persona]
            editable = Problem.objects.editable_by(user)
            with self.subTest(persona=persona):
                if persona in {"system", "office_P", "office_A", "office_B"}:
                    self.assertEqual(set(editable), set(Problem.objects.visible_to(user)))
                else:
                    self.assertFalse(editable.exists())

    def test_aspect_makes_its_parent_visible(self):
        from zhenggai.ledger import actions

        system = self.world.users["system"]
        parent = actions.create_problem(self.world.plans["A"], acting_user=system, title="分两个方面的问题")
        child = actions.create_problem(self.world.plans["A"], acting_user=system, title="方面一", parent=parent)
        actions.assign(child, "lead", unit=self.world.units["A2"], acting_user=system)
        visible = set(Problem.objects.visible_to(self.world.users["unit_A2"]))
        self.assertIn(child, visible)
        self.assertIn(parent, visible)
        self.assertNotIn(parent, set(Problem.objects.visible_to(self.world.users["unit_A1"])))


class RelatedVisibilityTestCase(WorldTestCase):
    def test_children_follow_their_problem(self):
        a1 = self.world.problems["a1"]
        for model in (Measure, Target, Assignment):
            with self.subTest(model=model.__name__):
                self.assertTrue(model.objects.visible_to(self.world.users["unit_A1"]).filter(problem=a1).exists())
                self.assertFalse(model.objects.visible_to(self.world.users["unit_A2"]).filter(problem=a1).exists())
                self.assertFalse(model.objects.visible_to(self.world.users["office_B"]).filter(problem=a1).exists())

    def test_plans_and_inspections(self):
        plan_a, plan_b = self.world.plans["A"], self.world.plans["B"]
        self.assertEqual(set(Plan.objects.visible_to(self.world.users["unit_A1"])), {plan_a})
        self.assertEqual(set(Plan.objects.visible_to(self.world.users["office_B"])), {plan_b})
        self.assertEqual(set(Plan.objects.visible_to(self.world.users["office_P"])), {plan_a, plan_b})
        self.assertFalse(Plan.objects.visible_to(self.world.users["no_unit"]).exists())
        self.assertTrue(Inspection.objects.visible_to(self.world.users["unit_B1"]).exists())
        self.assertFalse(Inspection.objects.visible_to(self.world.users["no_unit"]).exists())
