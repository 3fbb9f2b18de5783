"""Plan pages: list and detail per persona."""

from django.urls import reverse

from zhenggai.ledger import actions
from zhenggai.testing import WorldTestCase

LIST = reverse("ledger:plan_list")


class PlanListViewTestCase(WorldTestCase):
    def titles(self, persona: str) -> set[str]:
        self.login(persona)
        return {plan.title for plan in self.client.get(LIST).context["plans"]}

    def test_each_persona_sees_its_plans(self):
        self.assertEqual(self.titles("office_P"), {"甲市整改方案", "乙市整改方案"})
        self.assertEqual(self.titles("office_A"), {"甲市整改方案"})
        self.assertEqual(self.titles("unit_B1"), {"乙市整改方案"})
        self.assertEqual(self.titles("no_unit"), set())

    def test_it_requires_login(self):
        self.assertEqual(self.client.get(LIST).status_code, 302)

    def test_query_count_does_not_grow_with_plans(self):
        self.login("office_P")
        # session, user, scope unit, count, plans with inspection/jurisdiction and problem counts
        with self.assertNumQueries(5):
            self.client.get(LIST)
        system = self.world.users["system"]
        inspection = self.world.plans["A"].inspection
        for i in range(10):
            actions.create_plan(
                acting_user=system,
                inspection=inspection,
                title=f"县级方案{i}",
                jurisdiction=self.world.units["A1"],
                level="county",
            )
        with self.assertNumQueries(5):
            response = self.client.get(LIST)
        self.assertEqual(len(response.context["plans"]), 12)


class PlanDetailViewTestCase(WorldTestCase):
    def test_allowed_and_outsiders(self):
        url_a = reverse("ledger:plan_detail", args=[self.world.plans["A"].pk])
        cases = {"office_A": 200, "unit_A1": 200, "reviewer_A": 200, "office_B": 404, "unit_B1": 404, "no_unit": 404}
        for persona, status in cases.items():
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(url_a).status_code, status)

    def test_unit_user_counts_only_its_own_problems(self):
        self.login("unit_A1")
        response = self.client.get(reverse("ledger:plan_detail", args=[self.world.plans["A"].pk]))
        self.assertEqual(response.context["visible_problem_count"], 2)
