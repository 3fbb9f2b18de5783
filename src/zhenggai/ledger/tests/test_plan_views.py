"""Plan pages: list and detail per persona."""

from django.urls import reverse

from zhenggai.ledger import actions
from zhenggai.testing import WorldTestCase

LIST = reverse("ledger:plan_list")


class PlanListViewTestCase(WorldTestCase):
    def titles(self, persona: str) -> set[str]:
        self.login(persona)
        return {plan.title for plan in self.client.get(LIST).context["plans"]}

    def test_problem_counts_are_what_the_user_may_open(self):
        self.login("unit_A1")
        plans = {plan.title: plan.problem_count for plan in self.client.get(LIST).context["plans"]}
        self.assertEqual(plans, {"甲市整改方案": 2})

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

    def test_amendments_of_problems_the_user_cannot_open_are_not_shown(self):
        from zhenggai.ledger.amendments import ProblemChange, amend_plan

        problems = self.world.problems
        amend_plan(
            self.world.plans["A"],
            acting_user=self.world.users["office_A"],
            changes=[
                ProblemChange(problems["a1"], "description", "甲一县可见的新说明"),
                ProblemChange(problems["a2"], "description", "甲二县才能看到的新说明"),
            ],
        )
        url = reverse("ledger:plan_detail", args=[self.world.plans["A"].pk])
        self.login("unit_A1")
        response = self.client.get(url)
        self.assertContains(response, "甲一县可见的新说明")
        self.assertNotContains(response, "甲二县才能看到的新说明")
        self.login("office_A")
        self.assertContains(self.client.get(url), "甲二县才能看到的新说明")

    def test_query_count_does_not_grow_with_revisions(self):
        from zhenggai.ledger.amendments import ProblemChange, amend_plan

        url = reverse("ledger:plan_detail", args=[self.world.plans["A"].pk])
        amend_plan(
            self.world.plans["A"],
            acting_user=self.world.users["office_A"],
            changes=[ProblemChange(self.world.problems["a1"], "cause", "原因")],
        )
        self.login("unit_A1")
        # session, user, scope unit, predecessors, collectives, plan with inspection/jurisdiction/parent,
        # issuing units, categories, revisions, their visible changes with problems, visible problem count
        with self.assertNumQueries(11):
            self.client.get(url)
        for i in range(5):
            amend_plan(
                self.world.plans["A"],
                acting_user=self.world.users["office_A"],
                changes=[ProblemChange(self.world.problems["a1"], "cause", f"原因{i}")],
            )
        with self.assertNumQueries(11):
            response = self.client.get(url)
        self.assertContains(response, "原因<ins>4</ins>")  # the side-by-side diff marks what changed
