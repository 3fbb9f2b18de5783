"""The other API endpoints: plans, measures, inspections, units, schema and docs, token."""

from __future__ import annotations

import re

from rest_framework.authtoken.models import Token

from zhenggai.ledger import actions
from zhenggai.ledger.choices import AssignmentRole, InspectionKind, PlanLevel
from zhenggai.ledger.models import Measure
from zhenggai.ledger.tests.test_visibility import EXPECTED
from zhenggai.organizations import actions as org
from zhenggai.organizations.choices import UnitLevel
from zhenggai.testing import PASSWORD, ApiWorldTestCase, WorldTestCase


class PlanApiTestCase(ApiWorldTestCase):
    URL = "/api/plans/"

    def expected_plan_ids(self, persona: str) -> set[int]:
        return {self.world.problems[key].plan_id for key in EXPECTED[persona]}

    def test_it_lists_the_visible_plans_for_every_persona(self):
        plan_a, plan_b = self.world.plans["A"].pk, self.world.plans["B"].pk
        # spelled out for the personas the matrix names, so a change of EXPECTED does not hide a regression
        self.assertEqual(self.expected_plan_ids("office_A"), {plan_a})
        self.assertEqual(self.expected_plan_ids("unit_B1"), {plan_b})
        self.assertEqual(self.expected_plan_ids("office_P"), {plan_a, plan_b})
        for persona in EXPECTED:
            with self.subTest(persona=persona):
                self.assertEqual(self.list_ids(persona, self.URL), self.expected_plan_ids(persona))

    def test_plan_payload(self):
        response = self.get("office_A", f"{self.URL}{self.world.plans['A'].pk}/")
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["title"], "甲市整改方案")
        self.assertEqual(data["jurisdiction"], {"id": self.world.units["A"].pk, "name": "甲市"})
        self.assertEqual(data["level"], PlanLevel.CITY)
        self.assertEqual(data["problem_count"], 6)

    def test_detail_404_for_outsiders(self):
        plan_a, plan_b = self.world.plans["A"], self.world.plans["B"]
        self.assertEqual(self.get("office_A", f"{self.URL}{plan_b.pk}/").status_code, 404)
        self.assertEqual(self.get("unit_A1", f"{self.URL}{plan_b.pk}/").status_code, 404)
        self.assertEqual(self.get("office_B", f"{self.URL}{plan_a.pk}/").status_code, 404)
        self.assertEqual(self.get("no_unit", f"{self.URL}{plan_a.pk}/").status_code, 404)
        self.assertEqual(self.get("unit_B1", f"{self.URL}{plan_b.pk}/").status_code, 200)

    def test_anonymous_is_refused(self):
        self.assertIn(self.client.get(self.URL).status_code, (401, 403))

    # system: 1 token + user, 2 COUNT(*) for the paginator, 3 the page of plans with jurisdiction and problem count
    # office_A: 1 token + user, 2 the user's unit (scope_for), 3 COUNT(*), 4 the page of plans
    # unit_A1: 1 token + user, 2 the user's unit, 3 its predecessors (none), 4 its collectives, 5 COUNT(*),
    #          6 the page of plans
    LIST_QUERIES = {"system": 3, "office_A": 4, "unit_A1": 6}

    def test_it_lists_with_a_constant_number_of_queries(self):
        self.assertEqual(self.assert_list_queries(), {"system": 2, "office_A": 1, "unit_A1": 1})
        system, units = self.world.users["system"], self.world.units
        inspection = self.world.plans["A"].inspection
        for i in range(8):
            county = units["A1"] if i % 2 else units["A2"]
            plan = actions.create_plan(
                acting_user=system,
                inspection=inspection,
                title=f"{county.name}整改方案{i}",
                jurisdiction=county,
                level=PlanLevel.COUNTY,
            )
            problem = actions.create_problem(plan, acting_user=system, title=f"县级问题{i}")
            actions.assign(problem, AssignmentRole.LEAD, unit=county, acting_user=system)
        # office_A sees all 8 county plans, unit_A1 the 4 plans of its own county
        self.assertEqual(self.assert_list_queries(), {"system": 10, "office_A": 9, "unit_A1": 5})


