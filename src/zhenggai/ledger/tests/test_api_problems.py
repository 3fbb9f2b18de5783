"""GET/PATCH /api/problems/: visibility per persona, filters, detail payload, optimistic locking."""

from __future__ import annotations

import time_machine

from zhenggai.ledger import actions
from zhenggai.ledger.choices import AssignmentRole, ItemStatus
from zhenggai.ledger.models import Problem
from zhenggai.ledger.tests.test_visibility import ALL, CITY_A, EXPECTED
from zhenggai.testing import ApiWorldTestCase

LIST_URL = "/api/problems/"


def detail_url(problem) -> str:
    return f"/api/problems/{problem.pk}/"


class ProblemApiTestCase(ApiWorldTestCase):
    def patch(self, persona: str, problem, data: dict):
        return self.client.patch(detail_url(problem), data, content_type="application/json", **self.auth(persona))

    def keys_of(self, response) -> set[str]:
        self.assertEqual(response.status_code, 200, response.content)
        ids = [row["id"] for row in response.json()["results"]]
        self.assertEqual(len(ids), len(set(ids)), "a problem is listed twice")
        by_id = {problem.pk: key for key, problem in self.world.problems.items()}
        unknown = set(ids) - set(by_id)
        self.assertFalse(unknown, f"unexpected problem ids {unknown}")
        return {by_id[pk] for pk in ids}

    def list_keys(self, persona: str, **params) -> set[str]:
        return self.keys_of(self.get(persona, LIST_URL, params))

    def add_problems(self, count: int) -> None:
        """More problems in both plans, held by counties, the collective and a supervising bureau."""
        system, units = self.world.users["system"], self.world.units
        for i in range(count):
            in_b = i % 3 == 0
            problem = actions.create_problem(
                self.world.plans["B" if in_b else "A"],
                acting_user=system,
                title=f"追加问题{i}",
                number_text=f"追加{i}",
                deadline="2027年6月底前",
            )
            if in_b:
                actions.assign(problem, AssignmentRole.LEAD, unit=units["B1"], acting_user=system)
                continue
            holder = units["A2"] if i % 3 == 1 else units["Acounties"]
            actions.assign(problem, AssignmentRole.LEAD, unit=holder, acting_user=system)
            actions.assign(problem, AssignmentRole.COOPERATING, unit=units["A1dept"], acting_user=system)
            if i % 2:
                actions.assign(problem, AssignmentRole.SUPERVISING, unit=units["Aeco"], acting_user=system)


