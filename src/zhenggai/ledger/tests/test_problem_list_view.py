"""The ledger list page: persona visibility, filters, constant query count."""

import time_machine
from django.urls import reverse

from zhenggai.ledger import actions
from zhenggai.ledger.tests.test_visibility import EXPECTED
from zhenggai.testing import WorldTestCase

URL = reverse("ledger:problem_list")


class ProblemListViewTestCase(WorldTestCase):
    def titles(self, response) -> set[str]:
        return {p.title for p in response.context["problems"]}

    def test_it_requires_login(self):
        response = self.client.get(URL)
        self.assertRedirects(response, f"{reverse('login')}?next={URL}")

    def test_each_persona_sees_its_rows(self):
        for persona, expected in EXPECTED.items():
            with self.subTest(persona=persona):
                self.login(persona)
                response = self.client.get(URL)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(self.titles(response), {f"问题{key}" for key in expected})

    def test_county_user_page_does_not_show_the_other_county(self):
        self.login("unit_A1")
        body = self.client.get(URL).content.decode()
        self.assertIn("问题a1", body)
        self.assertNotIn("问题a2", body)
        self.assertNotIn("问题b1", body)

    def test_unit_filter_includes_descendants_and_collectives(self):
        self.login("office_A")
        response = self.client.get(URL, {"unit": self.world.units["A1"].pk})
        self.assertEqual(self.titles(response), {"问题a1", "问题a1dept", "问题coll"})

    def test_unit_filter_cannot_reach_outside_the_scope(self):
        self.login("office_A")
        response = self.client.get(URL, {"unit": self.world.units["B1"].pk})
        # an invalid choice is ignored, never a way to see city B's rows
        self.assertNotIn("问题b1", self.titles(response))

    @time_machine.travel("2026-11-22 10:00 +0800")
    def test_overdue_filter(self):
        self.login("office_A")
        response = self.client.get(URL, {"overdue": "true"})
        self.assertEqual(self.titles(response), {"问题a2"})

    def test_deadline_kind_and_status_filters(self):
        self.login("office_A")
        self.assertEqual(self.titles(self.client.get(URL, {"deadline_kind": "long_term"})), {"问题coll"})
        self.assertEqual(self.titles(self.client.get(URL, {"status": "signed_off"})), {"问题land_done"})
        self.assertEqual(
            self.titles(self.client.get(URL, {"due_after": "2026-12-01", "due_before": "2026-12-31"})),
            {"问题a1", "问题a1dept", "问题land_open", "问题land_done"},
        )

    def test_search(self):
        self.login("office_P")
        self.assertEqual(self.titles(self.client.get(URL, {"q": "问题b"})), {"问题b1"})

    def test_query_count_does_not_grow_with_rows(self):
        self.login("office_A")
        # 1 session, 2 user, 3 user's unit (scope), 4 count, 5 page of problems with plan/category/parent,
        # 6 prefetch of lead assignments with units, 7 plan choices, 8 category choices, 9 unit choices
        with self.assertNumQueries(9):
            self.client.get(URL)
        system = self.world.users["system"]
        for i in range(30):
            problem = actions.create_problem(self.world.plans["A"], acting_user=system, title=f"追加{i}")
            actions.assign(problem, "lead", unit=self.world.units["A2"], acting_user=system)
        with self.assertNumQueries(9):
            response = self.client.get(URL)
        self.assertEqual(response.context["paginator"].count, 36)

    def test_unit_user_query_count_is_constant(self):
        self.login("unit_A2")
        # session, user, unit, predecessors of the unit, collectives, count, page, prefetch, 3 filter choices
        with self.assertNumQueries(11):
            self.client.get(URL)
        system = self.world.users["system"]
        for i in range(20):
            problem = actions.create_problem(self.world.plans["A"], acting_user=system, title=f"追加{i}")
            actions.assign(problem, "lead", unit=self.world.units["A2"], acting_user=system)
        with self.assertNumQueries(11):
            response = self.client.get(URL)
        self.assertEqual(response.context["paginator"].count, 22)
