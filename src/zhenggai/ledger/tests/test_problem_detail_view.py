"""A problem's page: who may see it, what it shows."""

from django.urls import reverse

from zhenggai.ledger.tests.test_visibility import EXPECTED
from zhenggai.testing import WorldTestCase


class ProblemDetailViewTestCase(WorldTestCase):
    def url(self, key: str) -> str:
        return reverse("ledger:problem_detail", args=[self.world.problems[key].pk])

    def test_allowed_users_see_it_and_outsiders_get_404(self):
        for persona, visible in EXPECTED.items():
            self.login(persona)
            for key in self.world.problems:
                with self.subTest(persona=persona, problem=key):
                    self.assertEqual(self.client.get(self.url(key)).status_code, 200 if key in visible else 404)

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get(self.url("a1"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("login")))

    def test_it_shows_targets_measures_roles_deadline_and_history(self):
        self.login("unit_A1")
        response = self.client.get(self.url("a1"))
        body = response.content.decode()
        for text in ("措施一", "目标一", "2026年3月底前", "2026-03-31", "甲一县", "甲市生态环境局", "2026-12-31"):
            self.assertIn(text, body)
        history = response.context["history"]
        self.assertTrue(any(entry.reason == "create" for entry in history))
        status_changes = [c for entry in history for c in entry.changes if c.field == "status"]
        self.assertEqual(
            (status_changes[0].label, status_changes[0].old, status_changes[0].new), ("整改状态", "尚未启动", "整改中")
        )
        self.assertTrue(all(entry.user == self.world.users["system"] for entry in history))
        self.assertFalse(response.context["can_edit"])

    def test_inherited_task_names_its_predecessor(self):
        self.login("unit_Anat")
        body = self.client.get(self.url("land_open")).content.decode()
        self.assertIn("甲市自然资源局", body)
        self.assertIn("甲市国土资源局", body)

    def test_office_gets_an_edit_link(self):
        self.login("office_A")
        response = self.client.get(self.url("a1"))
        self.assertTrue(response.context["can_edit"])
        self.assertContains(response, reverse("ledger:problem_edit", args=[self.world.problems["a1"].pk]))

    def test_query_count_does_not_grow_with_measures_and_assignments(self):
        from zhenggai.ledger import actions

        self.login("office_A")
        problem = self.world.problems["a1"]
        url = self.url("a1")
        # 1 session, 2 user, 3 scope unit, 4 problem with plan/inspection/category/parent/merged_into,
        # 5 targets, 6 their assignments, 7 visible aspects, 8 measures, 9 their assignments with units/persons,
        # 10 problem-level assignments, 11 can_edit check, 12-15 history of problem/targets/measures/assignments
        # (each with its users), 16 plan revision changes
        with self.assertNumQueries(16):
            self.client.get(url)
        system = self.world.users["system"]
        for i in range(10):
            measure = actions.add_measure(problem, acting_user=system, text=f"追加措施{i}", deadline="每季度")
            actions.assign(problem, "lead", unit=self.world.units["A1dept"], measure=measure, acting_user=system)
            actions.assign(problem, "cooperating", unit=self.world.units["Aeco"], acting_user=system)
            target = actions.add_target(problem, acting_user=system, text=f"追加目标{i}")
            actions.assign(problem, "lead", unit=self.world.units["A1"], target=target, acting_user=system)
        with self.assertNumQueries(16):
            response = self.client.get(url)
        self.assertEqual(len(response.context["problem"].measures.all()), 11)
        self.assertContains(response, "追加目标9")
        self.assertEqual(
            [a.unit for a in response.context["problem"].targets.all()[10].own_assignments], [self.world.units["A1"]]
        )

    def test_a_merged_into_problem_the_user_cannot_open_is_not_shown(self):
        from zhenggai.ledger import actions

        actions.merge_problems(
            self.world.problems["a1"], self.world.problems["a2"], acting_user=self.world.users["system"]
        )
        self.login("unit_A1")
        response = self.client.get(self.url("a1"))
        self.assertIsNone(response.context["merged_into"])
        self.assertNotContains(response, "问题a2")
        self.login("office_A")
        self.assertContains(self.client.get(self.url("a1")), "问题a2")


class ProblemHistoryNamesTestCase(WorldTestCase):
    def test_linked_objects_are_named_and_invisible_problems_are_not(self):
        from zhenggai.ledger import actions

        system, p = self.world.users["system"], self.world.problems
        category = actions.add_category(self.world.plans["A"], acting_user=system, title="例行督察反馈问题")
        actions.update_problem(p["a1"], acting_user=system, expected_version=2, changes={"category": category})
        actions.merge_problems(p["a1"], p["a2"], acting_user=system)
        changes = {}
        self.login("unit_A1")
        for entry in self.client.get(reverse("ledger:problem_detail", args=[p["a1"].pk])).context["history"]:
            for change in entry.changes:
                changes[change.field] = change
        self.assertEqual((changes["category"].label, changes["category"].new), ("问题类别", "例行督察反馈问题"))
        self.assertEqual(changes["merged_into"].new, "—")  # 甲一县 may not open 问题a2
        self.login("office_A")
        for entry in self.client.get(reverse("ledger:problem_detail", args=[p["a1"].pk])).context["history"]:
            for change in entry.changes:
                if change.field == "merged_into":
                    self.assertEqual(change.new, "第3项 问题a2")


class RevisionDiffTestCase(WorldTestCase):
    def test_an_amended_deadline_is_shown_side_by_side_with_its_effective_date(self):
        from datetime import date

        from django.urls import reverse

        from zhenggai.ledger.amendments import ProblemChange, amend_plan

        problem = self.world.problems["a2"]
        amend_plan(
            self.world.plans["A"],
            acting_user=self.world.users["office_A"],
            changes=[ProblemChange(problem, "deadline", "2026年9月30日前", opinion="与省级方案不一致")],
            effective_on=date(2026, 3, 1),
        )
        self.login("office_A")
        response = self.client.get(reverse("ledger:problem_detail", args=[problem.pk]))
        self.assertContains(response, 'data-testid="revision-change"')
        self.assertContains(response, "2026-03-01")
        self.assertContains(response, "202<del>5</del>年<del>6</del>月30日前")
        self.assertContains(response, "202<ins>6</ins>年<ins>9</ins>月30日前")