class ProblemListTestCase(ProblemApiTestCase):
    URL = LIST_URL

    def test_it_lists_exactly_the_visible_problems_for_every_persona(self):
        for persona, expected in EXPECTED.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.list_keys(persona), expected)

    def test_anonymous_is_refused(self):
        response = self.client.get(LIST_URL)
        self.assertIn(response.status_code, (401, 403))
        self.assertNotIn("results", response.json())

    def test_a_bad_token_is_refused(self):
        response = self.client.get(LIST_URL, HTTP_AUTHORIZATION="Token not-a-real-token")
        self.assertEqual(response.status_code, 401)

    def test_list_rows_carry_deadline_and_lead_units(self):
        response = self.get("office_A", LIST_URL)
        rows = {row["id"]: row for row in response.json()["results"]}
        a1 = rows[self.world.problems["a1"].pk]
        self.assertEqual(a1["title"], "问题a1")
        self.assertEqual(a1["status"], ItemStatus.IN_PROGRESS)
        self.assertEqual(a1["plan"], self.world.plans["A"].pk)
        self.assertEqual(a1["plan_title"], "甲市整改方案")
        self.assertEqual(a1["deadline"]["due_date"], "2026-12-31")
        # the supervising bureau is not a lead unit
        self.assertEqual(a1["lead_units"], [{"id": self.world.units["A1"].pk, "name": "甲一县"}])
        coll = rows[self.world.problems["coll"].pk]
        self.assertIsNone(coll["deadline"]["due_date"])
        self.assertTrue(coll["deadline"]["long_term"])
        # the open task moved to the successor
        land_open = rows[self.world.problems["land_open"].pk]
        self.assertEqual(land_open["lead_units"], [{"id": self.world.units["Anat"].pk, "name": "甲市自然资源局"}])

    # The query count must not grow with the number of problems or assignments.
    #   system (scope ALL, no unit lookup):
    #     1 token + user (TokenAuthentication, select_related user)
    #     2 COUNT(*) for the paginator
    #     3 the page of problems joined with plan, category and parent
    #     4 prefetch of the lead assignments with their units
    #   (the filter form's unit select is never rendered by the API, so its choices are not queried)
    #   office_A (scope SUBTREE): 1 token + user, 2 the user's unit (scope_for), then 2-4 above  -> 5
    #   unit_A1 (scope UNITS): 1 token + user, 2 the user's unit, 3 predecessors of the unit (one generation,
    #     none found), 4 collectives the unit belongs to, then 2-4 above -> 7
    LIST_QUERIES = {"system": 4, "office_A": 5, "unit_A1": 7}

    def test_it_lists_with_a_constant_number_of_queries(self):
        small = self.assert_list_queries()
        self.assertEqual(small, {"system": 7, "office_A": 6, "unit_A1": 2})
        self.add_problems(12)
        large = self.assert_list_queries()
        # 12 new: 4 in plan B (i = 0, 3, 6, 9); 8 in plan A, where A2 leads i = 1, 4, 7, 10 and the
        # collective leads i = 2, 5, 8, 11 (A1 is a member, so it sees those four).
        self.assertEqual(large, {"system": 19, "office_A": 14, "unit_A1": 6})