class MeasureApiTestCase(ApiWorldTestCase):
    URL = "/api/measures/"

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        system, problems = cls.world.users["system"], cls.world.problems
        cls.measures = {"a1": problems["a1"].measures.get()}
        for key in ("b1", "coll"):
            cls.measures[key] = actions.add_measure(problems[key], acting_user=system, text=f"措施{key}")
        # land_done is signed off, and add_measure refuses a signed-off problem: a measure it had before.
        cls.measures["land_done"] = Measure.objects.create(problem=problems["land_done"], text="措施land_done")
        actions.assign(
            problems["coll"],
            AssignmentRole.LEAD,
            unit=cls.world.units["A2"],
            measure=cls.measures["coll"],
            acting_user=system,
        )

    def expected_measure_ids(self, persona: str) -> set[int]:
        return {measure.pk for key, measure in self.measures.items() if key in EXPECTED[persona]}

    def test_it_lists_the_visible_measures_for_every_persona(self):
        m = self.measures
        self.assertEqual(self.expected_measure_ids("unit_A1"), {m["a1"].pk, m["coll"].pk})
        self.assertEqual(self.expected_measure_ids("no_unit"), set())
        for persona in EXPECTED:
            with self.subTest(persona=persona):
                self.assertEqual(self.list_ids(persona, self.URL), self.expected_measure_ids(persona))

    def test_measure_payload(self):
        response = self.get("unit_A2", f"{self.URL}{self.measures['coll'].pk}/")
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["problem"], self.world.problems["coll"].pk)
        self.assertEqual(data["text"], "措施coll")
        self.assertEqual(
            [(a["role"], a["unit"]["id"]) for a in data["assignments"]],
            [(AssignmentRole.LEAD, self.world.units["A2"].pk)],
        )

    def test_filter_by_problem(self):
        ids = self.list_ids("system", self.URL, {"problem": self.world.problems["b1"].pk})
        self.assertEqual(ids, {self.measures["b1"].pk})

    def test_detail_404_for_outsiders(self):
        a1_measure, b1_measure = self.measures["a1"], self.measures["b1"]
        self.assertEqual(self.get("unit_A2", f"{self.URL}{a1_measure.pk}/").status_code, 404)
        self.assertEqual(self.get("office_B", f"{self.URL}{a1_measure.pk}/").status_code, 404)
        self.assertEqual(self.get("office_A", f"{self.URL}{b1_measure.pk}/").status_code, 404)
        self.assertEqual(self.get("supervisor_Aeco", f"{self.URL}{self.measures['coll'].pk}/").status_code, 404)
        self.assertEqual(self.get("supervisor_Aeco", f"{self.URL}{a1_measure.pk}/").status_code, 200)

    def test_anonymous_is_refused(self):
        self.assertIn(self.client.get(self.URL).status_code, (401, 403))

    # system: 1 token + user, 2 COUNT(*), 3 the page of measures, 4 prefetch of their assignments (unit, person,
    #         inherited_from joined)
    # office_A: 1 token + user, 2 the user's unit, then COUNT(*), page, prefetch
    # unit_A1: 1 token + user, 2 the user's unit, 3 predecessors (none), 4 collectives, then COUNT(*), page, prefetch
    LIST_QUERIES = {"system": 4, "office_A": 5, "unit_A1": 7}

    def test_it_lists_with_a_constant_number_of_queries(self):
        self.assertEqual(self.assert_list_queries(), {"system": 4, "office_A": 3, "unit_A1": 2})
        system, units, problems = self.world.users["system"], self.world.units, self.world.problems
        holders = {"a1": "A1", "coll": "A2", "b1": "B1", "a2": "A2", "land_open": "Anat"}
        for i in range(10):
            key = list(holders)[i % 5]
            problem = problems[key]
            measure = actions.add_measure(problem, acting_user=system, text=f"追加措施{i}", deadline="2026年9月底前")
            # units that already see the problem, so the visibility of problems does not change
            for role in (AssignmentRole.LEAD, AssignmentRole.ACCEPTANCE):
                actions.assign(problem, role, unit=units[holders[key]], measure=measure, acting_user=system)
        # two new measures on each of the five problems; office_A sees four of the problems, unit_A1 a1 and coll
        self.assertEqual(self.assert_list_queries(), {"system": 14, "office_A": 11, "unit_A1": 6})


