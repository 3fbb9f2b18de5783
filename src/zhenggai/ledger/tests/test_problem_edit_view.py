"""Editing a problem through the page: permissions, validation, conflicts."""

from django.urls import reverse

from zhenggai.ledger.models import Problem
from zhenggai.testing import WorldTestCase


class ProblemEditViewTestCase(WorldTestCase):
    def setUp(self):
        self.problem = Problem.objects.get(pk=self.world.problems["a1"].pk)
        self.url = reverse("ledger:problem_edit", args=[self.problem.pk])

    def form_data(self, **overrides):
        data = {
            "version": self.problem.version,
            "number_text": self.problem.number_text,
            "title": self.problem.title,
            "description": "",
            "cause": "",
            "deadline": self.problem.due_raw,
            "status": self.problem.status,
            "category": "",
        }
        data.update(overrides)
        return data

    def test_office_edits_and_the_deadline_is_reparsed(self):
        self.login("office_A")
        self.assertEqual(self.client.get(self.url).status_code, 200)
        response = self.client.post(self.url, self.form_data(deadline="2027年6月底前完成，长期坚持"))
        self.assertRedirects(response, reverse("ledger:problem_detail", args=[self.problem.pk]))
        self.problem.refresh_from_db()
        self.assertEqual(self.problem.due_raw, "2027年6月底前完成，长期坚持")
        self.assertEqual(str(self.problem.due_date), "2027-06-30")
        self.assertTrue(self.problem.due_long_term)
        self.assertEqual(self.problem.version, 3)
        latest = self.problem.history.latest()
        self.assertEqual(latest.history_user, self.world.users["office_A"])

    def test_unit_user_who_can_see_it_gets_403(self):
        self.login("unit_A1")
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, self.form_data(title="改")).status_code, 403)

    def test_outsiders_get_404(self):
        for persona in ("office_B", "unit_A2", "unit_B1", "no_unit"):
            with self.subTest(persona=persona):
                self.login(persona)
                self.assertEqual(self.client.get(self.url).status_code, 404)
                self.assertEqual(self.client.post(self.url, self.form_data(title="改")).status_code, 404)

    def test_stale_version_shows_a_conflict_and_changes_nothing(self):
        self.login("office_A")
        stale = self.form_data(title="甲的修改")
        second = self.form_data(title="乙的修改")
        self.client.post(self.url, second)
        response = self.client.post(self.url, stale)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-testid="form-errors"')
        self.problem.refresh_from_db()
        self.assertEqual(self.problem.title, "乙的修改")

    def test_empty_title_is_refused(self):
        self.login("office_A")
        response = self.client.post(self.url, self.form_data(title=""))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["title"])
        self.problem.refresh_from_db()
        self.assertEqual(self.problem.title, "问题a1")

    def test_city_office_sees_but_cannot_edit_a_province_plans_problem(self):
        system, units = self.world.users["system"], self.world.units
        from zhenggai.ledger import actions

        plan = actions.create_plan(
            acting_user=system,
            inspection=self.world.plans["A"].inspection,
            title="甲省整改方案",
            jurisdiction=units["P"],
            level="province",
        )
        problem = actions.create_problem(plan, acting_user=system, title="省级问题")
        actions.assign(problem, "lead", unit=units["A1"], acting_user=system)
        self.login("office_A")
        self.assertEqual(self.client.get(reverse("ledger:problem_detail", args=[problem.pk])).status_code, 200)
        self.assertEqual(self.client.get(reverse("ledger:problem_edit", args=[problem.pk])).status_code, 403)
        self.login("office_P")
        self.assertEqual(self.client.get(reverse("ledger:problem_edit", args=[problem.pk])).status_code, 200)


class SignedOffEditTestCase(WorldTestCase):
    def test_the_form_offers_no_sign_off_and_a_signed_off_problem_is_not_editable(self):
        self.login("office_A")
        form = self.client.get(reverse("ledger:problem_edit", args=[self.world.problems["a1"].pk])).context["form"]
        self.assertNotIn("signed_off", [value for value, _label in form.fields["status"].choices])
        done = self.world.problems["land_done"]
        response = self.client.get(reverse("ledger:problem_edit", args=[done.pk]))
        self.assertRedirects(response, reverse("ledger:problem_detail", args=[done.pk]))
        self.assertFalse(self.client.get(reverse("ledger:problem_detail", args=[done.pk])).context["can_edit"])