class ProblemFilterTestCase(ProblemApiTestCase):
    def test_status(self):
        self.assertEqual(self.list_keys("system", status=ItemStatus.SIGNED_OFF), {"land_done"})
        self.assertEqual(self.list_keys("system", status=ItemStatus.IN_PROGRESS), ALL - {"land_done"})
        self.assertEqual(self.list_keys("unit_A1", status=ItemStatus.SIGNED_OFF), set())

    def test_status_must_be_a_known_value(self):
        response = self.get("system", LIST_URL, {"status": "bogus"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("status", response.json())

    def test_plan(self):
        self.assertEqual(self.list_keys("office_P", plan=self.world.plans["B"].pk), {"b1"})
        self.assertEqual(self.list_keys("office_P", plan=self.world.plans["A"].pk), CITY_A)

    def test_plan_outside_the_callers_scope_is_rejected(self):
        response = self.get("office_A", LIST_URL, {"plan": self.world.plans["B"].pk})
        self.assertEqual(response.status_code, 400)
        self.assertIn("plan", response.json())

    def test_unit_includes_descendants_and_collectives(self):
        units = self.world.units
        # A1 itself, its department, and the collective A1 belongs to; not the sibling county A2
        self.assertEqual(self.list_keys("system", unit=units["A1"].pk), {"a1", "a1dept", "coll"})
        self.assertEqual(self.list_keys("system", unit=units["A2"].pk), {"a2", "coll"})
        self.assertEqual(self.list_keys("system", unit=units["A"].pk), CITY_A)
        self.assertEqual(self.list_keys("office_A", unit=units["A1"].pk), {"a1", "a1dept", "coll"})
        self.assertEqual(self.list_keys("system", unit=units["B"].pk), {"b1"})

    def test_unit_counts_supervising_roles(self):
        self.assertEqual(self.list_keys("system", unit=self.world.units["Aeco"].pk), {"a1"})

    def test_unit_outside_the_callers_scope_is_rejected(self):
        response = self.get("office_A", LIST_URL, {"unit": self.world.units["B1"].pk})
        self.assertEqual(response.status_code, 400)
        self.assertIn("unit", response.json())

    @time_machine.travel("2026-11-22", tick=False)
    def test_overdue(self):
        # a2 was due 2025-06-30; the others are due 2026-12-31, coll has no date, land_done is signed off
        self.assertEqual(self.list_keys("system", overdue="true"), {"a2"})
        self.assertEqual(self.list_keys("system", overdue="false"), ALL - {"a2"})
        self.assertEqual(self.list_keys("unit_A1", overdue="true"), set())
        self.assertEqual(self.list_keys("unit_A2", overdue="true"), {"a2"})

    @time_machine.travel("2027-01-05", tick=False)
    def test_overdue_follows_the_clock(self):
        # after 2026-12-31 every open dated problem is overdue; the long-term one and the signed-off one are not
        self.assertEqual(self.list_keys("system", overdue="true"), ALL - {"coll", "land_done"})

    def test_deadline_kind(self):
        self.assertEqual(self.list_keys("system", deadline_kind="long_term"), {"coll"})
        self.assertEqual(self.list_keys("system", deadline_kind="date"), ALL - {"coll"})
        self.assertEqual(self.list_keys("system", deadline_kind="immediate"), {"coll"})
        self.assertEqual(self.list_keys("unit_B1", deadline_kind="long_term"), set())

    def test_filters_combine_with_visibility(self):
        self.assertEqual(self.list_keys("unit_A1", deadline_kind="long_term"), {"coll"})
        self.assertEqual(self.list_keys("office_B", status=ItemStatus.IN_PROGRESS), {"b1"})


class ProblemDetailTestCase(ProblemApiTestCase):
    def test_allowed_personas_get_the_problem(self):
        for persona, expected in EXPECTED.items():
            for key in sorted(expected):
                with self.subTest(persona=persona, problem=key):
                    response = self.get(persona, detail_url(self.world.problems[key]))
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response.json()["id"], self.world.problems[key].pk)

    def test_outsiders_get_404(self):
        for persona, expected in EXPECTED.items():
            for key in sorted(ALL - expected):
                with self.subTest(persona=persona, problem=key):
                    response = self.get(persona, detail_url(self.world.problems[key]))
                    self.assertEqual(response.status_code, 404)

    def test_named_outsiders(self):
        p = self.world.problems
        self.assertEqual(self.get("unit_A2", detail_url(p["a1"])).status_code, 404)  # another county's task
        self.assertEqual(self.get("supervisor_Aeco", detail_url(p["a2"])).status_code, 404)  # not supervised
        self.assertEqual(self.get("office_A", detail_url(p["b1"])).status_code, 404)  # another city
        self.assertEqual(self.get("unit_A1", detail_url(p["a1dept"])).status_code, 404)  # its department's own

    def test_anonymous_is_refused(self):
        response = self.client.get(detail_url(self.world.problems["a1"]))
        self.assertIn(response.status_code, (401, 403))
        self.assertNotIn("title", response.json())

    def test_unknown_id_is_404(self):
        self.assertEqual(self.get("system", "/api/problems/999999/").status_code, 404)

    def test_detail_payload(self):
        units = self.world.units
        data = self.get("unit_A1", detail_url(self.world.problems["a1"])).json()
        self.assertEqual(data["title"], "问题a1")
        self.assertEqual(data["number_text"], "第1项")
        self.assertEqual(data["version"], 2)
        self.assertEqual(data["status"], ItemStatus.IN_PROGRESS)
        self.assertEqual(data["deadline"]["raw"], "2026年12月31日前")
        self.assertEqual(data["deadline"]["due_date"], "2026-12-31")
        self.assertEqual(data["deadline"]["precision"], "day")
        self.assertEqual(data["deadline"]["kinds"], ["date"])
        self.assertFalse(data["deadline"]["long_term"])

        self.assertEqual(len(data["targets"]), 1)
        target = data["targets"][0]
        self.assertEqual((target["number_text"], target["text"]), ("1.", "目标一"))
        self.assertEqual(target["deadline"]["raw"], "2026年年底前")
        self.assertEqual(target["deadline"]["due_date"], "2026-12-31")
        self.assertEqual(target["deadline"]["precision"], "year")

        self.assertEqual(len(data["measures"]), 1)
        measure = data["measures"][0]
        self.assertEqual((measure["number_text"], measure["text"]), ("（一）", "措施一"))
        self.assertEqual(measure["deadline"]["due_date"], "2026-03-31")
        self.assertEqual(measure["deadline"]["kinds"], ["date"])
        self.assertEqual(measure["assignments"], [])

        roles = sorted((a["role"], a["unit"]["id"], a["unit"]["name"]) for a in data["assignments"])
        self.assertEqual(
            roles,
            [
                (AssignmentRole.LEAD, units["A1"].pk, "甲一县"),
                (AssignmentRole.SUPERVISING, units["Aeco"].pk, "甲市生态环境局"),
            ],
        )
        for assignment in data["assignments"]:
            self.assertIsNone(assignment["person"])
            self.assertIsNone(assignment["inherited_from"])
        self.assertEqual(data["lead_units"], [{"id": units["A1"].pk, "name": "甲一县"}])

    def test_detail_shows_inherited_assignment(self):
        units = self.world.units
        data = self.get("unit_Anat", detail_url(self.world.problems["land_open"])).json()
        [assignment] = data["assignments"]
        self.assertEqual(assignment["role"], AssignmentRole.LEAD)
        self.assertEqual(assignment["unit"], {"id": units["Anat"].pk, "name": "甲市自然资源局"})
        self.assertEqual(assignment["inherited_from"], {"id": units["Aland"].pk, "name": "甲市国土资源局"})

    def test_detail_deadline_kinds_of_a_long_term_problem(self):
        data = self.get("unit_A2", detail_url(self.world.problems["coll"])).json()
        self.assertEqual(data["deadline"]["raw"], "立行立改，长期坚持")
        self.assertIsNone(data["deadline"]["due_date"])
        self.assertEqual(data["deadline"]["kinds"], ["immediate", "long_term"])
        self.assertEqual(data["targets"], [])
        self.assertEqual(data["measures"], [])


class ProblemPatchTestCase(ProblemApiTestCase):
    def snapshot(self, problem) -> tuple:
        fresh = Problem.objects.get(pk=problem.pk)
        return fresh.version, fresh.title, fresh.status, fresh.due_raw, fresh.history.count()

    def test_patch_with_the_current_version_saves(self):
        a1 = self.world.problems["a1"]
        office = self.world.users["office_A"]
        history_before = a1.history.count()
        response = self.patch("office_A", a1, {"version": 2, "title": "新的标题", "status": ItemStatus.COMPLETED})
        self.assertEqual(response.status_code, 200, response.content)
        data = response.json()
        self.assertEqual(data["version"], 3)
        self.assertEqual(data["title"], "新的标题")
        self.assertEqual(data["status"], ItemStatus.COMPLETED)
        self.assertIn("assignments", data)  # the detail representation comes back

        a1.refresh_from_db()
        self.assertEqual((a1.version, a1.title, a1.status), (3, "新的标题", ItemStatus.COMPLETED))
        self.assertEqual(a1.history.count(), history_before + 1)
        row = a1.history.order_by("-history_id").first()
        self.assertEqual(row.history_user_id, office.pk)
        self.assertEqual(row.history_change_reason, "edit")
        self.assertEqual(row.version, 3)
        self.assertEqual(row.title, "新的标题")

    def test_patch_deadline_reparses_it(self):
        a1 = self.world.problems["a1"]
        response = self.patch("system", a1, {"version": 2, "deadline": "2027年6月底前，长期坚持"})
        self.assertEqual(response.status_code, 200, response.content)
        deadline = response.json()["deadline"]
        self.assertEqual(deadline["raw"], "2027年6月底前，长期坚持")
        self.assertEqual(deadline["due_date"], "2027-06-30")
        self.assertEqual(deadline["kinds"], ["date", "long_term"])
        a1.refresh_from_db()
        self.assertEqual(a1.due_date.isoformat(), "2027-06-30")

    def test_patch_twice_in_a_row_needs_the_new_version(self):
        a2 = self.world.problems["a2"]
        self.assertEqual(self.patch("office_A", a2, {"version": 2, "title": "第一次"}).status_code, 200)
        second = self.patch("office_P", a2, {"version": 2, "title": "第二次"})
        self.assertEqual(second.status_code, 409)
        self.assertEqual(second.json()["current_version"], 3)
        third = self.patch("office_P", a2, {"version": 3, "title": "第二次"})
        self.assertEqual(third.status_code, 200)
        self.assertEqual(third.json()["version"], 4)

    def test_patch_with_a_stale_version_conflicts_and_changes_nothing(self):
        a1 = self.world.problems["a1"]
        before = self.snapshot(a1)
        response = self.patch("office_A", a1, {"version": 1, "title": "覆盖别人的修改"})
        self.assertEqual(response.status_code, 409)
        body = response.json()
        self.assertEqual(body["current_version"], 2)
        self.assertTrue(body["detail"])
        self.assertEqual(self.snapshot(a1), before)
        self.assertEqual(before[:2], (2, "问题a1"))

    def test_patch_by_a_unit_user_who_can_read_it_is_forbidden(self):
        a1 = self.world.problems["a1"]
        before = self.snapshot(a1)
        for persona in ("unit_A1", "supervisor_Aeco", "reviewer_A"):
            with self.subTest(persona=persona):
                response = self.patch(persona, a1, {"version": 2, "title": "越权修改"})
                self.assertEqual(response.status_code, 403)
        self.assertEqual(self.snapshot(a1), before)

    def test_patch_by_an_outsider_is_404(self):
        a1 = self.world.problems["a1"]
        before = self.snapshot(a1)
        for persona in ("office_B", "unit_A2", "unit_B1", "no_unit"):
            with self.subTest(persona=persona):
                response = self.patch(persona, a1, {"version": 2, "title": "越权修改"})
                self.assertEqual(response.status_code, 404)
        self.assertEqual(self.snapshot(a1), before)

    def test_patch_by_anonymous_is_refused(self):
        a1 = self.world.problems["a1"]
        before = self.snapshot(a1)
        response = self.client.patch(detail_url(a1), {"version": 2, "title": "匿名"}, content_type="application/json")
        self.assertIn(response.status_code, (401, 403))
        self.assertEqual(self.snapshot(a1), before)

    def test_patch_with_an_invalid_status_is_400_and_changes_nothing(self):
        a1 = self.world.problems["a1"]
        before = self.snapshot(a1)
        response = self.patch("office_A", a1, {"version": 2, "status": "done-ish", "title": "不应保存"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("status", response.json())
        self.assertEqual(self.snapshot(a1), before)

    def test_patch_without_a_version_is_400(self):
        a1 = self.world.problems["a1"]
        before = self.snapshot(a1)
        response = self.patch("office_A", a1, {"title": "没有版本号"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("version", response.json())
        self.assertEqual(self.snapshot(a1), before)

    def test_patch_with_an_empty_title_is_400(self):
        a1 = self.world.problems["a1"]
        before = self.snapshot(a1)
        response = self.patch("office_A", a1, {"version": 2, "title": "   "})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.snapshot(a1), before)

    def test_patch_with_only_a_version_is_400(self):
        a1 = self.world.problems["a1"]
        before = self.snapshot(a1)
        response = self.patch("office_A", a1, {"version": 2})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.snapshot(a1), before)


class ProblemPatchCategoryTestCase(ProblemApiTestCase):
    def test_a_category_of_another_plan_looks_like_an_unknown_id(self):
        from zhenggai.ledger.actions import add_category

        other = add_category(self.world.plans["B"], acting_user=self.world.users["system"], title="乙市类别")
        problem = self.world.problems["a1"]
        foreign = self.patch("office_A", problem, {"version": problem.version, "category": other.pk})
        unknown = self.patch("office_A", problem, {"version": problem.version, "category": 999999})
        self.assertEqual((foreign.status_code, unknown.status_code), (400, 400))
        self.assertEqual(
            foreign.json()["category"][0].replace(str(other.pk), "ID"),
            unknown.json()["category"][0].replace("999999", "ID"),
        )