class InspectionApiTestCase(ApiWorldTestCase):
    URL = "/api/inspections/"

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.inspection_p = cls.world.plans["A"].inspection
        cls.inspection_b = actions.create_inspection(
            acting_user=cls.world.users["system"],
            team="省第二督察组",
            inspected_unit=cls.world.units["B"],
            kind=InspectionKind.SPECIAL,
        )

    def test_it_lists_the_visible_inspections_for_every_persona(self):
        both = {self.inspection_p.pk, self.inspection_b.pk}
        expected = {persona: {self.inspection_p.pk} for persona in EXPECTED}
        expected.update({"system": both, "office_P": both, "office_B": both, "no_unit": set()})
        for persona, ids in expected.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.list_ids(persona, self.URL), ids)

    def test_inspection_payload(self):
        response = self.get("office_B", f"{self.URL}{self.inspection_b.pk}/")
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["team"], "省第二督察组")
        self.assertEqual(data["kind"], InspectionKind.SPECIAL)
        self.assertEqual(data["inspected_unit"], {"id": self.world.units["B"].pk, "name": "乙市"})

    def test_detail_404_for_outsiders(self):
        self.assertEqual(self.get("office_A", f"{self.URL}{self.inspection_b.pk}/").status_code, 404)
        self.assertEqual(self.get("unit_B1", f"{self.URL}{self.inspection_b.pk}/").status_code, 404)
        self.assertEqual(self.get("no_unit", f"{self.URL}{self.inspection_p.pk}/").status_code, 404)
        self.assertEqual(self.get("unit_A1", f"{self.URL}{self.inspection_p.pk}/").status_code, 200)

    def test_anonymous_is_refused(self):
        self.assertIn(self.client.get(self.URL).status_code, (401, 403))


