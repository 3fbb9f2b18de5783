"""Django admin: administrators browse the ledger; changes go through actions only."""

from django.urls import reverse

from zhenggai.testing import WorldTestCase


class LedgerAdminTestCase(WorldTestCase):
    def test_administrator_can_view_a_problem_and_its_history_but_not_change_it(self):
        self.login("system")
        problem = self.world.problems["a1"]
        change_url = reverse("admin:ledger_problem_change", args=[problem.pk])
        response = self.client.get(change_url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'name="_save"')
        self.assertEqual(self.client.post(change_url, {"title": "改"}).status_code, 403)
        history = self.client.get(reverse("admin:ledger_problem_history", args=[problem.pk]))
        self.assertEqual(history.status_code, 200)
        self.assertEqual(self.client.get(reverse("admin:ledger_problem_add")).status_code, 403)

    def test_non_staff_users_are_sent_to_the_admin_login(self):
        for persona in ("office_A", "unit_A1"):
            with self.subTest(persona=persona):
                self.login(persona)
                response = self.client.get(reverse("admin:index"))
                self.assertEqual(response.status_code, 302)
                self.assertIn(reverse("admin:login"), response["Location"])

    def test_unit_admin_shows_successor_read_only(self):
        self.login("system")
        response = self.client.get(reverse("admin:organizations_unit_change", args=[self.world.units["Aland"].pk]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'name="successor"')
        self.assertContains(response, "甲市自然资源局")