class UnitApiTestCase(ApiWorldTestCase):
    URL = "/api/units/"

    def test_any_signed_in_user_lists_all_units(self):
        all_ids = {unit.pk for unit in self.world.units.values()}
        self.assertEqual(len(all_ids), 11)
        for persona in ("unit_B1", "no_unit", "office_A", "system"):
            with self.subTest(persona=persona):
                self.assertEqual(self.list_ids(persona, self.URL), all_ids)

    def test_anonymous_is_refused(self):
        response = self.client.get(self.URL)
        self.assertIn(response.status_code, (401, 403))
        self.assertNotIn("results", response.json())
        self.assertIn(self.client.get(f"{self.URL}{self.world.units['A'].pk}/").status_code, (401, 403))

    def test_q_finds_a_unit_by_alias(self):
        self.assertEqual(self.list_ids("unit_B1", self.URL, {"q": "甲市人民政府"}), {self.world.units["A"].pk})
        self.assertEqual(self.list_ids("unit_B1", self.URL, {"q": "甲一县政府"}), {self.world.units["A1"].pk})

    def test_q_ignores_spacing_and_finds_by_short_name(self):
        self.assertEqual(self.list_ids("unit_B1", self.URL, {"q": " 甲市 人民政府 "}), {self.world.units["A"].pk})
        self.assertEqual(self.list_ids("unit_B1", self.URL, {"q": "市生态环境局"}), {self.world.units["Aeco"].pk})

    def test_level_and_under_filters(self):
        u = self.world.units
        self.assertEqual(
            self.list_ids("unit_A1", self.URL, {"level": UnitLevel.COUNTY}), {u["A1"].pk, u["A2"].pk, u["B1"].pk}
        )
        self.assertEqual(self.list_ids("unit_A1", self.URL, {"under": u["A1"].pk}), {u["A1"].pk, u["A1dept"].pk})

    def test_unit_payload_has_aliases_and_successor(self):
        u = self.world.units
        data = self.get("unit_B1", f"{self.URL}{u['A'].pk}/").json()
        self.assertEqual((data["name"], data["level"], data["aliases"]), ("甲市", UnitLevel.CITY, ["甲市人民政府"]))
        self.assertEqual(data["parent"], u["P"].pk)
        land = self.get("unit_B1", f"{self.URL}{u['Aland'].pk}/").json()
        self.assertEqual(land["successor"], u["Anat"].pk)
        self.assertEqual(land["succeeded_on"], "2019-03-01")
        self.assertEqual(land["succession_reason"], "机构改革")
        self.assertFalse(land["is_active"])

    # 1 token + user, 2 COUNT(*), 3 the page of units, 4 prefetch of their aliases
    def test_it_lists_with_a_constant_number_of_queries(self):
        with self.assertNumQueries(4):
            self.assertEqual(self.get("unit_A1", self.URL).json()["count"], 11)
        system = self.world.users["system"]
        for i in range(20):
            org.create_unit(
                acting_user=system,
                name=f"甲一县第{i}乡",
                level=UnitLevel.TOWNSHIP,
                parent=self.world.units["A1"],
                aliases=[f"第{i}乡政府", f"第{i}乡人民政府"],
            )
        with self.assertNumQueries(4):
            self.assertEqual(self.get("unit_A1", self.URL).json()["count"], 31)


class SchemaAndDocsTestCase(ApiWorldTestCase):
    def test_schema_describes_the_problem_endpoints(self):
        self.client.force_login(self.world.users["office_A"])
        response = self.client.get("/api/schema/")
        self.assertEqual(response.status_code, 200)
        document = response.content.decode()
        self.assertTrue(document.startswith("openapi: 3"), document[:100])
        self.assertIn("/api/problems/:", document)
        self.assertIn("/api/problems/{id}/:", document)
        self.assertIn("/api/units/:", document)

    def test_docs_page_is_served_without_a_cdn(self):
        self.client.force_login(self.world.users["office_A"])
        response = self.client.get("/api/docs/")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("swagger-ui", html)
        self.assertNotIn("cdn.jsdelivr", html)
        self.assertNotIn("unpkg", html)
        self.assertEqual(re.findall(r"""(?:src|href)=["']https?://[^"']*""", html), [])
        self.assertIn("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", html)


class TokenApiTestCase(WorldTestCase):
    URL = "/api/token/"

    def test_username_and_password_give_a_token(self):
        response = self.client.post(self.URL, {"username": "office_a", "password": PASSWORD})
        self.assertEqual(response.status_code, 200)
        key = response.json()["token"]
        self.assertEqual(Token.objects.get(user=self.world.users["office_A"]).key, key)
        # the token works on the API, and a second request returns the same token
        listing = self.client.get("/api/problems/", HTTP_AUTHORIZATION=f"Token {key}")
        self.assertEqual(listing.status_code, 200)
        self.assertEqual(listing.json()["count"], len(EXPECTED["office_A"]))
        again = self.client.post(self.URL, {"username": "office_a", "password": PASSWORD})
        self.assertEqual(again.json()["token"], key)

    def test_a_wrong_password_gives_no_token(self):
        response = self.client.post(self.URL, {"username": "office_a", "password": "wrong"})
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("token", response.json())
        self.assertFalse(Token.objects.filter(user=self.world.users["office_A"]).exists())

    def test_an_inactive_user_gets_no_token(self):
        user = self.world.users["unit_A1"]
        user.is_active = False
        user.save()
        response = self.client.post(self.URL, {"username": "unit_a1", "password": PASSWORD})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Token.objects.filter(user=user).exists())
